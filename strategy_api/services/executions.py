"""Executing strategy versions in the sandbox and keeping every run as history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import NotFound

from algoagent.errors import ApiError
from Backtest.market_data import DataError
from Backtest.sandbox.results import ExecutionResult
from jobs.services import JobFailure
from strategy_api import engine
from strategy_api.models import (
    ExecutionStatus,
    Strategy,
    StrategyExecution,
    StrategyStatus,
    StrategyVersion,
)

EventSink = Callable[..., None]
_OUTPUT_EXCERPT = 8_000


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


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
    """ISO date/datetime strings from job input -> aware datetimes for the model (UTC)."""
    if value in (None, ""):
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def execution_record(
    *,
    strategy: Strategy,
    version: StrategyVersion | None,
    result: ExecutionResult,
    params: dict[str, Any],
    job=None,
) -> StrategyExecution:
    """Store one run and update the strategy's tracking fields in the same transaction."""
    if result.success:
        status = ExecutionStatus.NO_TRADES if result.no_trades else ExecutionStatus.SUCCESS
    else:
        status = ExecutionStatus.FAILED
    options = {k: v for k, v in params.items() if k not in ("symbol", "start", "end", "interval")}
    with transaction.atomic():
        execution = StrategyExecution.objects.create(
            strategy=strategy,
            version=version,
            job=job,
            status=status,
            test_symbol=params.get("symbol", ""),
            start=_as_datetime(params.get("start")),
            end=_as_datetime(params.get("end")),
            options=options,
            traceback=result.traceback or "",
            stdout=(result.stdout or "")[:_OUTPUT_EXCERPT],
            stderr=(result.stderr or "")[:_OUTPUT_EXCERPT],
            **engine.execution_result_fields(result),
        )
        updates: dict[str, Any] = {
            "total_executions": F("total_executions") + 1,
            "last_execution_date": execution.timestamp,
            "updated_at": timezone.now(),
        }
        if result.success:
            updates.update(
                successful_executions=F("successful_executions") + 1,
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


def strategy_execute(
    *,
    strategy: Strategy,
    params: dict[str, Any],
    version: StrategyVersion | None = None,
    job=None,
    on_event: EventSink = _noop,
) -> StrategyExecution:
    """Run the strategy's code (current version unless given) in the sandbox and record it.

    ``params``: symbol, start, end, cash, commission and other backtesting.py options. Problems of
    the code come back as a failed execution (kept in history); unusable market data is a
    ``JobFailure`` (422) because the request, not the code, was at fault.
    """
    version = version or strategy_current_version(strategy=strategy)
    symbol = params.get("symbol", "GOOG")
    try:
        data = engine.market_data_load(
            symbol=symbol,
            start=params.get("start"),
            end=params.get("end"),
            interval=params.get("interval"),
            user=strategy.owner,
        )
    except DataError as exc:
        raise JobFailure(exc.code, str(exc), details=getattr(exc, "details", {})) from None
    on_event(
        "executing",
        f"Backtesting version {version.number} on {symbol} ({len(data)} bars)",
        data={"version": version.number, "symbol": symbol, "bars": len(data)},
    )
    options = {
        k: v
        for k, v in params.items()
        if k not in ("symbol", "start", "end", "interval") and v is not None
    }
    result = engine.executor_get().execute_bot(
        code=version.code, test_symbol=symbol, data=data, **options
    )
    execution = execution_record(
        strategy=strategy, version=version, result=result, params=params, job=job
    )
    on_event(
        "execution_finished",
        "Run succeeded" if result.success else f"Run failed: {result.error_type}",
        data={
            "execution_id": execution.pk,
            "success": result.success,
            "error_type": result.error_type,
            "num_trades": result.num_trades,
        },
    )
    return execution


def execution_payload(execution: StrategyExecution) -> dict[str, Any]:
    """The API's answer for one execution (field names follow the original system)."""
    stats = execution.stats or {}
    metrics = {
        "return_pct": execution.return_pct,
        "num_trades": execution.num_trades,
        "win_rate": execution.win_rate,
        "sharpe_ratio": execution.sharpe_ratio,
        "max_drawdown": execution.max_drawdown,
        **{k: v for k, v in stats.items() if k not in ("_strategy",)},
    }
    plot_url = None
    if execution.plot_file:
        plot_url = reverse("strategy-execution-plot", args=[execution.strategy_id, execution.pk])
    return {
        "success": execution.success,
        "status": execution.status,
        "no_trades": execution.no_trades,
        "execution_id": execution.pk,
        "strategy_id": execution.strategy_id,
        "version": execution.version.number if execution.version_id else None,
        "test_symbol": execution.test_symbol,
        "metrics": metrics,
        "results_file": execution.results_file or None,
        "plot_url": plot_url,
        "execution_time": execution.execution_time,
        "error_type": execution.error_type or None,
        "error_message": execution.error_message or None,
        "error_line": execution.error_line,
        "sandbox_layers": execution.sandbox_layers,
        "timestamp": execution.timestamp.isoformat(),
    }


def execution_plot_html(*, execution: StrategyExecution, static_url: str) -> bytes:
    """The run's Bokeh plot, with BokehJS served by us (see ``engine.plot_html``)."""
    html = engine.plot_html(plot_file=execution.plot_file, static_url=static_url)
    if html is None:
        raise NotFound("This execution has no plot.")
    return html
