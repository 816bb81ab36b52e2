"""Job handlers of the strategy actions: thin adapters from a Job's input to the services."""

from __future__ import annotations

from jobs.runner import JobContext, register
from jobs.services import JobFailure
from strategy_api.models import Strategy
from strategy_api.services.executions import execution_payload, strategy_execute


def _strategy(job) -> Strategy:
    try:
        return Strategy.objects.get(pk=job.input["strategy_id"], owner=job.owner)
    except Strategy.DoesNotExist:
        raise JobFailure("not_found", "The strategy no longer exists.", http_status=404) from None


@register("execute")
def execute_job(job, ctx: JobContext):
    strategy = _strategy(job)
    version = strategy.versions.filter(number=job.input.get("version")).first()
    execution = strategy_execute(
        strategy=strategy,
        version=version,
        params=job.input["params"],
        job=job,
        on_event=ctx.event,
    )
    return execution_payload(execution), 200


@register("generate")
def generate_job(job, ctx: JobContext):
    from apikeys.services import llm_provider_get
    from strategy_api.services.generation import strategy_generate

    params = dict(job.input)
    provider = llm_provider_get(requested=params.pop("provider", None))
    result = strategy_generate(
        owner=job.owner, provider=provider, job=job, on_event=ctx.event, **params
    )
    return result, 201


@register("fix_errors")
def fix_errors_job(job, ctx: JobContext):
    from apikeys.services import llm_provider_get
    from Backtest.llm import LLMError
    from strategy_api.services.fixes import strategy_fix_errors
    from strategy_api.services.generation import llm_job_failure, strategy_fix_payload

    strategy = _strategy(job)
    provider = llm_provider_get(requested=job.input.get("provider"))
    try:
        outcome = strategy_fix_errors(
            strategy=strategy,
            max_attempts=job.input.get("max_attempts", 3),
            provider=provider,
            run=job.input.get("run") or None,
            require_trades=job.input.get("require_trades", False),
            job=job,
            on_event=ctx.event,
        )
    except LLMError as exc:
        raise llm_job_failure(exc) from None
    return strategy_fix_payload(strategy=strategy, outcome=outcome), 200
