"""Executing strategy versions in the sandbox and keeping every run as history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from algoagent.errors import ApiError
from Backtest.pipeline import BacktestOutcome, BacktestRequest
from Backtest.pipeline.metrics import metrics_from_stats
from Backtest.research.multiasset import summary as multiasset_summary
from backtest_api import pipeline, plot_drawing
from backtest_api.models import PlotStatus
from jobs.events import EventSink, no_events
from strategy_api.models import (
    ExecutionStatus,
    Strategy,
    StrategyExecution,
    StrategyStatus,
    StrategyVersion,
)
from strategy_api.payloads import ExecutionDetailPayload, ExecutionResultPayload

_OUTPUT_EXCERPT = 8_000


def strategy_current_version(*, strategy: Strategy) -> StrategyVersion:
    """The version holding the strategy's current code; 400 when it has no code yet."""
    version = strategy.versions.filter(number=strategy.current_version).first()
    if version is None:
        raise ApiError(
            "This strategy has no code yet; add code or generate it first.",
            code="no_code",
            details={"strategy_id": strategy.pk},
        )
    return version


def _as_datetime(value: Any):
    """A request's start/end date -> an aware datetime for the model (UTC midnight)."""
    if value in (None, ""):
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def execution_record(
    *,
    strategy: Strategy,
    version: StrategyVersion | None,
    outcome: BacktestOutcome,
    job=None,
    plot_status: str = PlotStatus.NONE,
) -> StrategyExecution:
    """Store one run and update the strategy's tracking fields in the same transaction
    (``plot_status``: ``pending`` when its plot is drawn afterwards)."""
    result = outcome.result
    status = {
        "success": ExecutionStatus.SUCCESS,
        "no_trades": ExecutionStatus.NO_TRADES,
        "failed": ExecutionStatus.FAILED,
    }[outcome.status]
    request = outcome.request
    options = {
        k: v
        for k, v in request.to_json().items()
        if k not in ("symbol", "start", "end", "last_bars", "plot")
    }
    fields = pipeline.outcome_fields(outcome)
    fields["plot_status"] = PlotStatus.READY if fields["plot_file"] else plot_status
    if version is not None and version.understood_as:
        fields["warnings"] = _no_trades_with_rules(fields["warnings"], version.understood_as)
    with transaction.atomic():
        execution = StrategyExecution.objects.create(
            strategy=strategy,
            version=version,
            job=job,
            status=status,
            test_symbol=request.symbol,
            start=_as_datetime(request.start),
            end=_as_datetime(request.end),
            options=options,
            traceback=result.traceback or "",
            stdout=(result.stdout or "")[:_OUTPUT_EXCERPT],
            stderr=(result.stderr or "")[:_OUTPUT_EXCERPT],
            **fields,
        )
        updates: dict[str, Any] = {
            "total_executions": F("total_executions") + 1,
            "last_execution_date": execution.timestamp,
            "updated_at": timezone.now(),
        }
        if result.success:
            if execution.status == ExecutionStatus.SUCCESS:  # a run that never traded is not one
                updates["successful_executions"] = F("successful_executions") + 1
            updates.update(
                latest_return_pct=result.return_pct,
                latest_num_trades=result.num_trades,
                latest_win_rate=result.win_rate,
            )
        else:
            updates["failed_executions"] = F("failed_executions") + 1
        Strategy.objects.filter(pk=strategy.pk).update(**updates)
        # The status describes the current code: a run of an older version leaves it alone.
        if version is not None:
            Strategy.objects.filter(pk=strategy.pk, current_version=version.number).update(
                status=StrategyStatus.EXECUTED if result.success else StrategyStatus.FAILED
            )
    strategy.refresh_from_db()
    return execution


def _no_trades_with_rules(
    warnings: list[dict[str, str]], understood_as: str
) -> list[dict[str, str]]:
    """A run without trades says what the strategy waits for, so the reader can check it
    against the data (a level the indicator never reaches, a filter that never holds)."""
    return [
        {**item, "message": f"{item['message']}. The strategy as understood: {understood_as}"}
        if item.get("code") == "no_trades"
        else item
        for item in warnings
    ]


def strategy_execute(
    *,
    strategy: Strategy,
    request: BacktestRequest,
    version: StrategyVersion | None = None,
    job=None,
    on_event: EventSink = no_events,
    progress_span: tuple[int, int] = (10, 95),
) -> StrategyExecution:
    """Run the strategy's code (current version unless given) through the one backtest
    pipeline and record it.

    Problems of the code come back as a failed execution (kept in history); unusable market
    data or an impossible request raise domain errors (the request, not the code, was at fault).
    """
    version = version or strategy_current_version(strategy=strategy)
    on_event(
        "executing",
        f"Backtesting version {version.number} on {request.symbol}",
        data={"version": version.number, "symbol": request.symbol},
    )
    execution, outcome = execution_run(
        strategy=strategy,
        version=version,
        request=request,
        job=job,
        on_event=on_event,
        progress_span=progress_span,
    )
    result = outcome.result
    on_event(
        "execution_finished",
        {
            "success": "Run succeeded",
            "no_trades": "Run finished without a single trade",
            "failed": f"Run failed: {result.error_type}",
        }[outcome.status],
        data={
            "execution_id": execution.pk,
            "success": result.success,
            "status": outcome.status,
            "error_type": result.error_type,
            "num_trades": result.num_trades,
        },
    )
    return execution


def execution_run(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    request: BacktestRequest,
    job=None,
    data: pd.DataFrame | None = None,
    on_event: EventSink = no_events,
    progress_span: tuple[int, int] = (10, 95),
) -> tuple[StrategyExecution, BacktestOutcome]:
    """Backtest ``version`` through the one pipeline and record it, without waiting for its
    plot: that is drawn by a second sandboxed run afterwards (``plot_drawing``), so the answer
    (and a fixer's next attempt) does not wait for it. ``data``: bars already loaded."""
    outcome = pipeline.backtest_execute(
        owner=strategy.owner,
        request=plot_drawing.plot_deferred(request),
        code=version.code,
        data=data,
        on_event=on_event,
        progress_span=progress_span,
    )
    plot_status = plot_drawing.plot_status_initial(request=request, outcome=outcome)
    execution = execution_record(
        strategy=strategy, version=version, outcome=outcome, job=job, plot_status=plot_status
    )
    if plot_status == PlotStatus.PENDING:
        plot_drawing.plot_followup_submit(
            model=StrategyExecution,
            pk=execution.pk,
            owner=strategy.owner,
            request=request,
            code=version.code,
            outcome=outcome,
        )
    return execution, outcome


def strategy_execute_multi(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    requests: list[BacktestRequest],
    job=None,
    on_event: EventSink = no_events,
) -> dict[str, Any]:
    """Run the version on each request's symbol (each an execution in history); the per-symbol
    results and their summary across symbols (backtesting.py's ``MultiBacktest`` idea)."""
    results: dict[str, dict[str, Any]] = {}
    share = 90 / max(len(requests), 1)
    for index, request in enumerate(requests):
        low = 5 + index * share
        execution = strategy_execute(
            strategy=strategy,
            request=request,
            version=version,
            job=job,
            on_event=on_event,
            progress_span=(round(low), round(low + share)),
        )
        results[request.symbol] = execution_payload(execution)
    summary = multiasset_summary(
        {symbol: body["metrics"] if body["success"] else None for symbol, body in results.items()}
    )
    return {"results": results, "summary": summary}


def execution_payload(execution: StrategyExecution) -> dict[str, Any]:
    """The API's answer for one execution (``ExecutionResultPayload``)."""
    return _execution_model(execution, ExecutionResultPayload).to_json()


def execution_detail_payload(execution: StrategyExecution) -> dict[str, Any]:
    """One execution with trades, equity curve and output (``ExecutionDetailPayload``)."""
    return _execution_model(
        execution,
        ExecutionDetailPayload,
        trades=execution.trades,
        trades_total=execution.trades_total,
        equity_curve=execution.equity_curve,
        stdout=execution.stdout,
        stderr=execution.stderr,
        traceback=execution.traceback,
    ).to_json()


def _execution_model(execution: StrategyExecution, model, **extra: Any):
    stats = execution.stats or {}
    plot_url = None
    if execution.plot_status == PlotStatus.PENDING or execution.plot_file:
        plot_url = reverse("strategy-execution-plot", args=[execution.strategy_id, execution.pk])
    return model(
        success=execution.success,
        status=execution.status,
        no_trades=execution.no_trades,
        execution_id=execution.pk,
        strategy_id=execution.strategy_id,
        version=execution.version.number if execution.version is not None else None,
        test_symbol=execution.test_symbol,
        start=execution.start,
        end=execution.end,
        bars=execution.bars,
        settings=execution.options or {},
        metrics={
            **metrics_from_stats(stats),
            "win_rate": execution.win_rate,
            "max_drawdown": execution.max_drawdown,
        },
        stats=stats,
        warnings=execution.warnings or [],
        benchmark=execution.benchmark,
        results_file=execution.results_file or None,
        plot_url=plot_url,
        plot_status=execution.plot_status,
        execution_time=execution.execution_time,
        error_type=execution.error_type or None,
        error_message=execution.error_message or None,
        error_line=execution.error_line,
        sandbox_layers=execution.sandbox_layers,
        timestamp=execution.timestamp,
        **extra,
    )


def execution_plot_html(*, execution: StrategyExecution) -> bytes:
    """The run's self-contained Bokeh plot (see ``backtest_api.plots``); 404 ``plot_not_ready``
    while it is drawn, ``plot_failed`` / ``plot_too_large`` when there will be none."""
    return plot_drawing.plot_html_of(row=execution, time_field="timestamp")
