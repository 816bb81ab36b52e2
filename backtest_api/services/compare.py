"""Side-by-side comparison of a user's runs, ranked by a named metric, best run per metric.

Runs are backtest runs (``ids``) and strategy executions (``execution_ids``), compared on the
same metric names as every result (``Backtest.pipeline.metrics``: ``*_pct`` in percent). Money
(final equity) depends on each run's starting cash, so it is shown but never ranked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import status

from algoagent.errors import ApiError
from Backtest.pipeline.metrics import metrics_from_stats
from backtest_api.models import BacktestRun
from backtest_api.selectors import runs_by_ids
from strategy_api.models import StrategyExecution
from strategy_api.selectors import executions_by_ids

MIN_COMPARE = 2
MAX_COMPARE = 10

HIGHER = "higher"
CLOSER_TO_ZERO = "closer_to_zero"

# metric -> which value is better. None: no "best" (it describes the market, the run's activity
# or depends on its starting cash, not its quality). Drawdowns are negative percentages.
COMPARE_METRICS: tuple[tuple[str, str | None], ...] = (
    ("return_pct", HIGHER),
    ("cagr_pct", HIGHER),
    ("buy_hold_return_pct", None),
    ("sharpe_ratio", HIGHER),
    ("sortino_ratio", HIGHER),
    ("calmar_ratio", HIGHER),
    ("max_drawdown_pct", CLOSER_TO_ZERO),
    ("num_trades", None),
    ("win_rate_pct", HIGHER),
    ("profit_factor", HIGHER),
    ("exposure_pct", None),
    ("equity_final", None),
)
RANKABLE = tuple(name for name, better in COMPARE_METRICS if better is not None)
DEFAULT_RANK_BY = "return_pct"


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _metrics(stats: dict[str, Any]) -> dict[str, float | int | None]:
    values = metrics_from_stats(stats or {})
    return {name: _number(values.get(name)) for name, _ in COMPARE_METRICS}


def _run_row(run: BacktestRun) -> dict[str, Any]:
    stats = run.stats or {}
    return {
        "kind": "backtest",
        "id": run.pk,
        "key": f"backtest:{run.pk}",
        "label": run.label,
        "source": run.source,
        "strategy": run.strategy_id,
        "version": run.version.number if run.version is not None else None,
        "symbol": run.symbol,
        "interval": run.interval or None,
        "cash": (run.settings or {}).get("cash"),
        "period": {
            "start": stats.get("Start") or (run.start.isoformat() if run.start else None),
            "end": stats.get("End") or (run.end.isoformat() if run.end else None),
        },
        "status": run.status,
        "success": run.success,
        "metrics": _metrics(stats),
        "url": reverse("backtest-detail", args=[run.pk]),
    }


def _execution_row(execution: StrategyExecution) -> dict[str, Any]:
    stats = execution.stats or {}
    version = execution.version.number if execution.version is not None else None
    return {
        "kind": "execution",
        "id": execution.pk,
        "key": f"execution:{execution.pk}",
        "label": f"{execution.strategy.name} v{version}" if version else execution.strategy.name,
        "source": "strategy",
        "strategy": execution.strategy_id,
        "version": version,
        "symbol": execution.test_symbol,
        "interval": (execution.options or {}).get("interval"),
        "cash": (execution.options or {}).get("cash"),
        "period": {"start": stats.get("Start"), "end": stats.get("End")},
        "status": execution.status,
        "success": execution.success,
        "metrics": _metrics(stats),
        "url": reverse("strategy-execution-detail", args=[execution.strategy_id, execution.pk]),
    }


def _score(value: float | int, better: str) -> float:
    return float(value) if better == HIGHER else -abs(float(value))


def _best(rows: list[dict[str, Any]], name: str, better: str | None) -> list[str]:
    if better is None:
        return []
    scored = [
        (row["key"], _score(value, better))
        for row in rows
        if (value := row["metrics"][name]) is not None
    ]
    if not scored:
        return []
    top = max(value for _, value in scored)
    return [key for key, value in scored if math.isclose(value, top, rel_tol=1e-12, abs_tol=1e-12)]


def _ranking(rows: list[dict[str, Any]], name: str) -> list[str]:
    """Keys best first by ``name``; runs without a value last, in the order asked."""
    better = dict(COMPARE_METRICS)[name]
    assert better is not None
    with_value = [row for row in rows if row["metrics"][name] is not None]
    with_value.sort(key=lambda row: _score(row["metrics"][name], better), reverse=True)
    return [row["key"] for row in with_value] + [
        row["key"] for row in rows if row["metrics"][name] is None
    ]


def backtest_run_compare(
    *,
    user: User,
    ids: Sequence[int] = (),
    execution_ids: Sequence[int] = (),
    rank_by: str = DEFAULT_RANK_BY,
) -> dict[str, Any]:
    """Rows of 2..10 of the user's runs (backtest runs, then executions, in the order asked),
    ranked by ``rank_by``, and per metric the best run(s) (ties share it).

    An id that is not one of the user's runs is a 404 naming it.
    """
    ids = list(dict.fromkeys(ids))
    execution_ids = list(dict.fromkeys(execution_ids))
    total = len(ids) + len(execution_ids)
    if not MIN_COMPARE <= total <= MAX_COMPARE:
        field = "ids" if ids or not execution_ids else "execution_ids"
        raise ValidationError(
            {field: [f"Compare {MIN_COMPARE} to {MAX_COMPARE} different runs; got {total}."]}
        )
    if rank_by not in RANKABLE:
        raise ValidationError(
            {"rank_by": [f"Rank by one of: {', '.join(RANKABLE)}; got {rank_by!r}."]}
        )
    runs = runs_by_ids(user=user, ids=ids)
    executions = executions_by_ids(user=user, ids=execution_ids)
    missing = [pk for pk in ids if pk not in runs]
    missing_executions = [pk for pk in execution_ids if pk not in executions]
    if missing or missing_executions:
        named = [f"backtest run {pk}" for pk in missing]
        named += [f"execution {pk}" for pk in missing_executions]
        raise ApiError(
            f"No {', '.join(named)}.",
            code="not_found",
            details={"ids": missing, "execution_ids": missing_executions},
            status_code=status.HTTP_404_NOT_FOUND,
        )
    rows = [_run_row(runs[pk]) for pk in ids]
    rows += [_execution_row(executions[pk]) for pk in execution_ids]
    best = [
        {"metric": name, "better": better, "run_keys": _best(rows, name, better)}
        for name, better in COMPARE_METRICS
    ]
    return {"rank_by": rank_by, "ranking": _ranking(rows, rank_by), "runs": rows, "best": best}
