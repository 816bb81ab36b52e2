"""Job handlers of the research actions: thin adapters from a typed input to the services."""

from __future__ import annotations

from jobs.runner import JobContext, register
from research_api.payloads import (
    LookaheadJobInput,
    MonteCarloJobInput,
    OptimizeJobInput,
    WalkForwardJobInput,
)
from strategy_api.job_handlers import job_strategy, job_version


@register("optimize")
def optimize_job(job, ctx: JobContext):
    from research_api.services.optimize import strategy_optimize, strategy_optimize_multi

    payload = OptimizeJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    if payload.symbols:
        requests = [payload.request.model_copy(update={"symbol": s}) for s in payload.symbols]
        return strategy_optimize_multi(
            strategy=strategy,
            version=job_version(strategy, payload.version),
            requests=requests,
            settings=payload.search,
            job=job,
            ctx=ctx,
        ), 200
    result = strategy_optimize(
        strategy=strategy,
        version=job_version(strategy, payload.version),
        request=payload.request,
        settings=payload.search,
        job=job,
        ctx=ctx,
    )
    return result, 200


@register("walk_forward")
def walk_forward_job(job, ctx: JobContext):
    from research_api.services.walkforward import strategy_walk_forward

    payload = WalkForwardJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    result = strategy_walk_forward(
        strategy=strategy,
        version=job_version(strategy, payload.version),
        request=payload.request,
        settings=payload.search,
        train_bars=payload.train_bars,
        test_bars=payload.test_bars,
        anchored=payload.anchored,
        job=job,
        ctx=ctx,
    )
    return result, 200


@register("monte_carlo")
def monte_carlo_job(job, ctx: JobContext):
    from research_api.services.montecarlo import strategy_monte_carlo

    payload = MonteCarloJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    result = strategy_monte_carlo(
        strategy=strategy,
        runs=payload.runs,
        method=payload.method,
        seed=payload.seed,
        execution_id=payload.execution_id,
        version=payload.version,
        request=payload.request,
        job=job,
        ctx=ctx,
    )
    return result, 200


@register("lookahead_check")
def lookahead_job(job, ctx: JobContext):
    from research_api.services.lookahead import strategy_lookahead_check

    payload = LookaheadJobInput.model_validate(job.input)
    strategy = job_strategy(job, payload.strategy_id)
    result = strategy_lookahead_check(
        strategy=strategy,
        version=job_version(strategy, payload.version),
        request=payload.request,
        on_event=ctx.event,
    )
    return result, 200
