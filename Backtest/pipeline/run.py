"""The one backtest pipeline: request + code + data -> sandbox -> ``BacktestOutcome``.

Every route that runs a backtest (execute, backtest runs, quick_run, the sandbox test, the
fixer's verifying runs, generate-and-execute, templates, optimisation) ends here, so the checks
against the data, the warnings and the benchmark are computed once, the same way for all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from Backtest.market_data import iso_utc
from Backtest.pipeline.outcome import BacktestOutcome, Benchmark
from Backtest.pipeline.request import BacktestRequest, InvalidRequest
from Backtest.sandbox import ExecutionResult

__all__ = ["Executor", "ProgressSink", "check_cash", "prepare_data", "run_backtest"]

ProgressSink = Callable[[str, dict[str, Any]], None]


class Executor(Protocol):
    """What the pipeline needs of ``Backtest.bot_executor.BotExecutor``."""

    def execute_bot(self, *args: Any, **kwargs: Any) -> ExecutionResult: ...


def prepare_data(request: BacktestRequest, data: pd.DataFrame) -> pd.DataFrame:
    """The bars the run will use (``last_bars`` applied); raise if none are usable."""
    window = data.iloc[-request.last_bars :] if request.last_bars else data
    if window.empty:
        raise InvalidRequest({"start": ["There are no bars to backtest in this range."]})
    return window


def check_cash(request: BacktestRequest, data: pd.DataFrame) -> None:
    """Refuse cash that can never buy one unit of the symbol in this range.

    backtesting.py trades whole units: with ``cash / margin`` below every close, each order is
    cancelled and the "backtest" is a flat line. (Below only some closes, the run's own
    ``insufficient_cash`` warning says so.)
    """
    close = data["Close"].to_numpy(dtype="float64")
    close = close[np.isfinite(close)]
    if close.size == 0:
        return
    buying_power = request.cash / request.margin
    lowest = float(close.min())
    if buying_power < lowest:
        raise InvalidRequest(
            {
                "cash": [
                    f"cash {request.cash:g} (buying power {buying_power:g} at margin "
                    f"{request.margin:g}) is below the lowest {request.symbol} close in this "
                    f"range ({lowest:g}): not one unit could ever be bought."
                ]
            }
        )


def first_trading_bar(close: np.ndarray, buy_hold_pct: float | None) -> int:
    """The bar backtesting.py's ``Buy & Hold Return [%]`` starts from (after indicator warm-up).

    backtesting.py measures buy & hold from the first bar a strategy could trade, which it does
    not report; it is the first bar whose close gives the reported return.
    """
    if buy_hold_pct is None or close.size == 0 or not np.isfinite(close[-1]):
        return 0
    start = close[-1] / (1 + buy_hold_pct / 100)
    matches = np.flatnonzero(np.isclose(close, start, rtol=1e-9, atol=0.0))
    return int(matches[0]) if matches.size else 0


def benchmark(request: BacktestRequest, data: pd.DataFrame, result: ExecutionResult) -> Benchmark:
    """Buy & hold of the run's own bars, exactly backtesting.py's ``Buy & Hold Return [%]``:
    flat (cash) during the strategy's indicator warm-up, then invested from its first bar."""
    stats = result.stats or {}
    return_pct = _number(stats.get("Buy & Hold Return [%]"))
    close = data["Close"].to_numpy(dtype="float64")
    start = first_trading_bar(close, return_pct)
    base = float(close[start]) if close.size else float("nan")
    equity: list[dict[str, Any]] = []
    if result.equity_curve and np.isfinite(base) and base > 0:
        times = [row.get("time") for row in result.equity_curve]
        try:
            at = pd.DatetimeIndex(pd.to_datetime(times, utc=True))
            index = data.index
            if isinstance(index, pd.DatetimeIndex) and index.tz is None:
                at = at.tz_localize(None)
            positions = index.get_indexer(at)
        except (TypeError, ValueError):
            positions = np.array([], dtype=np.int64)
        for t, position in zip(times, positions, strict=False):
            if position < 0:
                continue
            price = close[max(position, start)]
            if np.isfinite(price):
                equity.append({"time": t, "equity": round(float(request.cash * price / base), 6)})
    return Benchmark(
        symbol=request.symbol,
        return_pct=return_pct,
        equity=equity,
        alpha_pct=_number(stats.get("Alpha [%]")),
        beta=_number(stats.get("Beta")),
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def run_backtest(
    *,
    request: BacktestRequest,
    code: str,
    data: pd.DataFrame,
    executor: Executor,
    on_progress: ProgressSink | None = None,
    strategy_params: dict[str, Any] | None = None,
) -> BacktestOutcome:
    """Check ``request`` against ``data``, run ``code`` in the sandbox, gather the outcome.

    Raises :class:`InvalidRequest` for a request the data makes impossible (no bars, cash below
    every price); problems of the code come back as a failed ``result``, never as an exception.
    """
    window = prepare_data(request, data)
    check_cash(request, window)
    extra: dict[str, Any] = {}
    if on_progress is not None:
        extra["on_progress"] = on_progress
    if strategy_params:
        extra["strategy_params"] = strategy_params
    result = executor.execute_bot(
        code=code,
        data=window,
        test_symbol=request.symbol,
        plot=request.plot,
        **request.broker_options(),
        **extra,
    )
    outcome = BacktestOutcome(
        request=request,
        result=result,
        bars=len(window),
        first_bar=iso_utc(window.index[0]),
        last_bar=iso_utc(window.index[-1]),
    )
    # The sandbox reports what it saw (no_trades, insufficient_cash, open_trades_at_end,
    # data_gaps, backtesting.py's own warnings); the outcome keeps one of each.
    for item in result.warnings:
        outcome.add_warning(str(item["code"]), str(item["message"]))
    if result.success:
        outcome.benchmark = benchmark(request, window, result)
    return outcome
