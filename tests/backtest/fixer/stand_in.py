"""Results for the analyzer and fixer tests: scripted ones, or real sandboxed runs.

``run_strategy`` backtests test-authored code through ``BotExecutor`` (the sandbox), so the
tests see real exceptions with the executor's field names (error_type = exception class name,
traceback with ``strategy.py`` line numbers, error_line ...).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from backtesting.test import GOOG

from Backtest.sandbox import BotExecutor

__all__ = ["StandInResult", "failure", "run_strategy", "success"]


@dataclass
class StandInResult:
    """The ``ExecutionResult`` fields the analyzer and the fixer read."""

    success: bool
    num_trades: int | None = None
    no_trades: bool = False
    return_pct: float | None = None
    error_type: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    error_line: int | None = None
    limits_hit: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def success(num_trades: int = 5) -> StandInResult:
    """A scripted successful run."""
    return StandInResult(success=True, num_trades=num_trades, no_trades=num_trades == 0)


def failure(error_type: str, message: str, line: int | None = None, **extra: Any) -> StandInResult:
    """A scripted failed run."""
    return StandInResult(
        success=False, error_type=error_type, error_message=message, error_line=line, **extra
    )


WALL_CLOCK_S = 10.0
_executor: BotExecutor | None = None


def _sandbox() -> BotExecutor:
    """One sandbox for the test session (its server starts on first use)."""
    global _executor
    if _executor is None:
        work = Path(tempfile.mkdtemp(prefix="algoagent-fixer-tests-"))
        _executor = BotExecutor(work_root=work, timeout_s=WALL_CLOCK_S)
        atexit.register(_executor.close)
        atexit.register(shutil.rmtree, work, ignore_errors=True)
    return _executor


def run_strategy(code: str, *, data: pd.DataFrame | None = None) -> StandInResult:
    """Backtest ``code`` on GOOG (or ``data``) in the sandbox; never raises.

    Even test-authored code runs only in the sandbox: nothing outside it execs strategy code.
    """
    result = _sandbox().execute_bot(
        code=code, data=GOOG if data is None else data, cash=10_000, plot=False
    )
    return StandInResult(
        success=result.success,
        num_trades=result.num_trades,
        no_trades=result.no_trades,
        return_pct=result.return_pct,
        error_type=result.error_type,
        error_message=result.error_message,
        traceback=result.traceback,
        error_line=result.error_line,
        limits_hit=list(result.limits_hit),
        stdout=result.stdout,
        stderr=result.stderr,
    )
