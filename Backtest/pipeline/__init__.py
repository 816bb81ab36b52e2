"""The one backtest pipeline: a validated request in, an outcome with warnings out.

request = BacktestRequest.build(symbol="GOOG", cash=10_000, commission=0.002)
outcome = run_backtest(request=request, code=code, data=frame, executor=BotExecutor(...))
outcome.result.return_pct, outcome.warnings, outcome.benchmark
"""

from __future__ import annotations

from Backtest.pipeline.outcome import BacktestOutcome, Benchmark, RunWarning, outcome_status
from Backtest.pipeline.request import (
    BROKER_OPTIONS,
    LIMITS,
    BacktestRequest,
    InvalidRequest,
    Range,
)
from Backtest.pipeline.run import Executor, ProgressSink, check_cash, run_backtest

__all__ = [
    "BROKER_OPTIONS",
    "LIMITS",
    "BacktestOutcome",
    "BacktestRequest",
    "Benchmark",
    "Executor",
    "InvalidRequest",
    "ProgressSink",
    "Range",
    "RunWarning",
    "check_cash",
    "outcome_status",
    "run_backtest",
]
