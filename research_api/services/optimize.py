"""Parameter optimisation in the sandbox: a grid fanned out in chunks, or SAMBO.

With ``grid`` the combinations, the heatmap and the best are backtesting.py's own
(``Backtest.research.grid``); the backtests run in the sandbox, in chunks any worker may take
(``research_api.services.chunks``). ``sambo`` runs backtesting.py's model-based method
(``sambo.minimize(method="sceua")``) in this process, each evaluation a one-set sandbox batch,
over the same value lists as the grid. The best combination is then run once more in full
(trades, equity) through the one pipeline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from Backtest.pipeline import BacktestRequest
from Backtest.pipeline.metrics import METRICS
from Backtest.research.constraints import Constraint, parse_constraint
from Backtest.research.grid import (
    GridError,
    ScoredRun,
    best_of,
    expand_values,
    grid_combinations,
    maximize_key,
    score,
)
from Backtest.research.multiasset import mean_heatmap
from Backtest.research.multiasset import summary as multiasset_summary
from Backtest.research.parameters import strategy_parameters
from backtest_api import pipeline
from jobs.models import Job
from jobs.runner import JobContext
from jobs.services import JobFailure
from research_api.models import OptimizationChunk
from research_api.payloads import SearchSettings
from research_api.services.chunk_runs import batch_error, batch_runs, chunk_execute
from research_api.services.chunks import (
    PROBE_SETS,
    Progress,
    chunk_sizes,
    chunks_create,
    chunks_drive,
    live_workers,
)
from research_api.tasks import run_optimization_chunk
from strategy_api.models import Strategy, StrategyVersion

SAMBO_DEFAULT_TRIES = 200
MAX_SAMBO_TRIES = 2_000
_ROW_METRICS = {
    "return_pct": "Return [%]",
    "num_trades": "# Trades",
    "sharpe_ratio": "Sharpe Ratio",
    "max_drawdown_pct": "Max. Drawdown [%]",
    "win_rate_pct": "Win Rate [%]",
    "sqn": "SQN",
}


# --- the search settings ----------------------------------------------------------------------
def search_settings(
    *,
    code: str,
    params: Mapping[str, Any],
    maximize: str,
    method: str = "grid",
    constraint: str | None = None,
    max_tries: float | None = None,
    random_state: int | None = None,
) -> tuple[SearchSettings, Constraint | None]:
    """Validate a search against the strategy's code; raise 400-mapped errors naming fields.

    Every parameter must be a class attribute of the strategy (``bt.run`` refuses others);
    values are lists or ``{start, stop, step}`` (Python's ``range``: stop excluded).
    """
    known = strategy_parameters(code).names()
    unknown = [name for name in params if name not in known]
    if unknown:
        what = "is not a class attribute" if len(unknown) == 1 else "are not class attributes"
        raise GridError(
            f"{', '.join(unknown)} {what} of the strategy (it has: {', '.join(known) or 'none'}).",
            "params",
            unknown=unknown,
        )
    values = {name: expand_values(name, spec) for name, spec in params.items()}
    if not values:
        raise GridError("Give at least one parameter to optimise.", "params")
    parsed = parse_constraint(constraint, names=values) if constraint is not None else None
    key = maximize_key(maximize)
    if max_tries is not None and not (0 < max_tries <= 1 or float(max_tries).is_integer()):
        raise GridError(
            "max_tries is a count (an integer) or a fraction of the grid in (0, 1].", "max_tries"
        )
    if method == "sambo" and max_tries is not None and max_tries > MAX_SAMBO_TRIES:
        raise GridError(f"sambo makes at most {MAX_SAMBO_TRIES} evaluations.", "max_tries")
    settings = SearchSettings(
        values=values,
        maximize=key,
        method="sambo" if method == "sambo" else "grid",
        constraint=constraint,
        max_tries=max_tries,
        random_state=random_state,
    )
    if method == "grid":  # the size limit and an all-excluding constraint are refused now
        grid_combinations(
            values, constraint=parsed, max_tries=_tries(max_tries), random_state=random_state
        )
    return settings, parsed


def search_constraint(*, code: str, settings: SearchSettings) -> Constraint | None:
    """Check stored search settings against the code again (it is run by a job, later); the
    parsed constraint."""
    _, constraint = search_settings(
        code=code,
        params=settings.values,
        maximize=settings.maximize,
        method=settings.method,
        constraint=settings.constraint,
        max_tries=settings.max_tries,
        random_state=settings.random_state,
    )
    return constraint


def _tries(max_tries: float | None) -> int | float | None:
    if max_tries is None:
        return None
    return int(max_tries) if max_tries > 1 else float(max_tries)


# --- one chunk --------------------------------------------------------------------------------
# --- the search -------------------------------------------------------------------------------
@dataclass
class SearchOutcome:
    """Every combination tried, in order, and where the runs happened."""

    scored: list[ScoredRun]
    grid_size: int
    chunks: int = 0
    workers: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def best_index(self) -> int | None:
        return best_of(self.scored)


def _scored(params: dict[str, Any], run: Mapping[str, Any], key: str) -> ScoredRun:
    if "error" in run:
        return ScoredRun(params, None, {}, error=str(run["error"]))
    return score(params, run.get("stats"), key)


def _best_so_far(scored: list[ScoredRun]) -> dict[str, Any] | None:
    index = best_of(scored)
    return None if index is None else {"params": scored[index].params, "value": scored[index].value}


def grid_search(
    *,
    job: Job,
    ctx: JobContext,
    settings: SearchSettings,
    constraint: Constraint | None,
    data: pd.DataFrame,
    bars: tuple[int, int] | None = None,
    progress_span: tuple[int, int] = (5, 90),
    label: str = "",
    symbol: str = "",
) -> SearchOutcome:
    """backtesting.py's grid, backtested in chunks shared by every worker (see ``chunks``).

    ``symbol`` names the bars' symbol when it is not the job's own (multi-asset)."""
    started = time.perf_counter()
    grid = grid_combinations(
        settings.values,
        constraint=constraint,
        max_tries=_tries(settings.max_tries),
        random_state=settings.random_state,
    )
    combos = grid.combinations
    total = len(combos)
    first_index = OptimizationChunk.objects.filter(job=job).count()
    window = list(bars) if bars else None
    last_tried = -1  # the probe's count is not reported again when the rest starts

    def run_here(chunk: OptimizationChunk) -> None:
        chunk_execute(chunk, data=data)

    def report(progress: Progress, done: list[OptimizationChunk]) -> None:
        nonlocal last_tried
        mine = [c for c in done if c.index >= first_index]
        scored = [
            _scored(params, run, settings.maximize)
            for chunk in mine
            for params, run in zip(chunk.param_sets, chunk.runs or [], strict=False)
        ]
        low, high = progress_span
        tried = sum(len(c.param_sets) for c in mine)
        if tried == last_tried:
            return
        last_tried = tried
        ctx.event(
            "optimizing",
            f"{label}Backtested {tried:,} of {total:,} combinations",
            data={"tried": tried, "total": total, "best_so_far": _best_so_far(scored)},
            progress=round(low + (high - low) * tried / max(total, 1)),
        )

    probe = min(PROBE_SETS, total)
    chunks_create(
        job=job,
        param_sets=combos[:probe],
        sizes=[probe],
        first_index=first_index,
        bars=window,
        enqueue=run_optimization_chunk.enqueue,
        symbol=symbol,
    )
    chunks_drive(job=job, ctx=ctx, runner=run_here, total=total, on_progress=report)
    first = OptimizationChunk.objects.get(job=job, index=first_index)
    per_set = (first.seconds or 1.0) / max(probe, 1)
    sizes = chunk_sizes(remaining=total - probe, seconds_per_set=per_set, workers=live_workers())
    if sizes:
        chunks_create(
            job=job,
            param_sets=combos[probe:],
            sizes=sizes,
            first_index=first_index + 1,
            bars=window,
            enqueue=run_optimization_chunk.enqueue,
            symbol=symbol,
        )
        chunks_drive(job=job, ctx=ctx, runner=run_here, total=total, on_progress=report)
    chunks = list(
        OptimizationChunk.objects.filter(job=job, index__gte=first_index).order_by("index")
    )
    scored = [
        _scored(params, run, settings.maximize)
        for chunk in chunks
        for params, run in zip(chunk.param_sets, chunk.runs or [], strict=True)
    ]
    return SearchOutcome(
        scored=scored,
        grid_size=grid.size,
        chunks=len(chunks),
        workers=sorted({c.worker for c in chunks}),
        seconds=time.perf_counter() - started,
    )


def sambo_search(
    *,
    job: Job,
    ctx: JobContext,
    owner: Any,
    request: BacktestRequest,
    code: str,
    settings: SearchSettings,
    constraint: Constraint | None,
    data: pd.DataFrame,
    progress_span: tuple[int, int] = (5, 90),
    label: str = "",
) -> SearchOutcome:
    """backtesting.py's SAMBO search (SCE-UA), each evaluation a one-set sandbox batch.

    It searches positions in each parameter's value list (so only listed values are tried,
    and values need not be numbers); repeated points are not re-run.
    """
    import sambo  # imported on use: it pulls in scikit-learn

    started = time.perf_counter()
    names = list(settings.values)
    values = [settings.values[n] for n in names]
    tries = int(settings.max_tries or SAMBO_DEFAULT_TRIES)
    if 0 < (settings.max_tries or 0) <= 1:
        size = int(np.prod([len(v) for v in values]))
        tries = max(1, int(float(settings.max_tries or 1) * size))
    seen: dict[tuple[int, ...], ScoredRun] = {}
    order: list[ScoredRun] = []
    last_event = 0.0

    def params_at(x: Any) -> dict[str, Any]:
        return {
            name: options[min(max(int(round(float(i))), 0), len(options) - 1)]
            for name, options, i in zip(names, values, x, strict=True)
        }

    def evaluate(x: Any) -> float:
        nonlocal last_event
        key = tuple(
            min(max(int(round(float(i))), 0), len(v) - 1) for i, v in zip(x, values, strict=True)
        )
        if key not in seen:
            ctx.check_cancelled()
            params = params_at(key)
            result = pipeline.backtest_execute_batch(
                owner=owner,
                request=request,
                code=code,
                param_sets=[params],
                data=data,
                maximize=settings.maximize,
            )
            if not result.success:
                error = batch_error(result)
                raise JobFailure(error["code"], error["message"], details=error)
            run = batch_runs(result, settings.maximize)[0]
            seen[key] = _scored(params, run, settings.maximize)
            order.append(seen[key])
            now = time.monotonic()
            if now - last_event >= 1.0 or len(order) == tries:
                last_event = now
                low, high = progress_span
                ctx.event(
                    "optimizing",
                    f"{label}SAMBO: {len(order):,} of at most {tries:,} evaluations",
                    data={"tried": len(order), "total": tries, "best_so_far": _best_so_far(order)},
                    progress=round(low + (high - low) * min(len(order) / tries, 1)),
                )
        value = seen[key].value
        return 0.0 if value is None else -value  # as backtesting.py: no trades scores 0

    def admissible(x: Any) -> bool:
        return True if constraint is None else constraint(params_at(x))

    sambo.minimize(
        fun=evaluate,
        bounds=[(0, len(v)) for v in values],  # integer bounds: stop excluded
        constraints=admissible,
        max_iter=tries,
        method="sceua",
        rng=settings.random_state,
    )
    if not order:
        raise GridError("No admissible parameter combinations to test.", "constraint")
    size = int(np.prod([len(v) for v in values]))
    return SearchOutcome(
        scored=order, grid_size=size, chunks=len(order), seconds=time.perf_counter() - started
    )


# --- the result -------------------------------------------------------------------------------
def heatmap_rows(scored: list[ScoredRun]) -> list[dict[str, Any]]:
    """The heatmap and table rows of every combination tried."""
    return [
        {
            "params": run.params,
            "value": run.value,
            "metrics": {name: _finite(run.stats.get(key)) for name, key in _ROW_METRICS.items()},
            "error": run.error,
        }
        for run in scored
    ]


def _finite(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def metric_names(stats: Mapping[str, Any]) -> dict[str, Any]:
    """backtesting.py's statistics under the API's metric names."""
    return {name: stats.get(key) for name, (key, _) in METRICS.items()}


def strategy_optimize(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    request: BacktestRequest,
    settings: SearchSettings,
    job: Job,
    ctx: JobContext,
    progress_span: tuple[int, int] = (5, 90),
    label: str = "",
) -> dict[str, Any]:
    """Search ``settings`` on ``request``'s bars, run the best in full; the job's result."""
    owner = strategy.owner
    constraint = search_constraint(code=version.code, settings=settings)
    data = pipeline.backtest_data_load(owner=owner, request=request)
    ctx.event(
        "data_loaded",
        f"{len(data):,} bars of {request.symbol} loaded",
        data={"bars": len(data)},
        progress=max(progress_span[0] - 2, 0),
    )
    outcome = _search(
        job=job,
        ctx=ctx,
        owner=owner,
        request=request,
        code=version.code,
        settings=settings,
        constraint=constraint,
        data=data,
        progress_span=progress_span,
        label=label,
    )
    best = best_full_run(
        owner=owner, request=request, code=version.code, data=data, outcome=outcome
    )
    ctx.event("best_run", f"{label}Best combination run in full", progress=progress_span[1] + 2)
    tried = len(outcome.scored)
    return {
        "strategy_id": strategy.pk,
        "version": version.number,
        "symbol": request.symbol,
        "method": settings.method,
        "maximize": settings.maximize,
        "constraint": settings.constraint,
        "param_names": list(settings.values),
        **best,
        "heatmap": heatmap_rows(outcome.scored),
        "tried": tried,
        "grid_size": outcome.grid_size,
        "chunks": outcome.chunks,
        "workers": outcome.workers,
        "seconds": outcome.seconds,
        "backtests_per_second": tried / outcome.seconds if outcome.seconds else 0.0,
    }


def strategy_optimize_multi(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    requests: list[BacktestRequest],
    settings: SearchSettings,
    job: Job,
    ctx: JobContext,
) -> dict[str, Any]:
    """The same search on each request's symbol, and what they say together: each
    combination's value averaged over the symbols and the best common setting."""
    results: dict[str, dict[str, Any]] = {}
    share = 88 / max(len(requests), 1)
    for index, request in enumerate(requests):
        low = 5 + index * share
        results[request.symbol] = strategy_optimize(
            strategy=strategy,
            version=version,
            request=request,
            settings=settings,
            job=job,
            ctx=ctx,
            progress_span=(round(low), round(low + share) - 2),
            label=f"{request.symbol}: ",
        )
    rows, common = mean_heatmap({symbol: r["heatmap"] for symbol, r in results.items()})
    overall = multiasset_summary({symbol: r["best_metrics"] for symbol, r in results.items()})
    return {
        "results": results,
        "summary": {
            **overall,
            "maximize": settings.maximize,
            "best_params_by_symbol": {s: r["best_params"] for s, r in results.items()},
            "best_value_by_symbol": {s: r["best_value"] for s, r in results.items()},
            "common_best": common,
            "mean_heatmap": rows,
        },
    }


def _search(*, settings: SearchSettings, **kwargs: Any) -> SearchOutcome:
    if settings.method == "sambo":
        return sambo_search(settings=settings, **kwargs)
    request = kwargs.pop("request")
    for name in ("owner", "code"):
        kwargs.pop(name)
    return grid_search(settings=settings, symbol=request.symbol, **kwargs)


def best_run(
    *,
    owner: Any,
    request: BacktestRequest,
    code: str,
    data: pd.DataFrame,
    outcome: SearchOutcome,
    what: str,
) -> tuple[ScoredRun, Any]:
    """The search's best combination (the first one when none made trades, as backtesting.py)
    run on ``data`` through the one pipeline; a failed run fails the job."""
    index = outcome.best_index
    chosen = outcome.scored[0 if index is None else index]
    run = pipeline.backtest_execute(
        owner=owner,
        request=request.model_copy(update={"plot": False}),
        code=code,
        data=data,
        strategy_params=chosen.params,
    )
    result = run.result
    if not result.success:
        raise JobFailure(
            "strategy_failed",
            f"The best combination failed when run {what} ({result.error_type}): "
            f"{result.error_message or ''}",
            details={"params": chosen.params, "error_type": result.error_type},
        )
    return chosen, run


def best_full_run(
    *,
    owner: Any,
    request: BacktestRequest,
    code: str,
    data: pd.DataFrame,
    outcome: SearchOutcome,
) -> dict[str, Any]:
    """The best combination run once more in full (backtesting.py runs it again too: with no
    combination making trades it runs the first one)."""
    chosen, full = best_run(
        owner=owner, request=request, code=code, data=data, outcome=outcome, what="in full"
    )
    result = full.result
    return {
        "best_params": chosen.params,
        "best_value": chosen.value,
        "best_stats": result.stats,
        "best_metrics": metric_names(result.stats),
        "best_run": {
            "equity_curve": [
                {"time": p.get("time"), "equity": p.get("equity")} for p in result.equity_curve
            ],
            "trades_total": result.trades_total or len(result.trades),
            "warnings": full.warnings_json(),
            "benchmark": full.benchmark.to_dict() if full.benchmark else None,
        },
    }
