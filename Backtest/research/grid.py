"""Parameter grids the way ``backtesting.Backtest.optimize(method="grid")`` builds them.

The same combinations in the same order (``itertools.product`` over the parameters in the
order given), the same constraint filter, the same random subsample for ``max_tries`` (the
same ``numpy.random.default_rng(random_state)`` draws), the same heatmap values (the maximised
statistic, NaN for a run without trades) and the same choice of the best (the first maximum,
as ``heatmap.idxmax()``). Only where the runs happen differs: in the sandbox, in chunks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product, repeat
from typing import Any

import numpy as np

from Backtest.pipeline.metrics import METRICS
from Backtest.research.errors import ResearchInputError

__all__ = [
    "MAX_COMBINATIONS",
    "MAX_VALUES",
    "GridError",
    "ScoredRun",
    "best_of",
    "expand_values",
    "grid_combinations",
    "maximize_key",
    "score",
]

#: Grid size (before the constraint) one optimisation may span.
MAX_COMBINATIONS = 100_000
MAX_VALUES = 10_000
#: Numeric statistics that can be maximised (backtesting.py's names).
_NOT_NUMERIC = {"Start", "End"}
MAXIMIZABLE = {key for key, _ in METRICS.values() if key not in _NOT_NUMERIC}
_BY_API_NAME = {name: key for name, (key, _) in METRICS.items() if key in MAXIMIZABLE}
TRADES_KEY = "# Trades"


class GridError(ResearchInputError):
    """The parameter ranges, the maximised statistic or the grid size are unusable."""

    default_code = "invalid_grid"

    def __init__(self, message: str, field: str, **details: Any) -> None:
        super().__init__(message, details={"fields": {field: [message]}, **details})


def maximize_key(name: str) -> str:
    """The backtesting.py statistic for ``name`` (its own name, or an API metric name)."""
    if name in MAXIMIZABLE:
        return name
    if name in _BY_API_NAME:
        return _BY_API_NAME[name]
    choices = ", ".join(sorted(_BY_API_NAME))
    raise GridError(
        f"maximize {name!r} is neither a numeric backtesting.py statistic nor a metric name "
        f"({choices}).",
        "maximize",
    )


def expand_values(name: str, spec: Any) -> list[Any]:
    """A parameter's values: a list as given, or ``{start, stop, step}`` as Python's ``range``.

    The range's ``stop`` is excluded; ``step`` defaults to 1 and may be negative. Numbers that
    are not integers follow the same rule (``start + k * step`` while short of ``stop``).
    """
    if isinstance(spec, list | tuple):
        values = list(spec)
        if not values:
            raise GridError(f"params.{name} lists no values.", f"params.{name}")
    elif isinstance(spec, Mapping):
        values = _range_values(name, spec)
    else:
        raise GridError(
            f"params.{name} must be a list of values or {{start, stop, step}}.", f"params.{name}"
        )
    if len(values) > MAX_VALUES:
        raise GridError(f"params.{name} has more than {MAX_VALUES} values.", f"params.{name}")
    for value in values:
        if not (value is None or isinstance(value, bool | int | float | str)):
            raise GridError(
                f"params.{name} values must be numbers, booleans, strings or null.",
                f"params.{name}",
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise GridError(f"params.{name} values must be finite.", f"params.{name}")
    return values


def _range_values(name: str, spec: Mapping[str, Any]) -> list[Any]:
    field = f"params.{name}"
    unknown = sorted(set(spec) - {"start", "stop", "step"})
    if unknown or "start" not in spec or "stop" not in spec:
        raise GridError(f"{field} must be {{start, stop, step}} (step optional).", field)
    start, stop, step = spec["start"], spec["stop"], spec.get("step", 1)
    for part in (start, stop, step):
        if isinstance(part, bool) or not isinstance(part, int | float) or not math.isfinite(part):
            raise GridError(f"{field}: start, stop and step must be finite numbers.", field)
    if step == 0:
        raise GridError(f"{field}: step must not be 0.", field)
    if all(isinstance(part, int) for part in (start, stop, step)):
        count = len(range(start, stop, step))
        if count > MAX_VALUES:
            raise GridError(f"{field} has more than {MAX_VALUES} values.", field)
        values: list[Any] = list(range(start, stop, step))
    else:
        count = max(0, math.ceil((stop - start) / step))
        if count > MAX_VALUES:
            raise GridError(f"{field} has more than {MAX_VALUES} values.", field)
        # Rounded so 0.1 + 2 * 0.1 is 0.3 (and 0.4 is not short of 0.4), as a user typing the
        # range means it.
        rounded = (round(start + k * step, 12) for k in range(count + 1))
        values = [v for v in rounded if (v < stop if step > 0 else v > stop)]
    if not values:
        raise GridError(
            f"{field}: range({start}, {stop}, {step}) is empty (stop is excluded).", field
        )
    return values


class _AttrDict(dict[str, Any]):
    def __getattr__(self, item: str) -> Any:
        return self[item]


@dataclass(frozen=True)
class Grid:
    """The combinations to backtest, in backtesting.py's order, and the size before sampling."""

    combinations: list[dict[str, Any]]
    size: int  # product of the value counts
    admissible: int | None  # after the constraint (None when not counted, as backtesting.py)


def grid_combinations(
    values: Mapping[str, Sequence[Any]],
    *,
    constraint: Callable[[Mapping[str, Any]], bool] | None = None,
    max_tries: int | float | None = None,
    random_state: int | None = None,
) -> Grid:
    """backtesting.py's ``_optimize_grid`` combinations (same filter, sampling and order)."""
    if not values:
        raise GridError("Give at least one parameter to optimise.", "params")
    size = int(np.prod([len(v) for v in values.values()]))
    if size > MAX_COMBINATIONS:
        raise GridError(
            f"The grid has {size:,} combinations; the limit is {MAX_COMBINATIONS:,}. "
            "Use fewer values, or method='sambo' with max_tries.",
            "params",
            combinations=size,
        )
    admit = constraint or (lambda _: True)

    def every() -> Iterator[_AttrDict]:
        return (
            _AttrDict(p)
            for p in product(*(zip(repeat(k), v, strict=False) for k, v in values.items()))
        )

    counted: int | None = None
    grid_size = size
    if size < 10_000 and constraint is not None:  # backtesting.py counts only small grids
        counted = grid_size = sum(1 for p in every() if admit(p))
    if max_tries is None:
        fraction: float = 1
    elif 0 < max_tries <= 1:
        fraction = float(max_tries)
    else:
        fraction = max_tries / grid_size if grid_size else 1
    rand = np.random.default_rng(random_state).random
    combos = [dict(p) for p in every() if admit(p) and rand() <= fraction]
    if not combos:
        raise GridError(
            "No admissible parameter combinations to test (the constraint rules out all).",
            "constraint",
        )
    return Grid(combinations=combos, size=size, admissible=counted)


@dataclass(frozen=True)
class ScoredRun:
    """One backtested combination: its heatmap value (None like backtesting.py's NaN)."""

    params: dict[str, Any]
    value: float | None
    stats: dict[str, Any]
    error: str | None = None


def score(params: dict[str, Any], stats: Mapping[str, Any] | None, key: str) -> ScoredRun:
    """The heatmap value of one run: ``stats[key]``, or None without trades (backtesting.py
    leaves those runs out of its heatmap) or when the statistic is not a finite number."""
    if stats is None:
        return ScoredRun(params, None, {})
    trades = stats.get(TRADES_KEY)
    value = stats.get(key)
    if not trades or isinstance(value, bool) or not isinstance(value, int | float):
        return ScoredRun(params, None, dict(stats))
    return ScoredRun(params, float(value) if math.isfinite(value) else None, dict(stats))


def best_of(runs: Sequence[ScoredRun]) -> int | None:
    """Index of the first run with the highest value (``heatmap.idxmax(skipna=True)``)."""
    best, best_value = None, -math.inf
    for index, run in enumerate(runs):
        if run.value is not None and run.value > best_value:
            best, best_value = index, run.value
    return best
