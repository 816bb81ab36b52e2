"""Static sanity of a valid spec: rules that can never hold, exits that can never fire.

``sanity_problems(spec)`` returns one sentence per problem (empty when the spec makes sense).
It knows what is certain without data:

* a value compared with itself (``Close > Close``), or with a constant outside the range of a
  bounded indicator (RSI above 100, Williams %R above 0, a price below 0);
* a comparison with a channel that includes the current bar (``Close > MAX(20) of High``: the
  highest high of the bars including this one is never below its close);
* comparisons (or crossings) of the same value with constants that exclude each other inside one
  ``all`` group (``RSI > 70 and RSI < 30``, ``RSI crosses above 70 and RSI < 30``), and
  calendar filters that exclude each other (Monday and Friday, disjoint times of day);
* an ``all`` group with a child that can never hold, an ``any`` group whose children never do.

Whether a rule fires on a given symbol and period is a run-level question (0 trades is reported
by the pipeline, not here).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from Backtest.indicator_registry import IndicatorInfo
from Backtest.spec.models import (
    Compare,
    Group,
    HeldFor,
    Months,
    Negate,
    RuleNode,
    SeriesRef,
    StrategySpec,
    TimeWindow,
    Trend,
    Weekdays,
)
from Backtest.spec.render import Labels, describe_node
from Backtest.spec.semantics import indicator_infos, resolve_reference
from Backtest.spec.upgrade import upgrade
from Backtest.spec.v1 import StrategySpecV1

# Output ranges of bounded indicators: (indicator, output or "") -> (low, high).
_BOUNDS: dict[tuple[str, str], tuple[float, float]] = {
    **{(name, ""): (0.0, 100.0) for name in ("RSI", "MFI", "ADX", "ADXR", "DX", "ULTOSC")},
    **{(name, ""): (0.0, 100.0) for name in ("PLUS_DI", "MINUS_DI")},
    ("WILLR", ""): (-100.0, 0.0),
    ("CMO", ""): (-100.0, 100.0),
    ("AROONOSC", ""): (-100.0, 100.0),
    ("BOP", ""): (-1.0, 1.0),
    **{("STOCH", o): (0.0, 100.0) for o in ("slowk", "slowd")},
    **{(n, o): (0.0, 100.0) for n in ("STOCHF", "STOCHRSI") for o in ("fastk", "fastd")},
    **{("AROON", o): (0.0, 100.0) for o in ("aroonup", "aroondown")},
    ("SUPERTREND", "direction"): (-1.0, 1.0),
}
_PRICES = ("Open", "High", "Low", "Close")
_UP = frozenset({">", ">=", "crosses_above"})
_DOWN = frozenset({"<", "<=", "crosses_below"})


class _Checker:
    def __init__(self, spec: StrategySpec) -> None:
        self.infos: Mapping[str, IndicatorInfo] = indicator_infos(spec)
        self.items = {item.id: item for item in spec.indicators}
        self.labels = Labels(spec.indicators)

    # ---- operands ---------------------------------------------------------------------------
    def _series(self, operand: object) -> tuple[str, int] | None:
        if isinstance(operand, SeriesRef):
            return operand.ref, operand.bars_ago
        if isinstance(operand, str):
            return operand, 0
        return None

    def bounds(self, operand: object) -> tuple[float, float] | None:
        """The range a series can take, when it is bounded."""
        series = self._series(operand)
        if series is None:
            return None
        ref = resolve_reference(series[0], self.infos)
        if ref.price is not None:
            return (0.0, math.inf)
        assert ref.indicator_id is not None
        info = self.infos[ref.indicator_id]
        output = ref.output if len(info.outputs) > 1 else ""
        return _BOUNDS.get((info.name, output or ""))

    def _channel(self, operand: object) -> tuple[str, str] | None:
        """("max"|"min", input field) for a same-bar channel line that includes this bar."""
        series = self._series(operand)
        if series is None or series[1] != 0:
            return None
        ref = resolve_reference(series[0], self.infos)
        if ref.indicator_id is None:
            return None
        item = self.items[ref.indicator_id]
        name = self.infos[ref.indicator_id].name
        if name in ("MAX", "MIN"):
            field = item.source or (item.inputs[0] if item.inputs else "Close")
            return ("max" if name == "MAX" else "min", field)
        if name == "DONCHIAN" and ref.output in ("upper", "lower"):
            return ("max", "High") if ref.output == "upper" else ("min", "Low")
        return None

    # ---- one comparison ---------------------------------------------------------------------
    def compare_never(self, node: Compare) -> str | None:
        text = describe_node(node, self.labels)
        if node.left == node.right:
            return f"'{text}' compares a value with itself"
        for series, number, op in (
            (node.left, node.right, node.op),
            (node.right, node.left, _flip(node.op)),
        ):
            if not isinstance(number, int | float) or isinstance(number, bool):
                continue
            bounds = self.bounds(series)
            if bounds is None:
                continue
            low, high = bounds
            if (op in _UP and number >= high) or (op in _DOWN and number <= low):
                if op in (">=", "<=") and number in (low, high):
                    continue  # the extreme itself can be reached
                return f"'{text}' can never be true: the value stays between {low:g} and {high:g}"
        for channel_side, other, op in (
            (node.right, node.left, node.op),
            (node.left, node.right, _flip(node.op)),
        ):
            channel = self._channel(channel_side)
            price = self._series(other)
            if channel is None or price is None or price[1] != 0 or price[0] not in _PRICES:
                continue
            kind, field = channel
            # MAX of High >= every price of this bar; MAX of Close >= this close only.
            covers = field in ("High" if kind == "max" else "Low", price[0])
            strict = {"max": (">", "crosses_above"), "min": ("<", "crosses_below")}[kind]
            if covers and op in strict:
                return (
                    f"'{text}' can never be true: the channel includes the current bar; compare "
                    "with the previous bar's value (1 bar ago)"
                )
        return None

    # ---- trees ------------------------------------------------------------------------------
    def never(self, node: RuleNode) -> str | None:
        """Why ``node`` can never be true, or None."""
        if isinstance(node, Compare):
            return self.compare_never(node)
        if isinstance(node, HeldFor):
            return self.never(node.condition)
        if isinstance(node, Weekdays | Months | TimeWindow | Trend | Negate):
            return None
        assert isinstance(node, Group)
        reasons = [self.never(child) for child in node.conditions]
        if node.logic == "any":
            if all(reasons):
                return "; ".join(r for r in reasons if r)
            return None
        for reason in reasons:
            if reason:
                return reason
        return self._exclusive(node.conditions)

    def _exclusive(self, children: list[RuleNode]) -> str | None:
        """Children of one ``all`` group that exclude each other."""
        ranges: dict[str, tuple[float, float, list[RuleNode]]] = {}
        days: set[str] | None = None
        months: set[int] | None = None
        for child in children:
            # Crossing a level leaves the value on that side of it on this bar: 'RSI crosses
            # above 70' and 'RSI is below 30' exclude each other like 'RSI > 70' would.
            if isinstance(child, Compare) and child.op in _UP | _DOWN:
                for series, number, op in (
                    (child.left, child.right, child.op),
                    (child.right, child.left, _flip(child.op)),
                ):
                    if isinstance(number, int | float) and self._series(series) is not None:
                        key = repr(series)
                        low, high, nodes = ranges.get(key, (-math.inf, math.inf, []))
                        if op in _UP:
                            low = max(low, float(number))
                        else:
                            high = min(high, float(number))
                        ranges[key] = (low, high, [*nodes, child])
            elif isinstance(child, Weekdays):
                days = set(child.weekdays) if days is None else days & set(child.weekdays)
                if not days:
                    return "the weekday filters exclude each other"
            elif isinstance(child, Months):
                months = set(child.months) if months is None else months & set(child.months)
                if not months:
                    return "the month filters exclude each other"
        for low, high, nodes in ranges.values():
            if low >= high and len(nodes) > 1:
                texts = " and ".join(f"'{describe_node(n, self.labels)}'" for n in nodes)
                return f"{texts} can never both be true"
        pairs: dict[tuple[str, str], list[tuple[str, Compare]]] = {}
        for child in children:
            if isinstance(child, Compare):
                left, right, op = repr(child.left), repr(child.right), child.op
                if left > right:
                    left, right, op = right, left, _flip(op)
                pairs.setdefault((left, right), []).append((op, child))
        for ops in pairs.values():
            up = [(op, c) for op, c in ops if op in _UP]
            down = [(op, c) for op, c in ops if op in _DOWN]
            if up and down and not {up[0][0], down[0][0]} <= {">=", "<="}:
                texts = " and ".join(
                    f"'{describe_node(c, self.labels)}'" for _, c in (up[0], down[0])
                )
                return f"{texts} can never both be true"
        windows = [c for c in children if isinstance(c, TimeWindow)]
        for index, first in enumerate(windows):
            for second in windows[index + 1 :]:
                if first.time_to <= second.time_from or second.time_to <= first.time_from:
                    return "the time-of-day filters exclude each other"
        return None


def _flip(op: str) -> str:
    return {
        "<": ">",
        ">": "<",
        "<=": ">=",
        ">=": "<=",
        "crosses_above": "crosses_below",
        "crosses_below": "crosses_above",
    }[op]


_RULE_WORDS = {
    "entry": ("long entry", "can never be true"),
    "exit": ("long exit", "can never fire"),
    "short_entry": ("short entry", "can never be true"),
    "short_exit": ("short exit", "can never fire"),
}


def sanity_problems(spec: StrategySpec | StrategySpecV1) -> list[str]:
    """Why rules can never hold or exits never fire, one sentence each (empty: none found)."""
    spec = upgrade(spec)
    checker = _Checker(spec)
    problems = []
    for key, (label, verdict) in _RULE_WORDS.items():
        node = getattr(spec.rules, key)
        if node is None:
            continue
        reason = checker.never(node)
        if reason:
            problems.append(f"The {label} {verdict}: {reason}.")
    return problems
