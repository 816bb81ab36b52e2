"""Run files (plots, ``results.json``, logs) do not pile up: age and per-user size limits.

Each sandbox run leaves ``<SANDBOX_WORK_DIR>/runs/<run id>/``. A directory is *referenced* when
a ``StrategyExecution`` or ``BacktestRun`` row names a file in it; that row's owner and time
decide its fate. Pruning, in order:
1. unreferenced directories older than a grace period (sandbox-test runs, runs whose row was
   deleted, e.g. with its user) are removed;
2. referenced ones older than ``RUN_RETENTION_DAYS`` are removed;
3. a user whose remaining directories exceed ``RUN_MAX_MB_PER_USER`` loses the oldest first.
The rows stay (metrics and trades are history); their file fields are cleared first, so the
API answers "no plot" instead of pointing at a missing file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backtest_api.models import BacktestRun
from strategy_api.models import StrategyExecution

logger = logging.getLogger("algoagent.retention")
_RUN_MODELS = (
    (StrategyExecution, "strategy__owner_id", "timestamp"),
    (BacktestRun, "owner_id", "created_at"),
)


def runs_root() -> Path:
    return Path(settings.SANDBOX_WORK_DIR).resolve() / "runs"


def run_dir_of(name: str) -> Path | None:
    """The run directory holding a stored file name (``runs/<id>/plot.html``), or None.

    Never anything but a direct child of ``runs_root()``: a forged name cannot reach above it.
    """
    if not name:
        return None
    root = runs_root()
    directory = (root.parent / name).resolve().parent
    return directory if directory.parent == root else None


def run_files_delete(*names: str) -> None:
    """Remove the run directories of these stored file names once the transaction commits."""
    directories = {d for name in names if (d := run_dir_of(name)) is not None}
    for directory in directories:
        transaction.on_commit(lambda d=directory: shutil.rmtree(d, ignore_errors=True))


def _size(path: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # removed meanwhile
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


@dataclass
class _Run:
    owner_id: int
    time: datetime
    rows: list[tuple[type, int]] = field(default_factory=list)


@dataclass
class PruneReport:
    orphans: int = 0
    expired: int = 0
    over_quota: int = 0
    bytes_freed: int = 0

    def __str__(self) -> str:
        return (
            f"removed {self.orphans} unreferenced, {self.expired} expired and "
            f"{self.over_quota} over-quota run directories ({self.bytes_freed / 1e6:.1f} MB)"
        )


def _referenced() -> dict[Path, _Run]:
    runs: dict[Path, _Run] = {}
    for model, owner_field, time_field in _RUN_MODELS:
        rows = (
            model.objects.exclude(results_file="", plot_file="")
            .values_list("pk", owner_field, time_field, "results_file", "plot_file")
            .iterator()
        )
        for pk, owner_id, when, *names in rows:
            for name in names:
                directory = run_dir_of(name)
                if directory is not None:
                    run = runs.setdefault(directory, _Run(owner_id=owner_id, time=when))
                    if (model, pk) not in run.rows:
                        run.rows.append((model, pk))
    return runs


def _remove(directory: Path, run: _Run | None, report: PruneReport) -> int:
    size = _size(directory)
    if run is not None:
        by_model: dict[type, list[int]] = defaultdict(list)
        for model, pk in run.rows:
            by_model[model].append(pk)
        for model, pks in by_model.items():
            model.objects.filter(pk__in=pks).update(results_file="", plot_file="")
    shutil.rmtree(directory, ignore_errors=True)
    report.bytes_freed += size
    return size


def runs_prune(*, now: datetime | None = None) -> PruneReport:
    """Apply the retention policy once (``manage.py prune_runs`` and the workers' schedule)."""
    now = now or timezone.now()
    report = PruneReport()
    root = runs_root()
    if not root.is_dir():
        return report
    referenced = _referenced()
    grace_s = max(3600, 2 * settings.SANDBOX_TIMEOUT_SECONDS)  # a run's row is written after it
    expiry = now - timedelta(days=settings.RUN_RETENTION_DAYS)
    kept: dict[int, list[tuple[datetime, Path, int]]] = defaultdict(list)
    for entry in os.scandir(root):
        if not entry.is_dir(follow_symlinks=False):
            continue
        directory = Path(entry.path)
        run = referenced.get(directory)
        if run is None:
            if entry.stat(follow_symlinks=False).st_mtime < time.time() - grace_s:
                _remove(directory, None, report)
                report.orphans += 1
        elif run.time < expiry:
            _remove(directory, run, report)
            report.expired += 1
        else:
            kept[run.owner_id].append((run.time, directory, _size(directory)))
    cap = settings.RUN_MAX_MB_PER_USER * 1_000_000
    for owner_id, runs in kept.items():
        total = sum(size for _, _, size in runs)
        for _, directory, size in sorted(runs):  # oldest first
            if total <= cap:
                break
            _remove(directory, referenced[directory], report)
            report.over_quota += 1
            total -= size
            logger.info("User %s over the run-file quota: removed %s", owner_id, directory.name)
    if report.orphans or report.expired or report.over_quota:
        logger.info("prune_runs: %s", report)
    return report
