"""Monte Carlo of a run's trades: reshuffled or resampled, seeded, reproducible.

The trades are the run's closed trades plus, when the run ended with a position open, one
last trade worth the open position's unrealised result, so the trades add up to the run's own
result (``equity_final - cash``) and the original order reproduces its return exactly. Each
trade is replayed as a growth factor of the equity before it (``equity after / equity before``,
from its money result net of commissions), because backtesting.py sizes orders from the current
equity: a trade that made 2,000 on an account of 40,000 makes 5 % wherever it falls in the order,
not 2,000 from an account of 10,000 (replaying money amounts in another order can take an account
below zero, an impossible path). Drawdowns are measured at trade closes.

* ``trade_shuffle``: the same trades in a random order (the return is the same in every run:
  only the path, so the drawdown, changes);
* ``bootstrap``: as many trades drawn with replacement (returns and drawdowns both vary).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from Backtest.research.errors import ResearchRunError

__all__ = [
    "FAN_PERCENTILES",
    "MAX_RUNS",
    "METHODS",
    "MonteCarloError",
    "MonteCarloResult",
    "RunTrades",
    "run_trades",
    "simulate",
]

METHODS = ("trade_shuffle", "bootstrap")
MAX_RUNS = 10_000
MAX_FAN_POINTS = 200
FAN_PERCENTILES = (5, 25, 50, 75, 95)
# Below this many account-currency units the open position is taken as closed already.
_NEGLIGIBLE = 1e-6


class MonteCarloError(ResearchRunError):
    """The run cannot be simulated (no trades, trades truncated, bad settings)."""

    default_code = "monte_carlo_error"


@dataclass(frozen=True)
class RunTrades:
    """A run's trade results that add up to its return; ``open_trade_closed`` says whether the
    last one stands for a position still open at the end."""

    pnl: list[float]
    cash: float
    equity_final: float
    open_trade_closed: bool
    open_trade_pnl: float | None = None


@dataclass
class MonteCarloResult:
    """Percentiles of the simulated returns and drawdowns, and an equity fan for a chart."""

    runs: int
    method: str
    seed: int
    trades: int
    open_trade_closed: bool
    return_pct: dict[str, float]
    max_drawdown: dict[str, float]
    prob_loss: float
    original: dict[str, float]
    fan: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "method": self.method,
            "seed": self.seed,
            "trades": self.trades,
            "open_trade_closed": self.open_trade_closed,
            "return_pct": self.return_pct,
            "max_drawdown": self.max_drawdown,
            "prob_loss": self.prob_loss,
            "original": self.original,
            "fan": self.fan,
        }


def run_trades(
    *,
    trades: Sequence[dict[str, Any]],
    trades_total: int,
    cash: float,
    equity_final: float,
) -> RunTrades:
    """The run's trade PnLs, completed by the position still open at the end (if any).

    Refuses when the stored trades were truncated (they could not add up to the result).
    """
    if trades_total > len(trades):
        raise MonteCarloError(
            f"Only {len(trades):,} of the run's {trades_total:,} trades were kept, so they "
            "cannot add up to its result; run Monte Carlo on a shorter range.",
            code="trades_truncated",
        )
    pnl = []
    for trade in trades:
        value = trade.get("pnl")
        if not isinstance(value, int | float) or not np.isfinite(value):
            raise MonteCarloError(f"A trade has no finite PnL ({value!r}).", code="bad_trade")
        pnl.append(float(value))
    rest = float(equity_final) - float(cash) - float(np.sum(pnl))
    closed = abs(rest) > _NEGLIGIBLE * max(1.0, abs(float(cash)))
    if closed:
        pnl.append(rest)
    if not pnl:
        raise MonteCarloError(
            "The run made no trades: there is nothing to resample.", code="no_trades"
        )
    return RunTrades(
        pnl=pnl,
        cash=float(cash),
        equity_final=float(equity_final),
        open_trade_closed=closed,
        open_trade_pnl=rest if closed else None,
    )


def _growth_factors(pnl: Sequence[float], cash: float) -> np.ndarray:
    """Each trade's equity after / equity before, along the run's own order.

    Once the account is at or below zero nothing more can be traded: the factors are 0 there.
    """
    equity = cash + np.concatenate([[0.0], np.cumsum(np.asarray(pnl, dtype="float64"))])
    before, after = equity[:-1], equity[1:]
    factors = np.zeros_like(after)
    alive = before > 0
    factors[alive] = np.maximum(after[alive], 0.0) / before[alive]
    return factors


def _paths(factors: np.ndarray, cash: float) -> np.ndarray:
    """Equity after each trade, with the starting cash as column 0 (runs x (trades + 1))."""
    start = np.full((factors.shape[0], 1), cash)
    return np.concatenate([start, cash * np.cumprod(factors, axis=1)], axis=1)


def _max_drawdown_pct(paths: np.ndarray) -> np.ndarray:
    peaks = np.maximum.accumulate(paths, axis=1)
    return (paths / peaks - 1).min(axis=1) * 100


def _percentiles(values: np.ndarray) -> dict[str, float]:
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return {"p5": float(p5), "p50": float(p50), "p95": float(p95)}


def simulate(
    run: RunTrades,
    *,
    runs: int,
    method: Literal["trade_shuffle", "bootstrap"] | str,
    seed: int,
) -> MonteCarloResult:
    """``runs`` simulations of ``run``'s trades; the same seed gives the same numbers."""
    if method not in METHODS:
        raise MonteCarloError(f"method must be one of {', '.join(METHODS)}.", code="bad_method")
    if not 1 <= runs <= MAX_RUNS:
        raise MonteCarloError(f"runs must be between 1 and {MAX_RUNS}.", code="bad_runs")
    rng = np.random.default_rng(seed)
    base = _growth_factors(run.pnl, run.cash)
    count = base.size
    if method == "trade_shuffle":
        order = np.argsort(rng.random((runs, count)), axis=1)
        factors = base[order]
    else:
        factors = base[rng.integers(0, count, size=(runs, count))]
    paths = _paths(factors, run.cash)
    returns = (paths[:, -1] / run.cash - 1) * 100
    drawdowns = _max_drawdown_pct(paths)
    original = _paths(base[None, :], run.cash)
    steps = np.unique(np.linspace(0, count, min(count + 1, MAX_FAN_POINTS)).round().astype(int))
    bands = np.percentile(paths[:, steps], FAN_PERCENTILES, axis=0)
    fan = [
        {"trade": int(step), **{f"p{p}": float(bands[i, j]) for i, p in enumerate(FAN_PERCENTILES)}}
        for j, step in enumerate(steps)
    ]
    return MonteCarloResult(
        runs=runs,
        method=method,
        seed=seed,
        trades=count,
        open_trade_closed=run.open_trade_closed,
        return_pct=_percentiles(returns),
        max_drawdown=_percentiles(drawdowns),
        prob_loss=float(np.mean(paths[:, -1] < run.cash)),
        original={
            "return_pct": float((original[0, -1] / run.cash - 1) * 100),
            "max_drawdown": float(_max_drawdown_pct(original)[0]),
        },
        fan=fan,
    )
