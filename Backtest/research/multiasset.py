"""Summaries across symbols: one strategy run (or optimised) on several instruments.

backtesting.py's ``MultiBacktest`` returns one column of statistics per instrument and leaves
the aggregate to the user (``heatmap.mean(axis=1)``); these are those aggregates, computed the
same way (NaN/None skipped), under the API's metric names.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["MAX_SYMBOLS", "SUMMARY_METRICS", "mean_heatmap", "summary"]

MAX_SYMBOLS = 20
SUMMARY_METRICS = (
    "return_pct",
    "buy_hold_return_pct",
    "sharpe_ratio",
    "max_drawdown_pct",
    "win_rate_pct",
    "num_trades",
)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def summary(metrics: Mapping[str, Mapping[str, Any] | None]) -> dict[str, Any]:
    """Mean, median, min and max of each metric over the symbols that ran, and the extremes.

    ``metrics`` maps a symbol to its run's metrics (None when the run failed).
    """
    ran = {symbol: m for symbol, m in metrics.items() if m is not None}
    out: dict[str, Any] = {
        "symbols": len(metrics),
        "succeeded": len(ran),
        "failed": sorted(set(metrics) - set(ran)),
        "metrics": {},
    }
    for name in SUMMARY_METRICS:
        values = [v for m in ran.values() if (v := _number(m.get(name))) is not None]
        out["metrics"][name] = (
            {
                "mean": statistics.fmean(values),
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
                "count": len(values),
            }
            if values
            else None
        )
    returns = {s: r for s, m in ran.items() if (r := _number(m.get("return_pct"))) is not None}
    out["best_symbol"] = max(returns, key=lambda s: returns[s]) if returns else None
    out["worst_symbol"] = min(returns, key=lambda s: returns[s]) if returns else None
    return out


def mean_heatmap(
    heatmaps: Mapping[str, Sequence[Mapping[str, Any]]],
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Each combination's value averaged over the symbols (as ``heatmap.mean(axis=1)``), and
    the combination with the highest mean (the first one on ties)."""
    order: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    sums: dict[str, list[float]] = {}
    for rows_of_symbol in heatmaps.values():
        for row in rows_of_symbol:
            key = repr(sorted(row["params"].items()))
            if key not in rows:
                order.append(key)
                rows[key] = dict(row["params"])
                sums[key] = []
            value = _number(row.get("value"))
            if value is not None:
                sums[key].append(value)
    out: list[dict[str, Any]] = [
        {
            "params": rows[k],
            "value": statistics.fmean(sums[k]) if sums[k] else None,
            "symbols": len(sums[k]),
        }
        for k in order
    ]
    best: dict[str, Any] | None = None
    best_value = -math.inf
    for row in out:
        value = row["value"]
        if isinstance(value, float) and value > best_value:
            best = row
            best_value = value
    return out, best
