"""Side-by-side comparison of a user's runs, with the best run per metric."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers, status

from algoagent.errors import ApiError
from backtest_api.models import BacktestRun
from backtest_api.selectors import runs_by_ids

MIN_COMPARE = 2
MAX_COMPARE = 10

HIGHER = "higher"
CLOSER_TO_ZERO = "closer_to_zero"

# backtesting.py stat -> which value is better. None: no "best" (it describes the market or
# the run's activity, not its quality). Drawdowns are reported as negative percentages.
COMPARE_METRICS: tuple[tuple[str, str | None], ...] = (
    ("Return [%]", HIGHER),
    ("Buy & Hold Return [%]", None),
    ("Sharpe Ratio", HIGHER),
    ("Sortino Ratio", HIGHER),
    ("Max. Drawdown [%]", CLOSER_TO_ZERO),
    ("# Trades", None),
    ("Win Rate [%]", HIGHER),
    ("Profit Factor", HIGHER),
    ("Exposure Time [%]", None),
    ("Equity Final [$]", HIGHER),
)


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _row(run: BacktestRun) -> dict[str, Any]:
    stats = run.stats or {}
    return {
        "id": run.pk,
        "label": run.label,
        "source": run.source,
        "strategy": run.strategy_id,
        "version": run.version.number if run.version_id else None,
        "symbol": run.symbol,
        "interval": run.interval or None,
        "period": {
            "start": stats.get("Start") or (run.start.isoformat() if run.start else None),
            "end": stats.get("End") or (run.end.isoformat() if run.end else None),
        },
        "status": run.status,
        "success": run.success,
        "metrics": {name: _number(stats.get(name)) for name, _ in COMPARE_METRICS},
    }


def _best(rows: list[dict[str, Any]], name: str, better: str | None) -> list[int]:
    if better is None:
        return []
    scored = [
        (row["id"], value if better == HIGHER else -abs(value))
        for row in rows
        if (value := row["metrics"][name]) is not None
    ]
    if not scored:
        return []
    top = max(value for _, value in scored)
    return [pk for pk, value in scored if math.isclose(value, top, rel_tol=1e-12, abs_tol=1e-12)]


def backtest_run_compare(*, user: AbstractBaseUser, ids: Sequence[int]) -> dict[str, Any]:
    """Rows of the main statistics of 2..10 of the user's runs, in the order asked, and per
    metric the ids of the best run(s) (ties share it; runs without a value are skipped).

    An id that is not one of the user's runs is a 404 naming it.
    """
    ids = list(dict.fromkeys(ids))
    if not MIN_COMPARE <= len(ids) <= MAX_COMPARE:
        raise serializers.ValidationError(
            {"ids": [f"Compare {MIN_COMPARE} to {MAX_COMPARE} different runs; got {len(ids)}."]}
        )
    runs = runs_by_ids(user=user, ids=ids)
    missing = [pk for pk in ids if pk not in runs]
    if missing:
        raise ApiError(
            f"No backtest run {', '.join(map(str, missing))}.",
            code="not_found",
            details={"ids": missing},
            status_code=status.HTTP_404_NOT_FOUND,
        )
    rows = [_row(runs[pk]) for pk in ids]
    best = [
        {"metric": name, "better": better, "run_ids": _best(rows, name, better)}
        for name, better in COMPARE_METRICS
    ]
    return {"runs": rows, "best": best}
