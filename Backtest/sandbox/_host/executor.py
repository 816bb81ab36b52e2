"""``BotExecutor``: the sandbox's public entry point (re-exported as ``Backtest.sandbox``).

It loads data in this (trusted) process, writes it as plain arrays into a fresh run
directory, asks the warm sandbox server to execute the code in a locked-down child, and turns the
validated answer into an ``ExecutionResult``. It never imports Django and is safe to share
between threads. Bookkeeping the caller does not need to wait for (writing ``results.json``,
removing the run's input arrays) happens on one background thread (``sandbox.rundir``);
``wait_for_files()`` waits for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import threading
import time
import uuid
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from Backtest.sandbox._host import rundir
from Backtest.sandbox._host.client import SandboxClient, SandboxConfig, SandboxError
from Backtest.sandbox._host.results import (
    ExecutionResult,
    InvalidPayload,
    apply_payload,
    cgroup_limit_failure,
    classify,
    failure,
)
from Backtest.sandbox._wire import datafiles, job
from Backtest.sandbox._wire.layers import ALL_LAYERS
from Backtest.sandbox._wire.limits import Limits

RESULTS_FILENAME = rundir.RESULTS_FILENAME


class BotExecutor:
    """Sandboxed backtest runner backed by one warm server process."""

    def __init__(
        self,
        *,
        work_root: Path,
        pool_size: int = 2,
        timeout_s: float = 60,
        memory_mb: int = 2048,
        cpu_seconds: int | None = None,
        max_output_bytes: int = 64_000,
        require_layers: Collection[str] = (),
        _allow_layer_overrides: bool = False,
    ) -> None:
        """Limits apply per run. ``require_layers`` makes every run refuse to start (with a
        ``sandbox_error``) unless the server enforces those layers. ``_allow_layer_overrides``
        is for tests that prove one layer on its own (``execute_bot(_disable_layers=...)``);
        never set it in production."""
        unknown = set(require_layers) - set(ALL_LAYERS)
        if unknown:
            raise ValueError(f"unknown sandbox layer(s) {sorted(unknown)}; known: {ALL_LAYERS}")
        self.limits = Limits(
            timeout_s=float(timeout_s),
            memory_mb=memory_mb,
            cpu_seconds=cpu_seconds,
            max_output_bytes=max_output_bytes,
        )
        self.require_layers = tuple(require_layers)
        self.work_root = Path(work_root).resolve()
        self._client = SandboxClient(
            SandboxConfig(
                work_root=self.work_root,
                pool_size=pool_size,
                allow_layer_overrides=_allow_layer_overrides,
            )
        )
        self._lock = threading.Lock()
        self._background = rundir.BackgroundFiles()

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> list[str]:
        """Start (or check) the warm server now; return its active layers."""
        return list(self._client.start().layers)

    @property
    def layers(self) -> list[str]:
        """Layers of the running server (starts it if needed)."""
        return self.start()

    @property
    def client(self) -> SandboxClient:
        """The underlying sandbox client (diagnostics and tests)."""
        return self._client

    def wait_for_files(self, timeout: float | None = None) -> bool:
        """Wait until every ``results.json`` of a returned run is on disk (True if so)."""
        return self._background.wait(timeout)

    def close(self) -> None:
        """Finish the pending file work, then stop the warm server."""
        self._background.wait()
        self._client.close()

    def __enter__(self) -> BotExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the run ---------------------------------------------------------------------------
    def execute_bot(
        self,
        strategy_file: str | Path | None = None,
        code: str | None = None,
        test_symbol: str = "GOOG",
        start: Any = None,
        end: Any = None,
        cash: float = 10_000,
        commission: float | tuple[float, float] = 0.0,
        *,
        data: pd.DataFrame | None = None,
        plot: bool = True,
        strategy_params: Mapping[str, Any] | None = None,
        _disable_layers: Collection[str] = (),
        **backtest_options: Any,
    ) -> ExecutionResult:
        """Backtest ``code`` (or the file's contents) on ``data`` or ``test_symbol`` history.

        ``backtest_options`` are ``backtesting.Backtest`` keywords (spread, margin,
        trade_on_close, hedging, exclusive_orders, finalize_trades); unknown ones are a
        validation error. Never raises for problems of the code, data or sandbox: they come
        back as ``success=False`` with an ``error_type``. ``results_file`` is written in the
        background (``wait_for_files()`` before reading it).
        """
        started = time.perf_counter()
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:12]}"
        leftovers: list[Path] = []
        result = self._execute(
            run_id,
            leftovers,
            strategy_file,
            code,
            test_symbol,
            start,
            end,
            {"cash": cash, "commission": commission, **backtest_options},
            data,
            plot,
            strategy_params,
            _disable_layers,
        )
        result.run_id = run_id
        result.execution_time = time.perf_counter() - started
        run_dir = self._client.runs_root / run_id
        if run_dir.is_dir():
            result.results_file = str(run_dir / RESULTS_FILENAME)
            # The work is handed over last, so the thread competes for the GIL only once we
            # are done; the snapshot copies the lists but shares the row dicts (copying those
            # would double the memory of 10,000 trades for a moment).
            snapshot = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
            for name, value in snapshot.items():
                if isinstance(value, list | dict):
                    snapshot[name] = value.copy()
            self._background.submit(rundir.finish, run_dir, snapshot, leftovers)
        return result

    def _execute(
        self,
        run_id: str,
        leftovers: list[Path],
        strategy_file: str | Path | None,
        code: str | None,
        symbol: str,
        start: Any,
        end: Any,
        options: dict[str, Any],
        data: pd.DataFrame | None,
        plot: bool,
        strategy_params: Mapping[str, Any] | None,
        disable_layers: Collection[str],
    ) -> ExecutionResult:
        try:
            source = _read_code(strategy_file, code)
            job_spec = job.validate_job(
                {
                    "code": source,
                    "options": options,
                    "strategy_params": dict(strategy_params or {}),
                    "plot": bool(plot),
                    "max_trades": job.MAX_TRADES,
                    "max_equity_points": job.MAX_EQUITY_POINTS,
                }
            )
        except (job.JobError, OSError, UnicodeDecodeError) as exc:
            return failure("validation_error", str(exc))
        limits = self.limits  # one consistent snapshot for this run
        try:
            info = self._client.start()
        except SandboxError as exc:
            return failure("sandbox_error", str(exc))
        missing = [layer for layer in self.require_layers if layer not in info.layers]
        if missing:
            return failure(
                "sandbox_error",
                f"refusing to run: required sandbox layer(s) unavailable: {missing}",
                sandbox_layers=list(info.layers),
            )
        if limits.memory_mb < info.baseline_vm_mb + 256:
            return failure(
                "validation_error",
                f"memory_mb={limits.memory_mb} is too small: the runtime alone maps "
                f"{info.baseline_vm_mb:.0f} MB (allow at least 256 MB more)",
            )
        if data is None:
            try:
                data = load_data(symbol, start, end)
            except Exception as exc:  # any loader failure is the caller's data problem
                return failure("data_error", f"{type(exc).__name__}: {exc}")
        try:
            run_dir, box, data_dir = rundir.make_run_dir(self._client.runs_root, run_id)
        except OSError as exc:
            return failure("sandbox_error", f"cannot create the run directory: {exc}")
        try:
            datafiles.write_dataset(data, data_dir)
        except (datafiles.DatasetError, OSError, ValueError, TypeError) as exc:
            rundir.remove(box, data_dir)
            return failure("data_error", str(exc))
        wire_job = dict(job_spec, options=_wire_options(job_spec["options"]))
        try:
            response = self._client.run(
                job=wire_job,
                limits=limits,
                box=str(box),
                data=str(data_dir),
                disable_layers=disable_layers,
            )
        except SandboxError as exc:
            rundir.remove(box, data_dir)
            return failure("sandbox_error", str(exc))
        result = self._to_result(response, job_spec, limits)
        html = response.get("plot_html")
        if result.success and plot and isinstance(html, str):
            result.plot_file = rundir.write_plot(run_dir, html)
        leftovers.extend((box, data_dir))
        return result

    @staticmethod
    def _to_result(
        response: dict[str, Any], job_spec: dict[str, Any], limits: Limits
    ) -> ExecutionResult:
        result = classify(response, limits.to_dict())
        if result is None:
            result = ExecutionResult(success=False)
            try:
                apply_payload(
                    result,
                    response["result"],
                    max_trades=job_spec["max_trades"],
                    max_points=job_spec["max_equity_points"],
                )
            except InvalidPayload as exc:
                result = failure(
                    "security_violation", f"the sandbox returned an invalid result: {exc}"
                )
            result = cgroup_limit_failure(response, result)
        result.stdout = _text(response.get("stdout"), limits.max_output_bytes)
        result.stderr = _text(response.get("stderr"), limits.max_output_bytes)
        for stream in ("stdout", "stderr"):
            produced = response.get(f"{stream}_bytes")
            if isinstance(produced, int) and produced > limits.max_output_bytes:
                if "output" not in result.limits_hit:
                    result.limits_hit.append("output_truncated")
                break
        layers = response.get("layers")
        if isinstance(layers, list):
            result.sandbox_layers = [x for x in layers if isinstance(x, str) and x in ALL_LAYERS]
        violations = response.get("violations")
        if isinstance(violations, list):
            result.violations = violations[:20]
        result.resource_usage = {
            "prewarmed": bool(response.get("prewarmed")),
            "wall_s": _maybe_float(response.get("wall_s")),
            "cpu_s": _maybe_float(response.get("cpu_s")),
            "max_rss_mb": (
                response["max_rss_kb"] / 1024
                if isinstance(response.get("max_rss_kb"), int)
                else None
            ),
            "cgroup_peak_mb": _cgroup_peak_mb(response),
        }
        return result

    def prune_runs(self, older_than_s: float) -> int:
        """Delete run directories older than ``older_than_s``; return how many were removed."""
        removed = 0
        cutoff = time.time() - older_than_s
        for entry in self._client.runs_root.glob("*"):
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed


def _read_code(strategy_file: str | Path | None, code: str | None) -> str:
    if (strategy_file is None) == (code is None):
        raise job.JobError("pass exactly one of strategy_file or code")
    if strategy_file is not None:
        return Path(strategy_file).read_text(encoding="utf-8")
    if not isinstance(code, str):
        raise job.JobError("code must be a string")
    return code


def _wire_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}


def load_data(symbol: str, start: Any = None, end: Any = None) -> pd.DataFrame:
    """OHLCV history for ``symbol`` via ``Backtest.market_data`` (lazy: only runs that name a
    symbol instead of passing ``data`` need it)."""
    from Backtest.market_data import load_ohlcv

    frame: pd.DataFrame = load_ohlcv(symbol, start=start, end=end, interval=None)
    return frame


def _text(value: Any, limit: int) -> str:
    return value[: limit * 2] if isinstance(value, str) else ""


def _cgroup_peak_mb(response: dict[str, Any]) -> float | None:
    """The run's total memory peak as its memory cgroup measured it (shared memory included)."""
    cgroup = response.get("cgroup")
    peak = cgroup.get("memory_peak_bytes") if isinstance(cgroup, dict) else None
    if isinstance(peak, int) and not isinstance(peak, bool) and peak > 0:
        return round(peak / (1024 * 1024), 1)
    return None


def _maybe_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
