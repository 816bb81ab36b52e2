"""An in-process stand-in for ``BotExecutor.execute_bot`` (tests only: NOT a sandbox).

It produces results with the executor's field names (error_type = exception class name,
traceback with ``strategy.py`` line numbers, error_line...), so analyzer and fixer tests can use
real exceptions from real backtests without starting sandbox processes. Only test-authored code
runs through it.
"""

from __future__ import annotations

import linecache
import signal
import sys
import traceback
import types
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.test import GOOG

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


class _Timeout(BaseException):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def run_strategy(
    code: str, *, data: pd.DataFrame | None = None, timeout_s: float = 3.0
) -> StandInResult:
    """Backtest ``code`` on GOOG (or ``data``) in this process; never raises."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _run(code, GOOG if data is None else data)
    except _Timeout:
        return failure("timeout", f"did not finish within {timeout_s} s", limits_hit=["wall_time"])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.modules.pop("strategy", None)


def _run(code: str, data: pd.DataFrame) -> StandInResult:
    try:
        compiled = compile(code, "strategy.py", "exec", dont_inherit=True)
        linecache.cache["strategy.py"] = (len(code), None, code.splitlines(True), "strategy.py")
        module = types.ModuleType("strategy")
        module.__file__ = "strategy.py"
        sys.modules["strategy"] = module
        exec(compiled, module.__dict__)
        classes = [
            v
            for v in module.__dict__.values()
            if isinstance(v, type) and issubclass(v, Strategy) and v.__module__ == "strategy"
        ]
        leaves = [c for c in classes if not any(o is not c and issubclass(o, c) for o in classes)]
        if len(leaves) != 1:
            return failure("validation_error", f"expected one Strategy subclass, got {len(leaves)}")
        stats = Backtest(data, leaves[0], cash=10_000).run()
    except _Timeout:
        raise
    except Exception as exc:
        lines = [
            n
            for f, n in traceback.walk_tb(exc.__traceback__)
            if f.f_code.co_filename == "strategy.py"
        ]
        line = lines[-1] if lines else getattr(exc, "lineno", None)
        return StandInResult(
            success=False,
            error_type=type(exc).__name__,
            error_message=str(exc) or type(exc).__name__,
            traceback="".join(traceback.format_exception(exc)),
            error_line=line,
        )
    trades = int(stats["# Trades"])
    return StandInResult(
        success=True,
        num_trades=trades,
        no_trades=trades == 0,
        return_pct=float(stats["Return [%]"]),
    )
