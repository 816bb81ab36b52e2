"""Last checks on the rule set: refuse contradictions and comparisons across scales.

These never fire on sensible descriptions; they stop a garbled one from becoming a strategy
that cannot trade ("RSI is above 0 and at or below 0") or compares apples with oranges
("MFI is above the 20-day SMA": an oscillator against a price).
"""

from __future__ import annotations

from Backtest.indicator_registry import get_indicator
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.model import Cond, Group, Node, Ser

_UP = frozenset({">", ">=", "crosses_above"})
_DOWN = frozenset({"<", "<=", "crosses_below"})
_VOLUME_INDICATORS = frozenset({"OBV", "AD", "ADOSC"})


def scale(series: Ser) -> str:
    """ "price", "volume" or the indicator's own scale (its name)."""
    if series.ind is None:
        return "volume" if series.price == "Volume" else "price"
    if series.ind.source == "Volume" or series.ind.name in _VOLUME_INDICATORS:
        return "volume"
    info = get_indicator(series.ind.name)
    if series.ind.name in v.PRICE_SCALE or info.group == "Pattern Recognition":
        return "price" if info.group != "Pattern Recognition" else series.ind.name
    return "price" if "Output scale same as input" in info.description else series.ind.name


def _scale_problems(cond: Cond) -> list[str]:
    left, right = cond.left, cond.right
    for series, number in ((left, right), (right, left)):
        priced = isinstance(series, Ser) and scale(series) == "price"
        if priced and isinstance(number, float) and number <= 0:
            # "the 20 SMA turns negative": prices are never below zero
            return [f"'{cond.describe()}' compares a price with {number:g}"]
    if not (isinstance(left, Ser) and isinstance(right, Ser)):
        return []
    left_scale, right_scale = scale(left), scale(right)
    if left_scale == right_scale or {left_scale, right_scale} <= {"PLUS_DI", "MINUS_DI"}:
        return []
    return [
        f"'{cond.describe()}' compares values on different scales ({left_scale}, {right_scale})"
    ]


def _contradictions(items: list[Cond]) -> list[str]:
    problems = []
    for index, first in enumerate(items):
        for second in items[index + 1 :]:
            same = (first.left, first.right) == (second.left, second.right)
            opposite = {first.op, second.op} & _UP and {first.op, second.op} & _DOWN
            if same and opposite:
                problems.append(
                    f"'{first.describe()}' and '{second.describe()}' can never both be true"
                )
    return problems


def check_rules(rules: dict[str, Node]) -> list[str]:
    """Problems with the final rules (empty when they make sense)."""
    problems: list[str] = []

    def walk(node: Node) -> None:
        """Collect problems depth first."""
        if isinstance(node, Cond):
            problems.extend(_scale_problems(node))
            return
        assert isinstance(node, Group)
        if node.logic == "all":
            problems.extend(_contradictions([i for i in node.items if isinstance(i, Cond)]))
        for item in node.items:
            walk(item)

    for node in rules.values():
        walk(node)
    return list(dict.fromkeys(problems))
