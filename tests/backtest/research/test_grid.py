"""Grids as backtesting.py builds them: same combinations, order, sampling, heatmap and best.

The reference is ``Backtest.optimize(..., return_heatmap=True)`` run in this process on a
trusted strategy defined here (never user code); its heatmap index is the list of combinations
it backtested, in order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import GOOG, SMA

from Backtest.research.constraints import parse_constraint
from Backtest.research.grid import (
    GridError,
    ScoredRun,
    best_of,
    expand_values,
    grid_combinations,
    maximize_key,
    score,
)


class SmaCross(Strategy):
    fast = 10
    slow = 30

    def init(self):
        self.a = self.I(SMA, self.data.Close, self.fast)
        self.b = self.I(SMA, self.data.Close, self.slow)

    def next(self):
        if crossover(self.a, self.b):
            self.buy()
        elif crossover(self.b, self.a):
            self.position.close()


def _reference_combos(values, constraint_text=None, **kwargs):
    bt = Backtest(GOOG.iloc[:300], SmaCross, cash=10_000)
    constraint = None
    if constraint_text:
        parsed = parse_constraint(constraint_text, names=set(values))
        constraint = parsed
    _, heatmap = bt.optimize(
        **values, constraint=constraint, return_heatmap=True, maximize="Return [%]", **kwargs
    )
    return [dict(zip(heatmap.index.names, key, strict=True)) for key in heatmap.index]


@pytest.mark.parametrize(
    ("values", "constraint", "extra"),
    [
        ({"fast": [5, 10, 15], "slow": [10, 20, 40]}, None, {}),
        ({"fast": [5, 10, 15], "slow": [10, 20, 40]}, "fast < slow", {}),
        (
            {"fast": list(range(2, 30, 2)), "slow": list(range(10, 60, 5))},
            "fast < slow",
            {
                "max_tries": 20,
                "random_state": 3,
            },
        ),
        (
            {"fast": list(range(2, 30, 2)), "slow": list(range(10, 60, 5))},
            None,
            {
                "max_tries": 0.25,
                "random_state": 7,
            },
        ),
    ],
)
def test_same_combinations_in_the_same_order_as_backtesting_py(values, constraint, extra):
    expected = _reference_combos(values, constraint, **extra)
    parsed = parse_constraint(constraint, names=set(values)) if constraint else None
    grid = grid_combinations(values, constraint=parsed, **extra)
    assert grid.combinations == expected


def test_range_specs_follow_python_range_with_stop_excluded():
    assert expand_values("n", {"start": 5, "stop": 20, "step": 5}) == [5, 10, 15]
    assert expand_values("n", {"start": 3, "stop": 6}) == [3, 4, 5]
    assert expand_values("n", {"start": 10, "stop": 4, "step": -3}) == [10, 7]
    assert expand_values("x", {"start": 0.1, "stop": 0.4, "step": 0.1}) == [0.1, 0.2, 0.3]
    assert expand_values("n", [1, "a", True, None]) == [1, "a", True, None]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"start": 5, "stop": 5}, "empty (stop is excluded)"),
        ({"start": 1, "stop": 5, "step": 0}, "step must not be 0"),
        ({"start": 1}, "{start, stop, step}"),
        ({"start": 1, "stop": 3, "stpe": 1}, "{start, stop, step}"),
        ([], "lists no values"),
        ("10", "a list of values"),
        ([1, [2]], "numbers, booleans"),
        ({"start": 0, "stop": 10**9}, "more than"),
    ],
)
def test_bad_specs_are_refused_naming_the_parameter(spec, words):
    with pytest.raises(GridError) as caught:
        expand_values("fast", spec)
    assert words in caught.value.message
    assert "params.fast" in caught.value.details["fields"]


def test_grids_over_the_limit_and_empty_grids_are_refused():
    big = {"a": list(range(400)), "b": list(range(400))}
    with pytest.raises(GridError, match="160,000 combinations"):
        grid_combinations(big)
    none = parse_constraint("a > b", names={"a", "b"})
    with pytest.raises(GridError, match="No admissible"):
        grid_combinations({"a": [1], "b": [2]}, constraint=none)


def test_maximize_accepts_backtesting_names_and_metric_names_only():
    assert maximize_key("Sharpe Ratio") == "Sharpe Ratio"
    assert maximize_key("return_pct") == "Return [%]"
    assert maximize_key("sqn") == "SQN"
    for bad in ("Start", "profit", "_trades"):
        with pytest.raises(GridError):
            maximize_key(bad)


def test_runs_without_trades_have_no_heatmap_value_and_the_first_maximum_wins():
    runs = [
        score({"n": 1}, {"# Trades": 0, "Return [%]": 0.0}, "Return [%]"),
        score({"n": 2}, {"# Trades": 3, "Return [%]": 5.0}, "Return [%]"),
        score({"n": 3}, {"# Trades": 2, "Return [%]": float("nan")}, "Return [%]"),
        score({"n": 4}, {"# Trades": 1, "Return [%]": 5.0}, "Return [%]"),
        ScoredRun({"n": 5}, None, {}, error="ZeroDivisionError"),
    ]
    assert [r.value for r in runs[:4]] == [None, 5.0, None, 5.0]
    assert best_of(runs) == 1
    assert best_of(runs[:1]) is None


def test_heatmap_values_match_backtesting_py_nan_for_no_trades():
    # A slow average longer than the data never crosses: backtesting.py leaves it NaN.
    bt = Backtest(GOOG.iloc[:120], SmaCross, cash=10_000)
    _, heatmap = bt.optimize(fast=[5, 10], slow=[20, 200], maximize="SQN", return_heatmap=True)
    for (fast, slow), value in heatmap.items():
        stats = bt.run(fast=fast, slow=slow)
        ours = score({"fast": fast, "slow": slow}, dict(stats), "SQN").value
        if math.isnan(value):
            assert ours is None
        else:
            assert ours == pytest.approx(value)
    assert np.isnan(heatmap[(5, 200)])
