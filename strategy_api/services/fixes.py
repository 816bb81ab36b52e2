"""Automatic repair of a failing strategy: classify, fix (rules, then the LLM), re-run to prove it.

Every candidate the fixer tries is kept as a (non-current) version and every verifying run as an
execution, so the history shows exactly what ran. Only a candidate whose re-run succeeded becomes
the strategy's current code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from Backtest.bot_error_fixer import BotErrorFixer
from Backtest.pipeline import BacktestRequest
from backtest_api import pipeline
from jobs.events import EventSink, no_events
from strategy_api.models import (
    Strategy,
    StrategyExecution,
    StrategyFixAttempt,
    StrategyStatus,
    StrategyVersion,
    VersionSource,
)
from strategy_api.payloads import FixAttemptModel
from strategy_api.services.executions import execution_run, strategy_current_version
from strategy_api.services.strategies import strategy_version_create, strategy_version_set_current


@dataclass
class FixOutcome:
    """What ``strategy_fix_errors`` did, for the API response and the job result."""

    success: bool
    stopped_reason: str
    detail: str = ""
    attempts: list[StrategyFixAttempt] = field(default_factory=list)
    final_version: StrategyVersion | None = None
    final_execution: StrategyExecution | None = None
    provider: str = "offline"
    key_alias: str = ""
    semantic_change: bool = False
    changes: list[str] = field(default_factory=list)
    proposed_changes: list[str] = field(default_factory=list)


class _RecordingExecutor:
    """The fixer's ``execute`` callable: runs code through the one backtest pipeline and
    records each candidate as a version and each run as an execution."""

    def __init__(
        self, *, strategy: Strategy, start_version: StrategyVersion, request: BacktestRequest, job
    ) -> None:
        self.strategy = strategy
        self.request = request
        self.job = job
        self.by_code: dict[str, tuple[StrategyVersion, StrategyExecution]] = {}
        self._versions = {start_version.code: start_version}
        # Every candidate runs on the same bars: load them once.
        self.data = pipeline.backtest_data_load(owner=strategy.owner, request=request)

    def __call__(self, code: str):
        version = self._versions.get(code)
        if version is None:
            version = strategy_version_create(
                strategy=self.strategy,
                code=code,
                source=VersionSource.FIX,
                message="Fix candidate",
                make_current=False,
            )
            self._versions[code] = version
        # Recorded like any execution: the plot of a run that worked is drawn afterwards.
        execution, outcome = execution_run(
            strategy=self.strategy,
            version=version,
            request=self.request,
            job=self.job,
            data=self.data,
        )
        self.by_code[code] = (version, execution)
        return outcome.result


def strategy_fix_errors(
    *,
    strategy: Strategy,
    request: BacktestRequest,
    max_attempts: int = 3,
    provider=None,
    require_trades: bool = False,
    allow_semantic_changes: bool = False,
    job=None,
    on_event: EventSink = no_events,
) -> FixOutcome:
    """Run the iterative fixer on the strategy's current code and record every attempt.

    ``provider`` is an LLM provider or None (rule fixes only). Every candidate is verified by a
    backtest of ``request``. The strategy's code changes only when a re-run of the fixed code
    succeeded (and, unless ``allow_semantic_changes``, the fix kept the strategy's meaning).
    """
    start_version = strategy_current_version(strategy=strategy)
    execute = _RecordingExecutor(
        strategy=strategy, start_version=start_version, request=request, job=job
    )

    def relay(kind: str, data: dict) -> None:
        number = data.get("attempt") or data.get("number")
        message = f"Fix attempt {number}" if number else kind
        if kind.endswith("finished"):
            message += " succeeded" if data.get("success") else " failed"
        on_event(kind, message, data=_json_safe(data))

    result = BotErrorFixer(provider=provider).fix_errors_iteratively(
        start_version.code,
        max_attempts=max_attempts,
        execute=execute,
        require_trades=require_trades,
        allow_semantic_changes=allow_semantic_changes,
        on_event=relay,
    )

    attempts: list[StrategyFixAttempt] = []
    with transaction.atomic():
        for attempt in result.attempts:
            before = execute.by_code.get(attempt.code_before, (None, None))[0] or (
                start_version if attempt.code_before == start_version.code else None
            )
            after, verifying_run = execute.by_code.get(attempt.code_after or "", (None, None))
            attempts.append(
                StrategyFixAttempt.objects.create(
                    strategy=strategy,
                    job=job,
                    attempt_number=attempt.number,
                    error_type=attempt.error_type or "unknown",
                    error_message=attempt.error_message or "",
                    fix_applied=attempt.fix_applied or "",
                    diff=attempt.diff or "",
                    version_before=before,
                    version_after=after,
                    success=bool(attempt.success),
                    execution=verifying_run,
                    provider=attempt.provider or "",
                    key_alias=attempt.key_alias or "",
                    duration=attempt.duration_s,
                    semantic_change=attempt.semantic_change,
                    changes=list(attempt.changes),
                )
            )
        Strategy.objects.filter(pk=strategy.pk).update(
            total_fix_attempts=F("total_fix_attempts") + len(attempts),
            successful_fixes=F("successful_fixes") + (1 if result.success and attempts else 0),
        )

    final_version, final_execution = execute.by_code.get(result.final_code, (None, None))
    if result.success and final_version is not None and final_version != start_version:
        strategy_version_set_current(
            strategy=strategy, version=final_version, status=StrategyStatus.WORKING
        )
    elif result.success:
        Strategy.objects.filter(pk=strategy.pk).update(status=StrategyStatus.WORKING)
    else:
        Strategy.objects.filter(pk=strategy.pk, current_version=start_version.number).update(
            status=StrategyStatus.FAILED
        )
    strategy.refresh_from_db()
    last = result.attempts[-1] if result.attempts else None
    return FixOutcome(
        success=result.success,
        stopped_reason=result.stopped_reason,
        detail=getattr(result, "detail", ""),
        attempts=attempts,
        final_version=final_version if result.success else start_version,
        final_execution=final_execution,
        provider=(last.provider if last else "") or "",
        key_alias=(last.key_alias if last else "") or "",
        # Also flagged when the fix found was refused for changing the meaning (not applied).
        semantic_change=result.semantic_change or bool(result.proposed_changes),
        changes=list(result.changes),
        proposed_changes=list(result.proposed_changes),
    )


def _json_safe(data: dict) -> dict:
    """Event payloads are stored as JSON: keep scalars, summarise the rest."""
    safe: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str | int | float | bool) or value is None:
            safe[key] = value if not isinstance(value, str) else value[:500]
    return safe


def fix_attempt_payload(attempt: StrategyFixAttempt) -> dict[str, Any]:
    """One attempt as the original system's ``fixes`` entries (``FixAttemptModel``)."""
    return FixAttemptModel(
        attempt=attempt.attempt_number,
        success=attempt.success,
        error_type=attempt.error_type,
        error_message=attempt.error_message[:200],
        fix_applied=attempt.fix_applied,
        diff=attempt.diff,
        semantic_change=attempt.semantic_change,
        changes=attempt.changes or [],
        provider=attempt.provider,
        key_alias=attempt.key_alias or None,
        execution_id=attempt.execution_id,
        version_after=attempt.version_after.number if attempt.version_after is not None else None,
        timestamp=attempt.timestamp,
    ).to_json()
