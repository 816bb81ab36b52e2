"""Description -> strategy: generate (Gemini or offline), validate, optionally run and fix."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import capabilities, parse_description
from Backtest.pipeline import BacktestRequest
from Backtest.strategy_generator import OFFLINE_MODEL, StrategyGenerator
from jobs.events import EventSink, no_events
from jobs.models import Job
from strategy_api.models import Strategy, StrategyExecution, StrategyStatus, VersionSource
from strategy_api.payloads import FixResultPayload, GenerateResultPayload
from strategy_api.services.executions import (
    execution_payload,
    strategy_current_version,
    strategy_execute,
)
from strategy_api.services.fixes import fix_attempt_payload, strategy_fix_errors
from strategy_api.services.specs import spec_understood_as
from strategy_api.services.strategies import strategy_create


def description_precheck(*, description: str) -> None:
    """Parse with the offline generator before enqueuing: a description it cannot understand is
    the request's fault, so the client gets the 422 at once instead of a job that fails."""
    parse_description(description)  # raises DescriptionNotUnderstood (a GenerationError)


def _understood_as(generated) -> str | None:
    """The plain-words rendering of the strategy's spec; None when the code has no spec."""
    text = getattr(generated, "understood_as", None)
    if text:
        return str(text)
    return spec_understood_as(generated.spec) or None


def _warnings(items) -> list[dict[str, str]]:
    out = []
    for item in items or []:
        if isinstance(item, dict) and {"code", "message"} <= item.keys():
            out.append({"code": str(item["code"]), "message": str(item["message"])})
        else:
            out.append({"code": "generation_note", "message": str(item)})
    return out


def strategy_generate(
    *,
    owner,
    description: str,
    request: BacktestRequest,
    name: str | None = None,
    provider=None,
    auto_fix: bool = True,
    execute_after_generation: bool = False,
    max_fix_attempts: int = 3,
    job=None,
    on_event: EventSink = no_events,
) -> dict[str, Any]:
    """Generate a strategy from ``description``; what happened (``GenerateResultPayload``).

    ``status``: success (generated, and it traded when asked to run), no_trades (it ran but never
    traded: not a success), fixed (it failed and a verified fix made it work), needs_fixing (it
    failed and auto_fix was off), failed (fixing did not help). A description that cannot be
    understood raises ``DescriptionNotUnderstood`` and creates no strategy.
    """
    on_event("generating", "Generating strategy code", progress=5)
    generated = StrategyGenerator(provider=provider).generate(description, name=name)
    understood_as = _understood_as(generated)

    strategy = strategy_create(
        owner=owner,
        name=(name or _default_name(generated, description))[:200],
        description=description,
        code=generated.code,
        source=VersionSource.GENERATED,
        status=StrategyStatus.GENERATED,
        spec=generated.spec,
        understood_as=understood_as or "",
    )
    if job is not None:
        Job.objects.filter(pk=job.pk).update(strategy=strategy)
    findings = [getattr(f, "to_dict", lambda f=f: f)() for f in generated.findings or []]
    on_event(
        "validated",
        "Code needs fixing" if generated.needs_fixing else "Code passed validation",
        data={"strategy_id": strategy.pk, "needs_fixing": generated.needs_fixing},
        progress=30,
    )

    execution = None
    fix = None
    if execute_after_generation and not generated.needs_fixing:
        execution = strategy_execute(
            strategy=strategy,
            request=request,
            job=job,
            on_event=on_event,
            progress_span=(30, 60),
        )
    failed = generated.needs_fixing or (execution is not None and not execution.success)
    if failed and auto_fix:
        on_event("fixing", "Repairing the strategy", progress=60)
        fix = strategy_fix_errors(
            strategy=strategy,
            request=request,
            max_attempts=max_fix_attempts,
            provider=provider,
            job=job,
            on_event=on_event,
        )
        if fix.final_execution is not None:
            execution = fix.final_execution
    strategy.refresh_from_db()
    warnings = _warnings(generated.warnings)
    if not generated.needs_fixing or (fix is not None and fix.success):
        lookahead = _lookahead_warning(strategy, request, execution, on_event)
        if lookahead is not None:
            warnings.append(lookahead)

    if not failed:
        status = "no_trades" if execution is not None and execution.no_trades else "success"
    elif fix is None:
        status = "needs_fixing"
    else:
        status = "fixed" if fix.success else "failed"
    return GenerateResultPayload.model_validate(
        {
            "strategy_id": strategy.pk,
            "status": status,
            "provider": generated.provider,
            "model": generated.model,
            "key_used": generated.key_alias,
            "code": strategy.code,
            "spec": strategy.spec,
            "understood_as": understood_as,
            "understood": list(generated.understood or []),
            "warnings": warnings,
            "validation": findings,
            "execution_result": execution_payload(execution) if execution is not None else None,
            "fix_attempts": len(fix.attempts) if fix else 0,
            "fixes": [fix_attempt_payload(a) for a in fix.attempts] if fix else [],
        }
    ).to_json()


def _lookahead_warning(strategy, request, execution, on_event) -> dict[str, str] | None:
    """Run the automatic look-ahead check on the new current version (issue: a generated
    strategy that peeks at future bars is the classic trap); a biased run is flagged on the
    generate result and on its execution."""
    from research_api.services.lookahead import strategy_lookahead_warning

    on_event("lookahead", "Checking for look-ahead bias", progress=90)
    warning = strategy_lookahead_warning(
        strategy=strategy, version=strategy_current_version(strategy=strategy), request=request
    )
    if warning is not None and execution is not None:
        StrategyExecution.objects.filter(pk=execution.pk).update(
            warnings=[*(execution.warnings or []), warning]
        )
        execution.refresh_from_db()
    return warning


def _default_name(generated, description: str) -> str:
    spec = generated.spec or {}
    if spec.get("name"):
        return str(spec["name"])
    words = description.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def strategy_fix_payload(*, strategy: Strategy, outcome) -> dict[str, Any]:
    """Answer of ``fix_errors`` (``FixResultPayload``; seed field names)."""
    return FixResultPayload.model_validate(
        {
            "success": outcome.success,
            "strategy_id": strategy.pk,
            "status": strategy.status,
            "stopped_reason": outcome.stopped_reason,
            "semantic_change": outcome.semantic_change,
            "changes": outcome.changes,
            "proposed_changes": outcome.proposed_changes,
            "detail": outcome.detail,
            "attempts": len(outcome.attempts),
            "current_version": strategy.current_version,
            "code": strategy.code,
            "fixes": [fix_attempt_payload(a) for a in outcome.attempts],
            "final_execution": execution_payload(outcome.final_execution)
            if outcome.final_execution is not None
            else None,
        }
    ).to_json()


def generator_capabilities() -> dict[str, Any]:
    """The provider ``generate`` uses by default, and what the offline generator reads."""
    from apikeys.services import llm_provider_name

    return {
        "provider": llm_provider_name(),
        "offline_model": OFFLINE_MODEL,
        "constructs": capabilities(),
    }
