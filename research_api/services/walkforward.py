"""Walk-forward analysis: optimise on each train window, test the winner on the bars after it.

The windows follow ``Backtest.research.walkforward`` exactly. Each train window's search runs
like an optimisation (grid chunks fanned out over the workers, or SAMBO); each test window is
backtested on its own bars through the one pipeline, so indicators warm up inside it, as they
would for a strategy started on that day.
"""

from __future__ import annotations

from typing import Any

from Backtest.pipeline import BacktestRequest
from Backtest.research.walkforward import stitch_equity, window_bounds, windows
from backtest_api import pipeline
from jobs.models import Job
from jobs.runner import JobContext
from research_api.payloads import SearchSettings
from research_api.services.optimize import (
    best_run,
    grid_search,
    metric_names,
    sambo_search,
    search_constraint,
)
from strategy_api.models import Strategy, StrategyVersion

NOTE = (
    "Each test window is backtested on its own bars starting from the same cash, with the "
    "parameters that were best on the train window just before it; indicators warm up inside "
    "the window. oos_equity chains the test windows (compounded)."
)


def walk_forward_check(
    *, owner: Any, request: BacktestRequest, train_bars: int, test_bars: int, anchored: bool
) -> int:
    """Refuse windows that do not fit the request's bars before a job is queued; the count."""
    data = pipeline.backtest_data_load(owner=owner, request=request)
    return len(
        windows(n_bars=len(data), train_bars=train_bars, test_bars=test_bars, anchored=anchored)
    )


def strategy_walk_forward(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    request: BacktestRequest,
    settings: SearchSettings,
    train_bars: int,
    test_bars: int,
    anchored: bool,
    job: Job,
    ctx: JobContext,
) -> dict[str, Any]:
    """Every full window: its bounds, best parameters on train, statistics on test."""
    owner = strategy.owner
    constraint = search_constraint(code=version.code, settings=settings)
    data = pipeline.backtest_data_load(owner=owner, request=request)
    found = windows(n_bars=len(data), train_bars=train_bars, test_bars=test_bars, anchored=anchored)
    ctx.event(
        "windows",
        f"{len(found)} walk-forward windows over {len(data):,} bars",
        data={"windows": len(found), "bars": len(data)},
        progress=3,
    )
    results: list[dict[str, Any]] = []
    curves: list[list[dict[str, Any]]] = []
    share = 90 / len(found)
    for window in found:
        low = 5 + window.index * share
        span = (round(low), round(low + share * 0.8))
        label = f"Window {window.index + 1}/{len(found)}: "
        train = data.iloc[window.train_first : window.train_last + 1]
        if settings.method == "sambo":
            outcome = sambo_search(
                job=job,
                ctx=ctx,
                owner=owner,
                request=request,
                code=version.code,
                settings=settings,
                constraint=constraint,
                data=train,
                progress_span=span,
                label=label,
            )
        else:
            outcome = grid_search(
                job=job,
                ctx=ctx,
                settings=settings,
                constraint=constraint,
                data=data,
                bars=(window.train_first, window.train_last),
                progress_span=span,
                label=label,
            )
        chosen, run = best_run(
            owner=owner,
            request=request,
            code=version.code,
            data=data.iloc[window.test_first : window.test_last + 1],
            outcome=outcome,
            what=f"on test window {window.index + 1}",
        )
        result = run.result
        equity = [{"time": p.get("time"), "equity": p.get("equity")} for p in result.equity_curve]
        curves.append(equity)
        results.append(
            {
                "index": window.index,
                **window_bounds(window, data.index),
                "best_params": chosen.params,
                "train_value": chosen.value,
                "tried": len(outcome.scored),
                "test_stats": result.stats,
                "test_metrics": metric_names(result.stats),
                "test_equity": equity,
            }
        )
        ctx.event(
            "window_done",
            f"{label}best {chosen.params}, test return {_percent(result.return_pct)}",
            data={
                "window": window.index,
                "best_params": chosen.params,
                "test_return_pct": result.return_pct,
            },
            progress=round(low + share),
        )
    stitched, total = stitch_equity(curves, cash=request.cash)
    return {
        "strategy_id": strategy.pk,
        "version": version.number,
        "symbol": request.symbol,
        "maximize": settings.maximize,
        "anchored": anchored,
        "windows": results,
        "oos_return_pct": total,
        "oos_equity": stitched,
        "note": NOTE,
    }


def _percent(value: float | None) -> str:
    """ "+23.31%" for a progress line (the event's data keeps the exact number)."""
    return "not reported" if value is None else f"{value:+.2f}%"
