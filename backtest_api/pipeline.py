"""The one backtest service every route calls: request -> data -> sandbox -> outcome.

``backtest_execute`` is the only place a web or worker process runs a backtest. Execute,
backtest runs, quick_run, the sandbox test, the fixer's verifying runs, generate-and-execute
and (later) optimisation all call it, so data loading, the request's checks against the data,
progress events, warnings and the benchmark are the same everywhere
(``tests/backtest_api/test_pipeline.py`` spies on it from every route).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import User

from Backtest.errors import DataError
from Backtest.pipeline import BacktestOutcome, BacktestRequest, run_backtest
from Backtest.pipeline.run import ProgressSink, check_cash, prepare_data, run_batch
from backtest_api.executor import executor_get, run_file_relative
from data_api.selectors import ohlcv_load
from jobs.events import EventSink, no_events

# Stages the sandbox reports, as (share of the run's progress span, words for the user).
STAGES = {
    "data_loaded": (0.05, "Market data loaded"),
    "indicators_computed": (0.25, "Indicators computed"),
    "simulating": (None, "Simulating bars"),
    "stats_computed": (0.95, "Statistics computed"),
}
SIMULATING_EVENT_INTERVAL_S = 0.5


# Which request field a market-data problem is about (named in ``details.fields``).
_DATA_ERROR_FIELDS = {
    "unknown_symbol": ("symbol",),
    "invalid_symbol": ("symbol",),
    "empty_range": ("start", "end"),
    "invalid_range": ("end",),
    "invalid_interval": ("interval",),
}


def backtest_data_load(*, owner: User, request: BacktestRequest) -> pd.DataFrame:
    """The request's bars from the owner's uploads, the bundled data or the cache (no network).

    Raises ``Backtest`` ``DataError``s (unknown symbol, empty range ...) with the request fields
    they concern added under ``details.fields``; their status is the same on every route.
    """
    try:
        return ohlcv_load(
            user=owner,
            symbol=request.symbol,
            start=request.start,
            end=request.end,
            interval=request.interval,
        )
    except DataError as exc:
        names = _DATA_ERROR_FIELDS.get(exc.code, ("symbol",))
        exc.details.setdefault("fields", {name: [exc.message] for name in names})
        raise


def backtest_benchmark_load(*, owner: User, request: BacktestRequest) -> pd.DataFrame | None:
    """The bars of the request's other benchmark symbol up to its end (None without one).

    From the symbol's first bar on, so the last price before the run's first bar is known
    (a monthly benchmark has none inside the run's first days). Its market-data errors name
    the ``benchmark`` field.
    """
    if request.benchmark in (None, request.symbol):
        return None
    other = request.model_copy(
        update={"symbol": request.benchmark, "benchmark": None, "start": None, "last_bars": None}
    )
    try:
        return backtest_data_load(owner=owner, request=other)
    except DataError as exc:
        exc.details["fields"] = {"benchmark": [exc.message]}
        raise


def backtest_request_check(*, owner: User, request: BacktestRequest) -> int:
    """Everything about ``request`` that can be refused before a job is queued; the bar count.

    The same checks the run makes (data available in the range, cash able to buy one unit), so a
    client hears about them at once instead of from a failed job.
    """
    window = prepare_data(request, backtest_data_load(owner=owner, request=request))
    check_cash(request, window)
    backtest_benchmark_load(owner=owner, request=request)
    return len(window)


class _ProgressRelay:
    """Sandbox progress -> job events, scaled into the caller's progress span, throttled."""

    def __init__(self, on_event: EventSink, span: tuple[int, int]) -> None:
        self.on_event = on_event
        self.low, self.high = span
        self.last_simulating = 0.0

    def _scaled(self, share: float) -> int:
        return round(self.low + (self.high - self.low) * min(max(share, 0.0), 1.0))

    def __call__(self, stage: str, data: dict[str, Any]) -> None:
        share, words = STAGES.get(stage, (None, stage))
        if stage == "simulating":
            now = time.monotonic()
            if now - self.last_simulating < SIMULATING_EVENT_INTERVAL_S:
                return
            self.last_simulating = now
            done, total = data.get("bars_done"), data.get("bars_total")
            if isinstance(done, int) and isinstance(total, int) and total > 0:
                share = 0.25 + 0.7 * done / total
                words = f"Simulated {done:,} of {total:,} bars"
        elif stage == "data_loaded" and isinstance(data.get("bars"), int):
            words = f"Market data loaded ({data['bars']:,} bars)"
        self.on_event(
            stage,
            words,
            data=data,
            progress=self._scaled(share) if share is not None else None,
        )


def backtest_execute(
    *,
    owner: User,
    request: BacktestRequest,
    code: str,
    data: pd.DataFrame | None = None,
    on_event: EventSink = no_events,
    progress_span: tuple[int, int] = (10, 95),
    strategy_params: dict[str, Any] | None = None,
    full_equity: bool = False,
    indicators: bool = False,
) -> BacktestOutcome:
    """Backtest ``code`` as ``request`` says, in the sandbox; the outcome of the run.

    ``data`` lets a caller that runs the same request many times (the fixer) load it once.
    Problems of the code are a failed ``outcome.result``; unusable data or an impossible
    request raise domain errors (``DataError``, ``InvalidRequest``), which the API and the job
    runner map to their statuses.
    """
    if data is None:
        data = backtest_data_load(owner=owner, request=request)
    return run_backtest(
        request=request,
        code=code,
        data=data,
        executor=executor_get(),
        on_progress=_ProgressRelay(on_event, progress_span),
        strategy_params=strategy_params,
        benchmark_data=backtest_benchmark_load(owner=owner, request=request),
        full_equity=full_equity,
        indicators=indicators,
    )


def backtest_execute_batch(
    *,
    owner: User,
    request: BacktestRequest,
    code: str,
    param_sets: list[dict[str, Any]],
    data: pd.DataFrame | None = None,
    maximize: str | None = None,
    on_progress: ProgressSink | None = None,
) -> Any:
    """Backtest ``code`` once per parameter set, in one sandbox process (an optimisation chunk).

    The batch sibling of :func:`backtest_execute`: the same data loading and the same checks
    of the request against the data, so a chunk sees exactly the bars a single run would.
    Returns the sandbox's ``BatchResult``; problems of the code come back inside it.
    """
    if data is None:
        data = backtest_data_load(owner=owner, request=request)
    return run_batch(
        request=request,
        code=code,
        data=data,
        executor=executor_get(),
        param_sets=param_sets,
        maximize=maximize,
        on_progress=on_progress,
    )


def run_outputs_cap(outcome: BacktestOutcome) -> None:
    """Refuse a stored plot above ``RUN_PLOT_MAX_BYTES``: delete it and say so in a warning.

    The plot is written from what the strategy's process sent; a forged multi-MB page must not
    be kept or served. The run itself stands (its metrics came through the checked channel).
    """
    result = outcome.result
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
        outcome.add_warning(
            "plot_too_large",
            f"The plot was refused: {size:,} bytes is over the {limit:,}-byte limit.",
        )


def outcome_fields(outcome: BacktestOutcome) -> dict[str, Any]:
    """The columns a ``StrategyExecution`` and a ``BacktestRun`` both keep of an outcome (the
    plot is size-checked first)."""
    run_outputs_cap(outcome)
    result = outcome.result
    return {
        "success": result.success,
        "no_trades": result.success and not result.num_trades,
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
        "warnings": outcome.warnings_json(),
        "benchmark": outcome.benchmark.to_dict() if outcome.benchmark else None,
        "bars": outcome.bars,
    }
