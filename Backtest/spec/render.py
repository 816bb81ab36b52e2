"""Plain English from a spec: ``render_understood_as(spec)`` says what the strategy will do.

Deterministic (same spec, same text) and total: every construct of spec 2.0 renders, so the
text can be stored next to a version and compared between versions. The compiler uses the
same wording for the comments in generated code.

    Enter long when EMA(12) crosses above EMA(26). Exit when EMA(12) crosses below EMA(26).
    Stop loss 2% below the entry price. Size: 100% of equity.
"""

from __future__ import annotations

from collections.abc import Mapping

from Backtest.spec.catalogue import lookup_indicator
from Backtest.spec.models import (
    WEEKDAYS,
    Arith,
    ChangePct,
    Compare,
    Distance,
    EntryOrder,
    Group,
    HeldFor,
    IndicatorSpec,
    Months,
    Negate,
    RuleNode,
    SeriesRef,
    StrategySpec,
    TimeWindow,
    Trend,
    Weekdays,
)
from Backtest.spec.upgrade import upgrade
from Backtest.spec.v1 import StrategySpecV1

OP_WORDS = {
    "<": "is below",
    ">": "is above",
    "<=": "is at or below",
    ">=": "is at or above",
    "crosses_above": "crosses above",
    "crosses_below": "crosses below",
}
# How an output name reads after its indicator's label ("MACD(12,26,9) signal line").
OUTPUT_WORDS = {
    "macd": "line",
    "macdsignal": "signal line",
    "macdhist": "histogram",
    "upperband": "upper band",
    "middleband": "middle band",
    "lowerband": "lower band",
    "slowk": "%K",
    "slowd": "%D",
    "fastk": "%K",
    "fastd": "%D",
    "aroonup": "Aroon up",
    "aroondown": "Aroon down",
    "upper": "upper line",
    "middle": "middle line",
    "lower": "lower line",
    "line": "line",
    "direction": "direction",
}
_DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def number(value: float | int) -> str:
    """``30`` for 30.0, ``1.5`` for 1.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _join(words: list[str], last: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


class Labels:
    """English names of a spec's indicators by id (``ema_fast`` -> ``EMA(12)``)."""

    def __init__(self, indicators: list[IndicatorSpec]) -> None:
        self.by_id: dict[str, str] = {}
        for item in indicators:
            self.by_id[item.id] = self._label(item)

    def _label(self, item: IndicatorSpec) -> str:
        info = lookup_indicator(item.indicator)
        params = info.resolve_params(item.params)
        if info.name == "VWAP":
            period = int(params["timeperiod"])
            text = "VWAP (session)" if period == 0 else f"VWAP({period})"
        else:
            args = ",".join(number(v) for k, v in params.items() if not k.endswith("matype"))
            text = f"{info.name}({args})" if args else info.name
        if item.source is not None and item.source != info.inputs[0]:
            text += f" of {self.series(item.source)}"
        elif item.inputs is not None and tuple(item.inputs) != info.inputs:
            text += f" of {'/'.join(item.inputs)}"
        return text

    def series(self, ref: str) -> str:
        """``Close``, ``RSI(14)``, ``MACD(12,26,9) signal line``."""
        indicator_id, _, output = ref.partition(".")
        label = self.by_id.get(indicator_id)
        if label is None:
            return ref
        return f"{label} {OUTPUT_WORDS.get(output, output)}" if output else label


def describe_expr(expr: object, labels: Labels) -> str:
    """English (formula-like where it must be) for one operand."""
    if isinstance(expr, bool):
        return str(expr)
    if isinstance(expr, int | float):
        return number(expr)
    if isinstance(expr, str):
        return labels.series(expr)
    if isinstance(expr, SeriesRef):
        text = labels.series(expr.ref)
        if expr.bars_ago:
            text += f" {expr.bars_ago} bar{'s' if expr.bars_ago > 1 else ''} ago"
        return text
    if isinstance(expr, Arith):
        parts = []
        for side in (expr.left, expr.right):
            text = describe_expr(side, labels)
            parts.append(f"({text})" if isinstance(side, Arith) else text)
        return f"{parts[0]} {expr.arith} {parts[1]}"
    if isinstance(expr, ChangePct):
        series = describe_expr(expr.change_pct, labels)
        return f"the {expr.bars}-bar % change of {series}"
    raise TypeError(f"not an operand: {expr!r}")


def describe_node(node: RuleNode, labels: Labels) -> str:
    """English for one condition or group (groups nested in parentheses)."""
    if isinstance(node, Compare):
        left, right = describe_expr(node.left, labels), describe_expr(node.right, labels)
        return f"{left} {OP_WORDS[node.op]} {right}"
    if isinstance(node, Group):
        joiner = " and " if node.logic == "all" else " or "
        parts = [
            f"({describe_node(child, labels)})"
            if _needs_brackets(child)
            else describe_node(child, labels)
            for child in node.conditions
        ]
        return joiner.join(parts)
    if isinstance(node, Negate):
        inner = node.negate
        if isinstance(inner, Weekdays | Months):
            return describe_node(inner, labels).replace(" is ", " is not ", 1)
        return f"not ({describe_node(inner, labels)})"
    if isinstance(node, Trend):
        series = describe_expr(node.of, labels)
        if node.bars == 1:
            return f"{series} is {node.trend}"
        verb = "risen" if node.trend == "rising" else "fallen"
        return f"{series} has {verb} on each of the last {node.bars} bars"
    if isinstance(node, HeldFor):
        return f"on each of the last {node.held_for} bars, {describe_node(node.condition, labels)}"
    if isinstance(node, Weekdays):
        return "the day is " + _join([_DAY_NAMES[d] for d in node.weekdays])
    if isinstance(node, Months):
        return "the month is " + _join([_MONTH_NAMES[m - 1] for m in node.months])
    if isinstance(node, TimeWindow):
        return f"the time of day is from {node.time_from} to before {node.time_to}"
    raise TypeError(f"not a rule node: {node!r}")


def _needs_brackets(node: RuleNode) -> bool:
    # A persistence inside a group is bracketed too: unbracketed, its leading "on each of the
    # last n bars," reads as if it covered the conditions joined after it.
    return isinstance(node, HeldFor) or (isinstance(node, Group) and len(node.conditions) > 1)


def _distance(distance: Distance, labels: Labels) -> str:
    if distance.percent is not None:
        return f"{number(distance.percent)}%"
    assert distance.atr is not None
    return f"{number(distance.atr)} × ATR({distance.atr_period})"


def _direction(spec: StrategySpec, long_word: str, short_word: str) -> str:
    if spec.side == "long":
        return long_word
    if spec.side == "short":
        return short_word
    return f"{long_word} (longs) / {short_word} (shorts)"


def _order_line(order: EntryOrder | None, who: str, labels: Labels) -> str | None:
    if order is None or order.type == "market":
        return None
    assert order.price is not None
    bars = f"{order.valid_bars} bar{'s' if order.valid_bars > 1 else ''}"
    return (
        f"{who} use a {order.type} order at {describe_expr(order.price, labels)} "
        f"(read on the signal bar), cancelled if not filled within {bars}."
    )


def _sizing_line(spec: StrategySpec) -> str:
    sizing = spec.sizing
    if sizing.mode == "units":
        return f"Size: {number(sizing.value)} units."
    if sizing.mode == "risk_percent":
        return (
            f"Size: risk {number(sizing.value)}% of equity per trade (the loss if the stop "
            "loss is hit), never more than the equity can buy."
        )
    return f"Size: {number(round(sizing.value * 100, 4))}% of equity."


def render_understood_as(spec: StrategySpec | StrategySpecV1) -> str:
    """What the strategy does, in plain English, one sentence per rule or setting."""
    spec = upgrade(spec)
    labels = Labels(spec.indicators)
    rules = spec.rules
    lines: list[str] = []
    entries: Mapping[str, str] = {"long": "Enter long", "short": "Enter short"}
    if spec.side in ("long", "both") and rules.entry is not None:
        lines.append(f"{entries['long']} when {describe_node(rules.entry, labels)}.")
    if spec.side in ("short", "both") and rules.short_entry is not None:
        lines.append(f"{entries['short']} when {describe_node(rules.short_entry, labels)}.")
    if spec.side == "both":
        lines.append("An opposite entry signal closes the open position and reverses it.")
    exits = [("exit", rules.exit, "long"), ("short_exit", rules.short_exit, "short")]
    for _, node, side in exits:
        if node is None or spec.side not in (side, "both"):
            continue
        who = "Exit" if spec.side != "both" else f"Exit {side} positions"
        if spec.side == "short":
            who = "Exit (cover)"
        lines.append(f"{who} when {describe_node(node, labels)}.")
    settings = _settings_lines(spec, labels)
    has_exit = any(node is not None for _, node, _ in exits) or bool(settings[1])
    if not has_exit and spec.side != "both":
        lines.append("There is no exit rule: a position stays open until the end of the data.")
    lines += settings[0] + settings[1] + settings[2]
    return " ".join(lines)


def _settings_lines(spec: StrategySpec, labels: Labels) -> tuple[list[str], list[str], list[str]]:
    """(order lines, exit-setting lines, sizing lines)."""
    orders = [
        line
        for line in (
            _order_line(spec.entry_order, "Long entries", labels),
            _order_line(spec.short_entry_order, "Short entries", labels),
        )
        if line is not None
    ]
    exits: list[str] = []
    if spec.stop_loss is not None:
        where = _direction(spec, "below", "above")
        exits.append(f"Stop loss {_distance(spec.stop_loss, labels)} {where} the entry price.")
    if spec.take_profit is not None:
        where = _direction(spec, "above", "below")
        exits.append(f"Take profit {_distance(spec.take_profit, labels)} {where} the entry price.")
    if spec.trailing_stop is not None:
        where = _direction(spec, "below the highest close", "above the lowest close")
        exits.append(f"Trailing stop {_distance(spec.trailing_stop, labels)} {where} since entry.")
    if spec.exit_after_bars is not None:
        bars = spec.exit_after_bars
        exits.append(f"Exit any trade after {bars} bar{'s' if bars > 1 else ''}.")
    return orders, exits, [_sizing_line(spec)]
