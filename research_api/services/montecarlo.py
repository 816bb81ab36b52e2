"""Monte Carlo of an execution's trades (or of a fresh run, recorded as an execution)."""

from __future__ import annotations

import secrets
from typing import Any

from Backtest.research.montecarlo import MonteCarloError, run_trades, simulate
from jobs.events import no_events
from jobs.runner import JobContext
from strategy_api.models import Strategy, StrategyExecution
from strategy_api.selectors import execution_get

MAX_SEED = 2**31 - 1


def monte_carlo_seed(seed: int | None) -> int:
    """The seed to use: the one given, or a fresh one (returned, so the run can be repeated)."""
    return secrets.randbelow(MAX_SEED) if seed is None else seed


def execution_monte_carlo(
    *, execution: StrategyExecution, runs: int, method: str, seed: int
) -> dict[str, Any]:
    """``runs`` simulations of the execution's trades (the open one at the end closed)."""
    if not execution.success:
        raise MonteCarloError(
            "This execution failed; there are no trades to resample.", code="execution_failed"
        )
    stats = execution.stats or {}
    cash = (execution.options or {}).get("cash")
    final = stats.get("Equity Final [$]")
    if not isinstance(cash, int | float) or not isinstance(final, int | float):
        raise MonteCarloError(
            "This execution does not record its starting cash and final equity.",
            code="incomplete_execution",
        )
    trades = run_trades(
        trades=execution.trades or [],
        trades_total=execution.trades_total or len(execution.trades or []),
        cash=float(cash),
        equity_final=float(final),
    )
    result = simulate(trades, runs=runs, method=method, seed=seed)
    return {
        "strategy_id": execution.strategy_id,
        "execution_id": execution.pk,
        **result.to_dict(),
    }


def strategy_monte_carlo(
    *,
    strategy: Strategy,
    runs: int,
    method: str,
    seed: int,
    execution_id: int | None = None,
    version: int | None = None,
    request: Any = None,
    job: Any = None,
    ctx: JobContext | None = None,
) -> dict[str, Any]:
    """Simulate the given execution, or first run the strategy (an execution kept in history)."""
    if execution_id is not None:
        execution = execution_get(strategy=strategy, pk=execution_id)
    else:
        from strategy_api.services.executions import strategy_execute

        chosen = strategy.versions.filter(number=version).first() if version else None
        execution = strategy_execute(
            strategy=strategy,
            version=chosen,
            request=request,
            job=job,
            on_event=ctx.event if ctx else no_events,
            progress_span=(5, 80),
        )
    if ctx is not None:
        ctx.event("simulating", f"{runs:,} {method} runs of the trades", progress=85)
    return execution_monte_carlo(execution=execution, runs=runs, method=method, seed=seed)
