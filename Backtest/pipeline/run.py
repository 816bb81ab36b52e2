"""The one backtest pipeline: request + code + data -> sandbox -> ``BacktestOutcome``.

Every route that runs a backtest (execute, backtest runs, quick_run, the sandbox test, the
fixer's verifying runs, generate-and-execute, templates, optimisation) ends here, so the checks
against the data, the warnings and the benchmark are computed once, the same way for all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from Backtest.market_data import iso_utc
from Backtest.pipeline.outcome import BacktestOutcome, Benchmark
from Backtest.pipeline.request import BacktestRequest, InvalidRequest
from Backtest.sandbox import ExecutionResult
from Backtest.sandbox._wire.serialize import downsample_indices

__all__ = [
    "BatchExecutor",
    "Executor",
    "ProgressSink",
    "check_cash",
    "no_trades_reason",
    "prepare_data",
    "run_backtest",
    "run_batch",
]

ProgressSink = Callable[[str, dict[str, Any]], None]
#: The sandbox returns at most this many equity points (every bar up to it).
MAX_FULL_EQUITY_POINTS = 100_000
#: What a stored run keeps of its equity curve (the sandbox's default).
STORED_EQUITY_POINTS = 2_000


class Executor(Protocol):
    """What the pipeline needs of ``Backtest.bot_executor.BotExecutor``."""

    def execute_bot(self, *args: Any, **kwargs: Any) -> ExecutionResult: ...


class BatchExecutor(Protocol):
    """What the batch pipeline needs of ``BotExecutor`` (``execute_batch``)."""

    def execute_batch(self, *args: Any, **kwargs: Any) -> Any: ...


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


def benchmark_against(
    request: BacktestRequest,
    data: pd.DataFrame,
    result: ExecutionResult,
    other: pd.DataFrame,
) -> Benchmark:
    """Buy & hold of ``request.benchmark`` over the run's bars, and the run's alpha and beta
    against it, computed as backtesting.py computes them against its own buy & hold (the
    return from the first trading bar, after the indicators' warm-up).

    The other symbol's closes are aligned onto the run's bars (the last close at or before
    each bar); ``result.equity_curve`` must hold every bar. Beta is the covariance of the
    equity's and the benchmark's log returns over the benchmark's variance; alpha is
    ``return - beta * benchmark return`` (risk-free rate 0), both as backtesting.py.
    """
    symbol = request.benchmark or request.symbol
    close = other["Close"].astype("float64").sort_index()
    aligned = close.reindex(data.index, method="ffill").to_numpy(dtype="float64")
    if not np.isfinite(aligned[0]) or aligned[0] <= 0:
        raise InvalidRequest(
            {
                "benchmark": [
                    f"{symbol} has no price at or before the run's first bar "
                    f"({iso_utc(data.index[0])})."
                ]
            }
        )
    aligned = pd.Series(aligned).ffill().to_numpy()
    equity = np.array([p.get("equity") for p in result.equity_curve], dtype="float64")
    if len(equity) != len(data):
        raise ValueError("benchmark_against needs the equity of every bar")
    with np.errstate(divide="ignore", invalid="ignore"):
        equity_returns = np.log(equity[1:] / equity[:-1])
        market_returns = np.log(aligned[1:] / aligned[:-1])
    beta = float("nan")
    if len(equity_returns) > 1:
        cov = np.cov(equity_returns, market_returns)
        beta = float(cov[0, 1] / cov[1, 1])
    stats = result.stats or {}
    start = first_trading_bar(
        data["Close"].to_numpy(dtype="float64"), _number(stats.get("Buy & Hold Return [%]"))
    )
    return_pct = float((aligned[-1] - aligned[start]) / aligned[start] * 100)
    strategy_return = _number(stats.get("Return [%]"))
    alpha = None if strategy_return is None else strategy_return - beta * return_pct
    times = [p.get("time") for p in result.equity_curve]
    return Benchmark(
        symbol=symbol,
        return_pct=return_pct,
        equity=[
            {"time": t, "equity": round(float(request.cash * p / aligned[start]), 6)}
            for t, p in zip(times, aligned, strict=True)
        ],
        alpha_pct=_number(alpha),
        beta=_number(beta),
    )


def _thin_equity(result: ExecutionResult, benchmark: Benchmark, max_points: int) -> Benchmark:
    """Back to the stored size once the benchmark has used every bar (extremes kept)."""
    if len(result.equity_curve) <= max_points:
        return benchmark
    equity = np.array([p.get("equity") for p in result.equity_curve], dtype="float64")
    drawdown = np.array(
        [p.get("drawdown_pct") or 0.0 for p in result.equity_curve], dtype="float64"
    )
    keep = downsample_indices(equity, drawdown, max_points)
    result.equity_curve = [result.equity_curve[i] for i in keep]
    return replace(benchmark, equity=[benchmark.equity[i] for i in keep])


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
    benchmark_data: pd.DataFrame | None = None,
    full_equity: bool = False,
    indicators: bool = False,
) -> BacktestOutcome:
    """Check ``request`` against ``data``, run ``code`` in the sandbox, gather the outcome.

    Raises :class:`InvalidRequest` for a request the data makes impossible (no bars, cash below
    every price); problems of the code come back as a failed ``result``, never as an exception.
    With ``request.benchmark`` the outcome's benchmark is that symbol (``benchmark_data``, its
    bars); ``full_equity`` returns the equity of every bar instead of a downsampled curve;
    ``indicators`` returns the strategy's indicator values (``result.indicators``).
    """
    window = prepare_data(request, data)
    check_cash(request, window)
    extra: dict[str, Any] = {}
    if on_progress is not None:
        extra["on_progress"] = on_progress
    if strategy_params:
        extra["strategy_params"] = strategy_params
    other = request.benchmark not in (None, request.symbol)
    if other and benchmark_data is None:
        raise ValueError(f"benchmark {request.benchmark} needs its bars (benchmark_data)")
    if full_equity or other:
        extra["max_equity_points"] = min(len(window), MAX_FULL_EQUITY_POINTS)
    if indicators:
        extra["indicators"] = True
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
    codes = {str(item["code"]) for item in result.warnings}
    for item in result.warnings:
        code, message = str(item["code"]), str(item["message"])
        if code == "no_trades":
            message = no_trades_reason(outcome, cash_short="insufficient_cash" in codes)
        outcome.add_warning(code, message)
    if result.success and other and benchmark_data is not None:
        outcome.benchmark = benchmark_against(request, window, result, benchmark_data)
        if not full_equity:
            outcome.benchmark = _thin_equity(result, outcome.benchmark, STORED_EQUITY_POINTS)
    elif result.success:
        outcome.benchmark = benchmark(request, window, result)
    return outcome


def no_trades_reason(outcome: BacktestOutcome, *, cash_short: bool = False) -> str:
    """Why a run that worked made no trades, in the data's own terms (bars, dates)."""
    first, last = (outcome.first_bar or "?")[:10], (outcome.last_bar or "?")[:10]
    span = f"{outcome.bars:,} bars, {first} to {last}"
    if cash_short:
        why = "orders were cancelled because the cash could not buy one unit"
    else:
        why = "the entry conditions were never met (or no order they placed was filled)"
    return f"no trades on this data ({span}): {why}"


def run_batch(
    *,
    request: BacktestRequest,
    code: str,
    data: pd.DataFrame,
    executor: BatchExecutor,
    param_sets: list[dict[str, Any]],
    maximize: str | None = None,
    on_progress: ProgressSink | None = None,
) -> Any:
    """Run ``code`` once per parameter set on the same bars, in one sandbox process.

    The same bars and the same refusals as :func:`run_backtest` (no bars, cash that can never
    buy a unit); returns the executor's ``BatchResult`` (per set: compact numeric stats or an
    error). The unit of work of an optimisation chunk.
    """
    window = prepare_data(request, data)
    check_cash(request, window)
    return executor.execute_batch(
        code=code,
        data=window,
        param_sets=param_sets,
        test_symbol=request.symbol,
        maximize=maximize,
        on_progress=on_progress,
        **request.broker_options(),
    )
