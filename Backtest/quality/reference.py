"""Reference readings of descriptions (``tests/quality/README.md`` notation) compared with specs.

Both sides become one canonical form, so "faithful" means *the same strategy*, not the same
JSON: indicator ids are ignored, default parameters are filled in, ``a > b`` equals
``b < a``, ``<=`` is treated as ``<``, ``x - y > 0`` equals ``x > y``, ``rising(x)`` equals
``x > x[1]`` and ``for_bars(rising(x), 5)`` equals ``rising(x, 5)``, a Donchian upper line is
the highest high, "not on Friday" is the other six days, and nested groups are flattened and
compared as sets. The loose ops ``below``/``above`` accept a level or a crossing. With both
sides traded, an opposite entry closes the position (and reverses it), so a reference exit
that is the opposite entry equals no exit rule in the spec.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from Backtest.spec import (
    Arith,
    ChangePct,
    Compare,
    Group,
    HeldFor,
    Months,
    Negate,
    SeriesRef,
    StrategySpec,
    TimeWindow,
    Trend,
    Weekdays,
    lookup_indicator,
)
from Backtest.spec.models import WEEKDAYS

Canon = Any
_FLIP = {"<": ">", ">": "<", "crosses_above": "crosses_below", "crosses_below": "crosses_above"}
_FLIP |= {"below": "above", "above": "below"}
_LOOSE = {"below": {"<", "crosses_below"}, "above": {">", "crosses_above"}}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_TOKEN = re.compile(
    r"\s*(?:(?P<time>\d{1,2}:\d{2})|(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|[<>()\[\],;.*/+\-%]))"
)


# ---- canonical pieces ---------------------------------------------------------------------------
def _number(value: float) -> Canon:
    return ("num", round(float(value), 8))


def _indicator(name: str, params: dict[str, float], output: str | None, source: Canon) -> Canon:
    info = lookup_indicator(name)
    resolved = info.resolve_params(params)
    args = tuple(float(v) for k, v in resolved.items() if not k.endswith("matype"))
    if info.name == "DONCHIAN" and output in ("upper", "lower"):
        return (
            "ind",
            "MAX" if output == "upper" else "MIN",
            args,
            None,
            "High" if output == "upper" else "Low",
        )
    if source == info.inputs[0] if len(info.inputs) == 1 else False:
        source = None
    if len(info.outputs) == 1:
        output = None
    return ("ind", info.name, args, output, source)


def _series(base: Canon, ago: int) -> Canon:
    return ("series", base, ago)


def _cmp(left: Canon, op: str, right: Canon) -> Canon:
    op = {"<=": "<", ">=": ">"}.get(op, op)
    # x - y > 0  ->  x > y
    if right == _number(0) and isinstance(left, tuple) and left[0] == "arith" and left[1] == "-":
        left, right = left[2], left[3]
    if left == _number(0) and isinstance(right, tuple) and right[0] == "arith" and right[1] == "-":
        left, right, op = right[2], right[3], _FLIP[op]
    if left[0] == "num" or (right[0] != "num" and repr(left) > repr(right)):
        left, right, op = right, left, _FLIP[op]
    return ("cmp", left, op, right)


def _group(logic: str, items: list[Canon]) -> Canon:
    flat: list[Canon] = []
    for item in items:
        children = item[1] if item[0] == logic else (item,)
        for child in children:
            if child not in flat:
                flat.append(child)
    return flat[0] if len(flat) == 1 else (logic, tuple(sorted(flat, key=repr)))


def _trend(series: Canon, direction: str, bars: int) -> Canon:
    if bars == 1:
        base, ago = series[1], series[2]
        return _cmp(series, ">" if direction == "rising" else "<", _series(base, ago + 1))
    return ("trend", direction, series, bars)


def _trend_of(node: Canon) -> tuple[str, Canon, int] | None:
    """``(direction, series, bars)`` when the condition is a trend (``x > x[1]`` is one)."""
    if node[0] == "trend":
        return node[1], node[2], node[3]
    if node[0] != "cmp" or node[2] not in ("<", ">"):
        return None
    _, left, op, right = node
    if left[0] != "series" or right[0] != "series" or left[1] != right[1]:
        return None
    if right[2] == left[2] + 1:  # x > x[1]
        return ("rising" if op == ">" else "falling"), left, 1
    if left[2] == right[2] + 1:  # x[1] < x
        return ("falling" if op == ">" else "rising"), right, 1
    return None


def _held(bars: int, inner: Canon) -> Canon:
    # "rising for 5 bars in a row" is one trend whichever way it was written: a trend of m
    # bars held on each of n bars is a trend of n + m - 1 bars.
    trend = _trend_of(inner)
    if trend is not None:
        direction, series, length = trend
        return _trend(series, direction, bars + length - 1)
    return ("held", bars, inner)


def _calendar(kind: str, values: set[Any], negate: bool) -> Canon:
    universe = set(WEEKDAYS) if kind == "weekdays" else set(range(1, 13))
    chosen = universe - values if negate else values
    return (kind, tuple(sorted(chosen, key=str)))


def _negate(node: Canon) -> Canon:
    if node[0] == "cmp" and node[2] in ("<", ">"):
        return ("cmp", node[1], {"<": ">", ">": "<"}[node[2]], node[3])  # <= is <, >= is >
    if node[0] == "time" and node[1] == "00:00":
        return ("time", node[2], "24:00")
    if node[0] == "time" and node[2] == "24:00":
        return ("time", "00:00", node[1])
    if node[0] in ("weekdays", "months"):
        universe = set(WEEKDAYS) if node[0] == "weekdays" else set(range(1, 13))
        return (node[0], tuple(sorted(universe - set(node[1]), key=str)))
    return ("not", node)


def _arith(op: str, left: Canon, right: Canon) -> Canon:
    if left[0] == "num" and right[0] == "num":
        a, b = left[1], right[1]
        return _number({"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op])
    if op in ("+", "*") and repr(left) > repr(right):
        left, right = right, left
    return ("arith", op, left, right)


# ---- spec -> canonical --------------------------------------------------------------------------
class _SpecCanon:
    def __init__(self, spec: StrategySpec) -> None:
        self.items = {item.id: item for item in spec.indicators}

    def ref(self, ref: str, ago: int) -> Canon:
        ident, _, output = ref.partition(".")
        item = self.items.get(ident)
        if item is None:
            return _series(("price", ref), ago)
        source: Canon = None
        if item.source is not None:
            source = (
                item.source
                if item.source in ("Open", "High", "Low", "Close", "Volume")
                else (self.ref(item.source, 0))
            )
        elif item.inputs:
            source = item.inputs[0] if len(item.inputs) == 1 else tuple(item.inputs)
        return _series(_indicator(item.indicator, dict(item.params), output or None, source), ago)

    def expr(self, expr: Any) -> Canon:
        if isinstance(expr, int | float):
            return _number(expr)
        if isinstance(expr, str):
            return self.ref(expr, 0)
        if isinstance(expr, SeriesRef):
            return self.ref(expr.ref, expr.bars_ago)
        if isinstance(expr, Arith):
            return _arith(expr.arith, self.expr(expr.left), self.expr(expr.right))
        if isinstance(expr, ChangePct):
            return ("change", self.expr(expr.change_pct), expr.bars)
        raise TypeError(expr)

    def node(self, node: Any) -> Canon:
        if isinstance(node, Compare):
            return _cmp(self.expr(node.left), node.op, self.expr(node.right))
        if isinstance(node, Group):
            return _group(node.logic, [self.node(c) for c in node.conditions])
        if isinstance(node, Negate):
            return _negate(self.node(node.negate))
        if isinstance(node, Trend):
            return _trend(self.expr(node.of), node.trend, node.bars)
        if isinstance(node, HeldFor):
            return _held(node.held_for, self.node(node.condition))
        if isinstance(node, Weekdays):
            return _calendar("weekdays", set(node.weekdays), False)
        if isinstance(node, Months):
            return _calendar("months", set(node.months), False)
        if isinstance(node, TimeWindow):
            return ("time", node.time_from, node.time_to)
        raise TypeError(node)


def _distance(distance: Any) -> Canon:
    if distance is None:
        return None
    if distance.percent is not None:
        return ("pct", round(distance.percent, 6))
    return ("atr", round(distance.atr, 6), distance.atr_period or 14)


def spec_facts(spec: StrategySpec) -> dict[str, Canon]:
    """The canonical facts of a spec (2.0)."""
    canon = _SpecCanon(spec)
    facts: dict[str, Canon] = {"side": spec.side}
    for key in ("entry", "exit", "short_entry", "short_exit"):
        node = getattr(spec.rules, key)
        facts[key] = None if node is None else canon.node(node)
    facts["stop"] = _distance(spec.stop_loss)
    facts["target"] = _distance(spec.take_profit)
    facts["trailing"] = _distance(spec.trailing_stop)
    facts["exit_after_bars"] = spec.exit_after_bars
    order = spec.entry_order or spec.short_entry_order
    facts["order"] = (
        None
        if order is None or order.type == "market"
        else (
            order.type,
            canon.expr(order.price),
        )
    )
    facts["size"] = (spec.sizing.mode, round(spec.sizing.value, 6))
    return facts


# ---- reference notation -> canonical ------------------------------------------------------------
class NotationError(ValueError):
    """A reference in the corpus is not valid notation."""


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise NotationError(f"bad notation at {text[position:]!r} in {text!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.i = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> str:
        kind, text = self.peek()
        if value is not None and text != value:
            raise NotationError(f"expected {value!r}, got {text!r} in {self.text!r}")
        self.i += 1
        return text

    def done(self) -> None:
        if self.i != len(self.tokens):
            raise NotationError(f"unexpected {self.peek()[1]!r} in {self.text!r}")

    # conditions
    def cond(self) -> Canon:
        kind, word = self.peek()
        if word in ("all", "any") and self.peek(1)[1] == "(":
            self.take()
            self.take("(")
            items = [self.cond()]
            while self.peek()[1] == ";":
                self.take()
                items.append(self.cond())
            self.take(")")
            return _group(word, items)
        if word == "not" and self.peek(1)[1] == "(":
            self.take()
            self.take("(")
            inner = self.cond()
            self.take(")")
            return _negate(inner)
        if word in ("rising", "falling") and self.peek(1)[1] == "(":
            self.take()
            self.take("(")
            series = self.expr()
            bars = 1
            if self.peek()[1] == ",":
                self.take()
                bars = int(self.take())
            self.take(")")
            return _trend(series, word, bars)
        if word == "for_bars":
            self.take()
            self.take("(")
            inner = self.cond()
            self.take(",")
            bars = int(self.take())
            self.take(")")
            return _held(bars, inner)
        if word in ("weekday", "month"):
            return self.calendar(word)
        if word == "time" and self.peek(1)[1] == "in":
            self.take()
            self.take("in")
            start = self.take()
            self.take("-")
            end = self.take()
            return ("time", start.zfill(5), end.zfill(5))
        left = self.expr()
        op = self.take()
        if op not in ("<", ">", "<=", ">=", "crosses_above", "crosses_below", "below", "above"):
            raise NotationError(f"bad operator {op!r} in {self.text!r}")
        return _cmp(left, op, self.expr())

    def calendar(self, word: str) -> Canon:
        self.take()
        negate = self.peek()[1] == "not"
        if negate:
            self.take()
        self.take("in")
        self.take("[")
        values: set[Any] = set()
        while True:
            name = self.take().lower()
            values.add(name if word == "weekday" else _MONTHS.index(name) + 1)
            if self.peek()[1] != ",":
                break
            self.take()
        self.take("]")
        return _calendar("weekdays" if word == "weekday" else "months", values, negate)

    # operands
    def expr(self) -> Canon:
        value = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()
            value = _arith(op, value, self.term())
        return value

    def term(self) -> Canon:
        value = self.factor()
        while self.peek()[1] in ("*", "/"):
            op = self.take()
            value = _arith(op, value, self.factor())
        return value

    def factor(self) -> Canon:
        kind, word = self.peek()
        if kind == "num":
            return _number(float(self.take()))
        if word == "-" and self.peek(1)[0] == "num":
            self.take()
            return _number(-float(self.take()))
        if word == "(":
            self.take()
            value = self.expr()
            self.take(")")
            return value
        if word == "change_pct":
            self.take()
            self.take("(")
            series = self.series()
            self.take(",")
            bars = int(self.take())
            self.take(")")
            return ("change", series, bars)
        return self.series()

    def series(self) -> Canon:
        name = self.take()
        numbers: list[float] = []
        source: Canon = None
        if self.peek()[1] == "(":
            self.take()
            while self.peek()[1] != ")":
                if self.peek()[0] == "num":
                    numbers.append(float(self.take()))
                else:
                    source = self.series()
                    if source[1][0] == "price" and source[2] == 0:
                        source = source[1][1]
                if self.peek()[1] == ",":
                    self.take()
            self.take(")")
        output = None
        if self.peek()[1] == ".":
            self.take()
            output = self.take()
        ago = 0
        if self.peek()[1] == "[":
            self.take()
            ago = int(self.take())
            self.take("]")
        if name in ("Open", "High", "Low", "Close", "Volume"):
            return _series(("price", name), ago)
        info = lookup_indicator(name)
        tunable = [p.name for p in info.parameters if not p.name.endswith("matype")]
        params = dict(zip(tunable, numbers, strict=False))
        if info.name == "BBANDS" and len(numbers) == 2:
            params = {"timeperiod": numbers[0], "nbdevup": numbers[1], "nbdevdn": numbers[1]}
        return _series(_indicator(info.name, params, output, source), ago)


def parse_condition(text: str) -> Canon:
    """A reference condition -> canonical form."""
    reader = _Reader(str(text))
    value = reader.cond()
    reader.done()
    return value


def _parse_distance(text: Any) -> Canon:
    text = str(text).strip()
    if text.endswith("%"):
        return ("pct", round(float(text[:-1]), 6))
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*ATR(?:\((\d+)\))?", text)
    if match is None:
        raise NotationError(f"bad distance {text!r}")
    return ("atr", round(float(match[1]), 6), int(match[2] or 14))


def _parse_size(text: Any) -> Canon:
    text = str(text).strip()
    if text.startswith("risk"):
        return ("risk_percent", round(float(text.split()[1].rstrip("%")), 6))
    if text.endswith("units"):
        return ("units", round(float(text.split()[0]), 6))
    return ("equity_fraction", round(float(text.rstrip("%")) / 100, 6))


def reference_facts(expect: dict[str, Any]) -> dict[str, Canon]:
    """The canonical facts of one ``expect`` block."""
    facts: dict[str, Canon] = {"side": expect.get("side", "long")}
    for key in ("entry", "exit", "short_entry", "short_exit"):
        facts[key] = parse_condition(expect[key]) if key in expect else None
    for key in ("stop", "target", "trailing"):
        facts[key] = _parse_distance(expect[key]) if key in expect else None
    facts["exit_after_bars"] = expect.get("exit_after_bars")
    order = expect.get("order")
    if order:
        kind, _, price = str(order).partition(" ")
        reader = _Reader(price)
        facts["order"] = (kind, reader.expr())
        reader.done()
    else:
        facts["order"] = None
    facts["size"] = _parse_size(expect["size"]) if "size" in expect else ("equity_fraction", 1.0)
    return facts


# ---- matching -----------------------------------------------------------------------------------
def _match(expected: Canon, actual: Canon) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, tuple) and expected and expected[0] in ("all", "any"):
        if not (isinstance(actual, tuple) and actual[:1] == expected[:1]):
            return False
        if len(expected[1]) != len(actual[1]):
            return False
        unused = list(actual[1])
        for item in expected[1]:
            hit = next((a for a in unused if _match(item, a)), None)
            if hit is None:
                return False
            unused.remove(hit)
        return True
    if isinstance(expected, tuple) and expected[:1] == ("cmp",) and actual[:1] == ("cmp",):
        _, e_left, e_op, e_right = expected
        _, a_left, a_op, a_right = actual
        ops = _LOOSE.get(e_op, {e_op})
        if e_left == a_left and e_right == a_right and a_op in ops:
            return True
        return e_left == a_right and e_right == a_left and _FLIP.get(a_op, a_op) in ops
    if isinstance(expected, tuple) and expected[:1] == ("held",) and actual[:1] == ("held",):
        return expected[1] == actual[1] and _match(expected[2], actual[2])
    if isinstance(expected, tuple) and expected[:1] == ("not",) and actual[:1] == ("not",):
        return _match(expected[1], actual[1])
    return bool(expected == actual)


_OPPOSITE_ENTRY = {"exit": "short_entry", "short_exit": "entry"}


def _reversal(key: str, want: Canon, got: Canon, actual: dict[str, Canon]) -> bool:
    """ "long when A, short when B" traded both ways: the short entry B closes the long, so
    an exit B in the reference is the same strategy as no exit rule."""
    opposite = _OPPOSITE_ENTRY.get(key)
    if opposite is None or got is not None or want is None or actual.get("side") != "both":
        return False
    return _match(want, actual.get(opposite))


def mismatches(expected: dict[str, Canon], actual: dict[str, Canon]) -> list[str]:
    """Which facts differ (empty: the spec is the reference strategy)."""
    out = []
    for key, want in expected.items():
        got = actual.get(key)
        if key in ("entry", "exit", "short_entry", "short_exit"):
            same = _match(want, got) or _reversal(key, want, got, actual)
        elif isinstance(want, float) and isinstance(got, float):
            same = math.isclose(want, got, rel_tol=1e-6)
        else:
            same = want == got
        if not same:
            out.append(f"{key}: expected {want!r}, got {got!r}")
    return out


def iter_expectations(case: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The reference reading and its alternatives."""
    if "expect" in case:
        yield case["expect"]
    yield from case.get("alternatives", [])
