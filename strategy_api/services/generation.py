"""Description -> strategy: generate (Gemini or offline), validate, optionally run and fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from algoagent.errors import ApiError
from Backtest.llm import AllKeysExhaustedError, LLMError
from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.strategy_generator import StrategyGenerator
from jobs.models import Job
from jobs.services import JobFailure
from strategy_api.models import Strategy, StrategyStatus, VersionSource
from strategy_api.services.executions import execution_payload, strategy_execute
from strategy_api.services.fixes import fix_attempt_payload, strategy_fix_errors
from strategy_api.services.strategies import strategy_create

EventSink = Callable[..., None]


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


def description_not_understood_error(exc: DescriptionNotUnderstood) -> dict[str, Any]:
    details = dict(getattr(exc, "details", {}) or {})
    details.setdefault("understood", list(getattr(exc, "understood", []) or []))
    details.setdefault("examples", list(getattr(exc, "examples", []) or []))
    return {"code": "description_not_understood", "message": str(exc), "details": details}


def description_precheck(*, description: str) -> None:
    """Parse with the offline generator before enqueuing: a description it cannot understand is
    the request's fault, so the client gets the 422 at once instead of a job that fails."""
    try:
        parse_description(description)
    except DescriptionNotUnderstood as exc:
        error = description_not_understood_error(exc)
        raise ApiError(
            error["message"], code=error["code"], details=error["details"], status_code=422
        ) from None


def llm_job_failure(exc: LLMError) -> JobFailure:
    """Map a provider error to a job failure; exhausted keys are a 503 with the retry time."""
    details = dict(getattr(exc, "details", {}) or {})
    if isinstance(exc, AllKeysExhaustedError):
        details["retry_after_seconds"] = max(1, round(exc.retry_after_s))
        return JobFailure(exc.code, str(exc), details=details, http_status=503)
    return JobFailure(exc.code or "llm_error", str(exc), details=details, http_status=502)


def strategy_generate(
    *,
    owner,
    description: str,
    name: str | None = None,
    provider=None,
    auto_fix: bool = True,
    execute_after_generation: bool = False,
    max_fix_attempts: int = 3,
    symbol: str = "GOOG",
    job=None,
    on_event: EventSink = _noop,
) -> dict[str, Any]:
    """Generate a strategy from ``description`` and report what happened (seed field names).

    ``status``: success (generated, and it ran when asked), fixed (it failed and a verified fix
    made it work), needs_fixing (it failed and auto_fix was off), failed (fixing did not help).
    """
    on_event("generating", "Generating strategy code", progress=5)
    generator = StrategyGenerator(provider=provider)
    try:
        generated = generator.generate(description, name=name)
    except DescriptionNotUnderstood as exc:
        error = description_not_understood_error(exc)
        raise JobFailure(error["code"], error["message"], details=error["details"]) from None
    except LLMError as exc:
        raise llm_job_failure(exc) from None

    strategy = strategy_create(
        owner=owner,
        name=(name or _default_name(generated, description))[:200],
        description=description,
        code=generated.code,
        source=VersionSource.GENERATED,
        status=StrategyStatus.GENERATED,
        spec=generated.spec,
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
            strategy=strategy, params={"symbol": symbol}, job=job, on_event=on_event
        )
    failed = generated.needs_fixing or (execution is not None and not execution.success)
    if failed and auto_fix:
        on_event("fixing", "Repairing the strategy", progress=60)
        try:
            fix = strategy_fix_errors(
                strategy=strategy,
                max_attempts=max_fix_attempts,
                provider=provider,
                run={"symbol": symbol},
                job=job,
                on_event=on_event,
            )
        except LLMError as exc:
            raise llm_job_failure(exc) from None
        if fix.final_execution is not None:
            execution = fix.final_execution
    strategy.refresh_from_db()

    if not failed:
        status = "success"
    elif fix is None:
        status = "needs_fixing"
    else:
        status = "fixed" if fix.success else "failed"
    return {
        "strategy_id": strategy.pk,
        "status": status,
        "provider": generated.provider,
        "model": generated.model,
        "key_used": generated.key_alias,
        "code": strategy.code,
        "spec": strategy.spec,
        "understood": list(generated.understood or []),
        "warnings": list(generated.warnings or []),
        "validation": findings,
        "execution_result": execution_payload(execution) if execution is not None else None,
        "fix_attempts": len(fix.attempts) if fix else 0,
        "fixes": [fix_attempt_payload(a) for a in fix.attempts] if fix else [],
    }


def _default_name(generated, description: str) -> str:
    spec = generated.spec or {}
    if spec.get("name"):
        return str(spec["name"])
    words = description.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def strategy_fix_payload(*, strategy: Strategy, outcome) -> dict[str, Any]:
    """Answer of ``fix_errors`` (seed field names)."""
    return {
        "success": outcome.success,
        "strategy_id": strategy.pk,
        "status": strategy.status,
        "stopped_reason": outcome.stopped_reason,
        "detail": outcome.detail,
        "attempts": len(outcome.attempts),
        "current_version": strategy.current_version,
        "code": strategy.code,
        "fixes": [fix_attempt_payload(a) for a in outcome.attempts],
        "final_execution": execution_payload(outcome.final_execution)
        if outcome.final_execution is not None
        else None,
    }
