"""Runs one strategy inside the locked-down child and builds its (untrusted) result payload.

Everything here executes after the lockdown, in the same process as the strategy code, so the
parent treats the payload as a claim to validate, never as truth. The code is compiled as
``strategy.py`` so tracebacks and ``error_line`` point at the user's own lines.
"""

from __future__ import annotations

import builtins
import errno
import linecache
import os
import sys
import time
import traceback
import types
from collections.abc import Callable
from typing import Any

import pandas as pd
from backtesting import Backtest, Strategy

from Backtest.sandbox._child.audit import SandboxViolation
from Backtest.sandbox._wire import serialize
from Backtest.sandbox._wire.job import PLOT_FILENAME

STRATEGY_FILENAME = "strategy.py"
STRATEGY_MODULE = "strategy"
MAX_MESSAGE_CHARS = 4000
MAX_TRACEBACK_CHARS = 20_000
#: Plotting needs a DatetimeIndex to resample long series; past this many bars without one the
#: plot would be unusably slow and large, so it is skipped.
MAX_PLOT_BARS_UNRESAMPLED = 100_000
_THIS_FILE = os.path.abspath(__file__)


class StrategyLookupError(Exception):
    """The code does not define exactly one ``backtesting.Strategy`` subclass."""


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    tb = exc.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == _THIS_FILE:
        tb = tb.tb_next
    lines = traceback.format_exception(type(exc), exc, tb)
    text = "".join(lines)
    error_line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == STRATEGY_FILENAME:
            error_line = lineno
    if isinstance(exc, SyntaxError) and exc.filename == STRATEGY_FILENAME:
        error_line = exc.lineno
    message = str(exc)[:MAX_MESSAGE_CHARS] or type(exc).__name__
    if error_type is None:
        if isinstance(exc, SandboxViolation):
            error_type = "security_violation"
        elif isinstance(exc, MemoryError):
            error_type = "memory_limit"
        elif isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
            # Without a memory cgroup the seccomp filter answers ENOMEM to shared memory
            # (memfd, SysV shm): it would not count against the address-space limit.
            error_type = "resource_limit"
            message = f"memory limit: {message} (shared memory is not available in the sandbox)"
        else:
            error_type = type(exc).__name__
    return {
        "type": "result",
        "ok": False,
        "error_type": error_type[:100],
        "exception": type(exc).__name__[:100],
        "error_message": message[:MAX_MESSAGE_CHARS],
        "traceback": text[-MAX_TRACEBACK_CHARS:],
        "error_line": error_line,
    }


def find_strategy(namespace: dict[str, Any]) -> type[Strategy]:
    """The single Strategy subclass defined by the code (a shared base class is tolerated)."""
    defined = [
        obj
        for obj in namespace.values()
        if isinstance(obj, type)
        and issubclass(obj, Strategy)
        and obj is not Strategy
        and obj.__module__ == STRATEGY_MODULE
    ]
    leaves = [c for c in defined if not any(o is not c and issubclass(o, c) for o in defined)]
    if len(leaves) == 1:
        return leaves[0]
    if not leaves:
        raise StrategyLookupError(
            "no backtesting.Strategy subclass is defined in the code "
            "(define e.g. `class MyStrategy(Strategy):` with init() and next())"
        )
    names = ", ".join(sorted(c.__name__ for c in leaves))
    raise StrategyLookupError(f"the code defines several Strategy subclasses ({names}); keep one")


def _load_code(code: str) -> dict[str, Any]:
    compiled = compile(code, STRATEGY_FILENAME, "exec", dont_inherit=True)
    linecache.cache[STRATEGY_FILENAME] = (
        len(code),
        None,
        code.splitlines(keepends=True),
        STRATEGY_FILENAME,
    )
    module = types.ModuleType(STRATEGY_MODULE)
    module.__file__ = STRATEGY_FILENAME
    module.__dict__["__builtins__"] = builtins
    sys.modules[STRATEGY_MODULE] = module
    exec(compiled, module.__dict__)
    return module.__dict__


def _plot(
    bt: Backtest,
    stats: pd.Series,
    data: pd.DataFrame,
    workdir: str,
    send: Callable[[dict[str, Any]], None],
    max_bytes: int,
) -> dict[str, Any]:
    """Plot, then ship the HTML over the result channel (the parent never reads our files)."""
    if not isinstance(data.index, pd.DatetimeIndex) and len(data) > MAX_PLOT_BARS_UNRESAMPLED:
        return {"skipped": f"more than {MAX_PLOT_BARS_UNRESAMPLED} bars without a DatetimeIndex"}
    started = time.perf_counter()
    path = os.path.join(workdir, PLOT_FILENAME)
    try:
        bt.plot(results=stats, filename=path, open_browser=False)
        with open(path, "rb") as f:
            html = f.read(max_bytes + 1)
    except Exception as exc:  # a broken plot must not fail a finished backtest
        return {"error": f"{type(exc).__name__}: {exc}"[:MAX_MESSAGE_CHARS]}
    if len(html) > max_bytes // 2:  # JSON escaping can double the size on the wire
        return {"error": f"plot is larger than {max_bytes // 2} bytes"}
    send({"type": "plot", "html": html.decode("utf-8", "replace")})
    return {"sent": True, "seconds": time.perf_counter() - started}


def run_job(
    job: dict[str, Any],
    *,
    data: pd.DataFrame,
    workdir: str,
    send: Callable[[dict[str, Any]], None],
    max_plot_bytes: int,
) -> dict[str, Any]:
    """Execute the job; return the result payload (never raises)."""
    try:
        started = time.perf_counter()
        cpu_started = time.process_time()
        try:
            namespace = _load_code(job["code"])
            strategy = find_strategy(namespace)
        except StrategyLookupError as exc:
            return _error(exc, "validation_error")
        bt = Backtest(data, strategy, **job["options"])
        stats = bt.run(**job.get("strategy_params", {}))
        run_seconds = time.perf_counter() - started
        trades = stats["_trades"]
        payload: dict[str, Any] = {
            "type": "result",
            "ok": True,
            "strategy": strategy.__name__[:200],
            "strategy_repr": str(stats["_strategy"])[:1000],
            "stats": serialize.stats_to_dict(stats),
            "trades": serialize.trades_columns(trades, job["max_trades"]),
            "trades_total": len(trades),
            "equity": serialize.equity_columns(stats["_equity_curve"], job["max_equity_points"]),
            "run_seconds": run_seconds,
            "run_cpu_seconds": time.process_time() - cpu_started,
        }
        if job.get("plot"):
            payload["plot"] = _plot(bt, stats, data, workdir, send, max_plot_bytes)
        return payload
    except BaseException as exc:
        return _error(exc)
