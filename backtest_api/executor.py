"""The process's sandboxed executor, built from settings (one warm sandbox server per process).

``Backtest`` knows nothing of Django: this module adapts the settings to ``BotExecutor``'s
arguments and maps a run's files (results JSON, plot) to paths relative to the work dir.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from django.conf import settings

from Backtest.bot_executor import BotExecutor

_lock = threading.Lock()
_executors: dict[tuple, BotExecutor] = {}


def sandbox_work_dir() -> Path:
    """Where sandboxed runs keep their directories (results JSON, plots)."""
    return Path(settings.SANDBOX_WORK_DIR)


def executor_get() -> BotExecutor:
    """The process's executor for the current sandbox settings (started lazily)."""
    key = (
        str(sandbox_work_dir()),
        settings.SANDBOX_POOL_SIZE,
        settings.SANDBOX_TIMEOUT_SECONDS,
        settings.SANDBOX_MEMORY_MB,
        tuple(settings.SANDBOX_REQUIRE_LAYERS),
    )
    with _lock:
        executor = _executors.get(key)
        if executor is None:
            sandbox_work_dir().mkdir(parents=True, exist_ok=True)
            executor = BotExecutor(
                work_root=sandbox_work_dir(),
                pool_size=settings.SANDBOX_POOL_SIZE,
                timeout_s=settings.SANDBOX_TIMEOUT_SECONDS,
                memory_mb=settings.SANDBOX_MEMORY_MB,
                require_layers=settings.SANDBOX_REQUIRE_LAYERS,
            )
            _executors[key] = executor
        return executor


@atexit.register
def _close_executors() -> None:
    for executor in list(_executors.values()):
        executor.close()


def run_file_relative(path: str | None) -> str:
    """A run's file (results JSON, plot) as stored: relative to the sandbox work dir, or ""."""
    if not path:
        return ""
    try:
        return str(Path(path).resolve().relative_to(sandbox_work_dir().resolve()))
    except ValueError:
        return ""
