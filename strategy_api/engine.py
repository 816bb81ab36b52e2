"""Adapts Django settings to the ``Backtest`` domain package (settings in, plain objects out).

One ``BotExecutor`` (and so one warm sandbox server) per process, created on first use.
"""

from __future__ import annotations

import atexit
import functools
import re
import threading
from pathlib import Path
from typing import Any

import pandas as pd
from bokeh.util.paths import bokehjs_path
from django.conf import settings

from Backtest.bot_executor import BotExecutor

_lock = threading.Lock()
_executors: dict[tuple, BotExecutor] = {}


def sandbox_work_dir() -> Path:
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


def market_data_load(
    *,
    symbol: str,
    start: Any = None,
    end: Any = None,
    interval: str | None = None,
    user=None,
) -> pd.DataFrame:
    """OHLCV from the user's uploads, the bundled data or the on-disk cache; never downloads.

    ``interval`` None means the data's own bar size (GOOG daily, EURUSD hourly, BTCUSD monthly).
    """
    from data_api.selectors import ohlcv_load

    return ohlcv_load(user=user, symbol=symbol, start=start, end=end, interval=interval)


def market_data_check(
    *,
    symbol: str,
    start: Any = None,
    end: Any = None,
    interval: str | None = None,
    user=None,
    field: str = "symbol",
):
    """Fail fast (400 naming the field) when the symbol or range cannot be served."""
    from rest_framework import serializers

    from Backtest.market_data import (
        DataError,
        EmptyRangeError,
        InvalidIntervalError,
        InvalidRangeError,
    )

    try:
        return market_data_load(symbol=symbol, start=start, end=end, interval=interval, user=user)
    except (EmptyRangeError, InvalidRangeError) as exc:
        raise serializers.ValidationError({"start": [str(exc)], "end": [str(exc)]}) from None
    except InvalidIntervalError as exc:
        raise serializers.ValidationError({"interval": [str(exc)]}) from None
    except DataError as exc:
        raise serializers.ValidationError({field: [str(exc)]}) from None


# backtesting.py's plots load BokehJS from a CDN and add a hidden tracking iframe.
_BOKEH_SCRIPT = re.compile(
    r'<script[^>]*\bsrc="https://cdn\.bokeh\.org/bokeh/release/'
    r'(bokeh(?:-[a-z]+)?)-\d+\.\d+\.\d+(?:\.min)?\.js"[^>]*>\s*</script>'
)
_TRACKER = re.compile(r"\(function\(\) \{ var i = document\.createElement\('iframe'\);.*?\}\)\(\);")


@functools.cache
def _bokehjs(name: str) -> str | None:
    """The bokeh package's own copy of a BokehJS bundle (``bokeh``, ``bokeh-widgets``...)."""
    path = Path(bokehjs_path()) / "js" / f"{name}.min.js"
    if not path.is_file():
        return None
    # Inside an inline <script>, "</script" would end the element early.
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _inline_bokehjs(match: re.Match[str]) -> str:
    code = _bokehjs(match.group(1))
    return "" if code is None else f"<script>{code}</script>"


def plot_html(*, plot_file: str) -> bytes | None:
    """A run's Bokeh plot (path relative to the sandbox work dir) ready to serve, or None.

    Made self-contained: the CDN ``<script src>`` tags become the bokeh package's BokehJS
    inlined, so the page needs nothing from any server (it works offline, under ``PLOT_CSP``,
    and never calls back to us); backtesting.py's tracking iframe is removed. The HTML was
    produced by untrusted code: serve it only with ``PLOT_CSP``. Plots over
    ``RUN_PLOT_MAX_BYTES`` are not served.
    """
    if not plot_file:
        return None
    root = sandbox_work_dir().resolve()
    path = (root / plot_file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    if path.stat().st_size > settings.RUN_PLOT_MAX_BYTES:
        return None
    html = path.read_text(encoding="utf-8", errors="replace")
    html = _TRACKER.sub("", html)
    html = _BOKEH_SCRIPT.sub(_inline_bokehjs, html)
    return html.encode("utf-8")


# The plot runs in an opaque origin (sandbox without allow-same-origin): no access to the API's
# cookies or storage. It may run inline scripts, and eval (BokehJS compiles the plot's CustomJS
# callbacks with ``new Function``), but load nothing: no network, frames, fonts or workers.
PLOT_CSP = (
    "sandbox allow-scripts; default-src 'none'; "
    "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:"
)


def run_file_relative(path: str | None) -> str:
    """A run's file (results JSON, plot) as stored: relative to the sandbox work dir, or ""."""
    if not path:
        return ""
    try:
        return str(Path(path).resolve().relative_to(sandbox_work_dir().resolve()))
    except ValueError:
        return ""


def run_outputs_cap(result: Any) -> None:
    """Refuse a stored plot above ``RUN_PLOT_MAX_BYTES``: delete it and say so in stderr.

    The plot is written from what the strategy's process sent; a forged multi-MB page must not
    be kept or served. The run itself stands (its metrics came through the checked channel).
    """
    if not result.plot_file:
        return
    path = Path(result.plot_file)
    try:
        size = path.stat().st_size
    except OSError:
        result.plot_file = None
        return
    limit = settings.RUN_PLOT_MAX_BYTES
    if size > limit:
        path.unlink(missing_ok=True)
        result.plot_file = None
        note = f"[host] plot refused: {size} bytes is over the {limit}-byte limit"
        result.stderr = f"{note}\n{result.stderr or ''}".rstrip("\n")


def execution_result_fields(result: Any) -> dict[str, Any]:
    """The columns a ``StrategyExecution`` and a ``BacktestRun`` both keep of an ExecutionResult."""
    run_outputs_cap(result)
    return {
        "success": result.success,
        "no_trades": result.no_trades,
        "return_pct": result.return_pct,
        "num_trades": result.num_trades,
        "win_rate": result.win_rate,
        "sharpe_ratio": result.sharpe_ratio,
        "max_drawdown": result.max_drawdown,
        "stats": result.stats,
        "trades": result.trades,
        "trades_total": result.trades_total or len(result.trades),
        "equity_curve": result.equity_curve,
        "results_file": run_file_relative(result.results_file),
        "plot_file": run_file_relative(result.plot_file),
        "execution_time": result.execution_time,
        "error_type": result.error_type or "",
        "error_message": result.error_message or "",
        "error_line": result.error_line,
        "sandbox_layers": result.sandbox_layers,
    }
