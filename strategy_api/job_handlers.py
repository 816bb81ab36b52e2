"""Job handlers of the strategy actions: thin adapters from a typed job input to the services."""

from __future__ import annotations

from jobs.runner import JobContext, register
from jobs.services import JobFailure
from strategy_api.models import Strategy, StrategyVersion
from strategy_api.payloads import (
    ExecuteJobInput,
    ExecuteMultiJobInput,
    FixErrorsJobInput,
    GenerateJobInput,
)
from strategy_api.services.executions import (
    execution_payload,
    strategy_execute,
    strategy_execute_multi,
)


def job_strategy(job, strategy_id: int) -> Strategy:
    """The job owner's strategy, or a 404 job failure when it was deleted meanwhile."""
    try:
        return Strategy.objects.get(pk=strategy_id, owner=job.owner)
    except Strategy.DoesNotExist:
        raise JobFailure("not_found", "The strategy no longer exists.", http_status=404) from None


def job_version(strategy: Strategy, number: int) -> StrategyVersion:
    """Version ``number`` of the strategy, or a 404 job failure when it is gone."""
    version = strategy.versions.filter(number=number).first()
    if version is None:
        raise JobFailure("not_found", "That version no longer exists.", http_status=404)
    return version


@register("execute")
def execute_job(job, ctx: JobContext):
    payload = ExecuteJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    version = job_version(strategy, payload.version)
    execution = strategy_execute(
        strategy=strategy, version=version, request=payload.request, job=job, on_event=ctx.event
    )
    return execution_payload(execution), 200


@register("execute_multi")
def execute_multi_job(job, ctx: JobContext):
    payload = ExecuteMultiJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    result = strategy_execute_multi(
        strategy=strategy,
        version=job_version(strategy, payload.version),
        requests=payload.requests,
        job=job,
        on_event=ctx.event,
    )
    return result, 200


@register("generate")
def generate_job(job, ctx: JobContext):
    from apikeys.services import llm_provider_get
    from strategy_api.services.generation import strategy_generate

    payload = GenerateJobInput.model_validate(job.input)
    provider = llm_provider_get(requested=payload.provider)
    result = strategy_generate(
        owner=job.owner,
        description=payload.description,
        name=payload.name,
        provider=provider,
        auto_fix=payload.auto_fix,
        execute_after_generation=payload.execute_after_generation,
        max_fix_attempts=payload.max_fix_attempts,
        request=payload.request,
        job=job,
        on_event=ctx.event,
    )
    return result, 201


@register("fix_errors")
def fix_errors_job(job, ctx: JobContext):
    from apikeys.services import llm_provider_get
    from strategy_api.services.fixes import strategy_fix_errors
    from strategy_api.services.generation import strategy_fix_payload

    payload = FixErrorsJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    provider = llm_provider_get(requested=payload.provider)
    outcome = strategy_fix_errors(
        strategy=strategy,
        request=payload.request,
        max_attempts=payload.max_attempts,
        provider=provider,
        require_trades=payload.require_trades,
        allow_semantic_changes=payload.allow_semantic_changes,
        job=job,
        on_event=ctx.event,
    )
    return strategy_fix_payload(strategy=strategy, outcome=outcome), 200
