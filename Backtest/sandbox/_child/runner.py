"""Runs one strategy inside the locked-down child and builds its (untrusted) result payload.

Everything here executes after the lockdown, in the same process as the strategy code, so the
parent treats the payload as a claim to validate, never as truth. The code is compiled as
``strategy.py`` so tracebacks and ``error_line`` point at the user's own lines.
"""

from __future__ import annotations

import builtins
import errno
import linecache
import math
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
from Backtest.sandbox._child.observe import Progress, WarningCollector
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
    if len(html) > max_bytes:
        return {"error": f"plot is larger than {max_bytes} bytes"}
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
    progress = Progress(send if job.get("progress") else None)
    collector = WarningCollector(STRATEGY_FILENAME)
    progress.stage("data_loaded", bars=len(data))  # mapped by the lockdown, before any code
    try:
        with collector.capturing():
            payload = _run(job, data, workdir, send, max_plot_bytes, progress)
    except BaseException as exc:
        payload = _error(exc)
    payload["warnings"] = collector.items()
    return payload


def _run(
    job: dict[str, Any],
    data: pd.DataFrame,
    workdir: str,
    send: Callable[[dict[str, Any]], None],
    max_plot_bytes: int,
    progress: Progress,
) -> dict[str, Any]:
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        namespace = _load_code(job["code"])
        strategy = find_strategy(namespace)
    except StrategyLookupError as exc:
        return _error(exc, "validation_error")
    bt = Backtest(data, strategy, **job["options"])
    if job["mode"] == "batch":
        return _run_batch(job, bt, strategy, progress)
    with progress.counting_bars():
        stats = bt.run(**job.get("strategy_params", {}))
    run_seconds = time.perf_counter() - started
    payload = _full_result(job, strategy, stats)
    progress.stage("stats_computed")
    payload["run_seconds"] = run_seconds
    payload["run_cpu_seconds"] = time.process_time() - cpu_started
    if job.get("plot"):
        payload["plot"] = _plot(bt, stats, data, workdir, send, max_plot_bytes)
    return payload


def _full_result(job: dict[str, Any], strategy: type[Strategy], stats: pd.Series) -> dict[str, Any]:
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
    }
    if job.get("indicators"):
        payload["indicators"] = serialize.indicator_columns(
            getattr(stats["_strategy"], "_indicators", []), len(stats["_equity_curve"])
        )
    return payload


def _run_batch(
    job: dict[str, Any], bt: Backtest, strategy: type[Strategy], progress: Progress
) -> dict[str, Any]:
    """Every parameter set on the same data in this process: compact numeric stats per set,
    and the full result (trades, equity) of one chosen set."""
    param_sets: list[dict[str, Any]] = job["param_sets"]
    maximize, chosen = job["maximize"], job["full_result"]
    runs: list[dict[str, Any]] = []
    best_index, best_value = None, -math.inf
    kept: pd.Series | None = None  # stats of the set whose full result is returned
    for index, params in enumerate(param_sets):
        try:
            stats = bt.run(**params)
        except Exception as exc:  # one bad set does not end the batch
            runs.append({"error_type": type(exc).__name__[:100], "error_message": str(exc)[:500]})
        else:
            runs.append({"stats": serialize.numeric_stats(stats)})
            value = runs[-1]["stats"].get(maximize) if maximize else None
            if isinstance(value, int | float) and math.isfinite(value) and value > best_value:
                best_index, best_value = index, value
                if chosen == "best":
                    kept = stats
            if chosen == index:
                kept = stats
        progress.stage(
            "param_sets",
            throttle=index + 1 < len(param_sets),
            sets_done=index + 1,
            sets_total=len(param_sets),
        )
    payload: dict[str, Any] = {
        "type": "result",
        "ok": True,
        "mode": "batch",
        "strategy": strategy.__name__[:200],
        "runs": runs,
        "best_index": best_index,
    }
    if kept is not None:
        payload["full"] = _full_result(job, strategy, kept)
    return payload
