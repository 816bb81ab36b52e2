"""Compile a validated spec (2.0, or 1.0 through its upgrade) into readable backtesting.py code.

The output is deterministic (same spec, same text) and imports only backtesting, math,
``Backtest.indicators`` and, for spec 2.0's own indicators (Donchian, Keltner, VWAP,
SuperTrend), numpy/pandas/talib: their functions are copied into the module. Every indicator
parameter, exit, entry-order and sizing setting becomes a class attribute so
``Backtest.optimize()`` can sweep it. Only the machinery a spec uses is emitted.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

from Backtest.indicator_registry import IndicatorInfo
from Backtest.spec.catalogue import is_custom
from Backtest.spec.custom_indicators import CUSTOM, source_of
from Backtest.spec.models import (
    PRICE_FIELDS,
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
    param_attribute,
)
from Backtest.spec.render import Labels, describe_expr, describe_node
from Backtest.spec.semantics import indicator_infos, resolve_reference, semantic_errors
from Backtest.spec.upgrade import upgrade
from Backtest.spec.v1 import StrategySpecV1

_IND = "    "
_MAX_LINE = 100
_FULL_EQUITY = 0.9999  # backtesting.py reads size 1 as one unit, so "all equity" is just below 1
_NEGATED = {"<": ">=", ">": "<=", "<=": ">", ">=": "<"}

_HELPERS = {
    "ready": '''
def _ready(*values):
    """True once every value is a real number: indicators start with NaN warm-up bars."""
    return not any(math.isnan(value) for value in values)
''',
    "cross": '''
def _cross_up(now, before, level_now, level_before):
    """Below on the previous bar, above on this one (backtesting.lib.crossover's rule)."""
    return before < level_before and now > level_now
''',
    "cross_down": '''
def _cross_down(now, before, level_now, level_before):
    """Above on the previous bar, below on this one."""
    return before > level_before and now < level_now
''',
    "div": '''
def _div(numerator, denominator):
    """Division that gives NaN (so every comparison is False) instead of failing on zero."""
    return numerator / denominator if denominator else math.nan
''',
    "minutes": '''
def _minutes(timestamp):
    """Minutes since midnight of a bar's timestamp (exchange time)."""
    return timestamp.hour * 60 + timestamp.minute
''',
}


class CompileError(ValueError):
    """The spec cannot be compiled (it is invalid, or the class name is not an identifier)."""


def class_name_for(spec_name: str) -> str:
    """CamelCase identifier from a free-text name: "rsi mean-reversion" -> "RsiMeanReversion"."""
    words = re.findall(r"[A-Za-z0-9]+", spec_name)
    name = "".join(word[:1].upper() + word[1:] for word in words)
    if not name:
        return "GeneratedStrategy"
    return f"Strategy{name}" if name[0].isdigit() else name


def _call(head: str, args: list[str], tail: str) -> list[str]:
    """One line if it fits in 100 columns, else one argument per line (black/ruff style)."""
    line = f"{head}{', '.join(args)}{tail}"
    if len(line) <= _MAX_LINE:
        return [line]
    indent = " " * (len(head) - len(head.lstrip()))
    return [head, *(f"{indent}{_IND}{arg}," for arg in args), f"{indent}{tail}"]


def _comment(indent: str, text: str) -> list[str]:
    """A comment wrapped to the line limit."""
    width = _MAX_LINE - len(indent) - 2
    return [f"{indent}# {line}" for line in textwrap.wrap(text, width=width)]


def _wrap_docstring(text: str, indent: str) -> list[str]:
    if len(indent) + len(text) + 6 <= _MAX_LINE:
        return [f'{indent}"""{text}"""']
    lines = textwrap.wrap(text, width=_MAX_LINE - len(indent) - 3)
    return [f'{indent}"""{lines[0]}', *(f"{indent}{line}" for line in lines[1:]), f'{indent}"""']


def _literal(value: float | int | None) -> str:
    return "None" if value is None else repr(value)


class _Emitter:
    """Turns rule trees into Python expressions; records the history and helpers they need."""

    def __init__(self, infos: Mapping[str, IndicatorInfo], labels: Labels) -> None:
        self.infos = infos
        self.labels = labels
        self.oldest: dict[str, int] = {}  # indicator series -> oldest position read ([-n])
        self.depth = 1  # bars of history the rules read
        self.helpers: set[str] = set()
        self.uses_time = False

    # ---- operands ---------------------------------------------------------------------------
    def _base(self, ref: str) -> str:
        resolved = resolve_reference(ref, self.infos)
        if resolved.price is not None:
            return f"self.data.{resolved.price}"
        index = "" if resolved.output_index is None else f"[{resolved.output_index}]"
        return f"self.{resolved.indicator_id}{index}"

    def read(self, base: str, position: int) -> str:
        """``base[-position]``, noting the history it needs."""
        self.depth = max(self.depth, position)
        if not base.startswith("self.data."):
            self.oldest[base] = max(self.oldest.get(base, 0), position)
        return f"{base}[-{position}]"

    def series(self, operand: str | SeriesRef, offset: int) -> tuple[str, int]:
        """(base expression, position of the value at ``offset`` bars before the one named)."""
        ref, ago = (
            (operand.ref, operand.bars_ago)
            if isinstance(operand, SeriesRef)
            else (
                operand,
                0,
            )
        )
        return self._base(ref), 1 + ago + offset

    def expr(self, expr: object, offset: int = 0) -> str:
        """Python expression for an operand, ``offset`` bars before the current bar."""
        if isinstance(expr, bool) or expr is None:
            raise CompileError(f"not an operand: {expr!r}")
        if isinstance(expr, int | float):
            return _literal(expr)
        if isinstance(expr, str | SeriesRef):
            return self.read(*self.series(expr, offset))
        if isinstance(expr, Arith):
            left, right = self.expr(expr.left, offset), self.expr(expr.right, offset)
            if expr.arith == "/":
                self.helpers.add("div")
                return f"_div({left}, {right})"
            return f"({left} {expr.arith} {right})"
        if isinstance(expr, ChangePct):
            base, position = self.series(expr.change_pct, offset)
            self.helpers.add("div")
            now, before = self.read(base, position), self.read(base, position + expr.bars)
            return f"(_div({now}, {before}) - 1) * 100"
        raise CompileError(f"not an operand: {expr!r}")

    # ---- conditions -------------------------------------------------------------------------
    def condition(self, node: RuleNode, offset: int = 0) -> str:
        """One node as a single-line boolean expression."""
        if isinstance(node, Compare):
            return self._compare(node.left, node.op, node.right, offset)
        if isinstance(node, Group):
            joiner = " and " if node.logic == "all" else " or "
            return "(" + joiner.join(self.condition(c, offset) for c in node.conditions) + ")"
        if isinstance(node, Negate):
            inner = node.negate
            if isinstance(inner, Compare) and inner.op in _NEGATED:
                # The complementary comparison rather than `not`: NaN makes both False.
                return self._compare(inner.left, _NEGATED[inner.op], inner.right, offset)
            if isinstance(inner, Weekdays | Months):
                return self.condition(inner, offset).replace(" in (", " not in (")
            return f"not {self.condition(inner, offset)}"
        if isinstance(node, Trend):
            return self._trend(node, offset)
        if isinstance(node, HeldFor):
            parts = [self.condition(node.condition, offset + k) for k in range(node.held_for)]
            return "(" + " and ".join(parts) + ")"
        if isinstance(node, Weekdays):
            days = ", ".join(str(WEEKDAYS.index(day)) for day in node.weekdays)
            days = f"({days},)" if len(node.weekdays) == 1 else f"({days})"
            return f"{self._timestamp(offset)}.weekday() in {days}"
        if isinstance(node, Months):
            months = ", ".join(str(m) for m in node.months)
            months = f"({months},)" if len(node.months) == 1 else f"({months})"
            return f"{self._timestamp(offset)}.month in {months}"
        if isinstance(node, TimeWindow):
            self.helpers.add("minutes")
            start, end = (_clock_minutes(t) for t in (node.time_from, node.time_to))
            return f"{start} <= _minutes({self._timestamp(offset)}) < {end}"
        raise CompileError(f"not a rule node: {node!r}")

    def _timestamp(self, offset: int) -> str:
        self.uses_time = True
        self.depth = max(self.depth, offset + 1)
        return f"self.data.index[-{offset + 1}]"

    def _compare(self, left: object, op: str, right: object, offset: int) -> str:
        if op in ("crosses_above", "crosses_below"):
            helper = "cross" if op == "crosses_above" else "cross_down"
            self.helpers.add(helper)
            args = [
                self.expr(left, offset),
                self.expr(left, offset + 1),
                self.expr(right, offset),
                self.expr(right, offset + 1),
            ]
            name = "_cross_up" if op == "crosses_above" else "_cross_down"
            return f"{name}({', '.join(args)})"
        return f"{self.expr(left, offset)} {op} {self.expr(right, offset)}"

    def _trend(self, node: Trend, offset: int) -> str:
        base, position = self.series(node.of, offset)
        symbol = ">" if node.trend == "rising" else "<"
        if node.bars <= 3:
            pairs = [
                f"{self.read(base, position + k)} {symbol} {self.read(base, position + k + 1)}"
                for k in range(node.bars)
            ]
            return pairs[0] if len(pairs) == 1 else "(" + " and ".join(pairs) + ")"
        self.read(base, position + node.bars)  # the oldest value the loop reads
        return (
            f"all({base}[-i] {symbol} {base}[-i - 1] "
            f"for i in range({position}, {position + node.bars}))"
        )

    # ---- statements -------------------------------------------------------------------------
    def rule(self, variable: str, node: RuleNode, path: str) -> list[str]:
        """``variable = <expression>``: one line per top-level condition, each commented."""
        indent = _IND * 2
        header = _comment(indent, f"{path}: {describe_node(node, self.labels)}")
        if not isinstance(node, Group) or len(node.conditions) == 1:
            child = node.conditions[0] if isinstance(node, Group) else node
            text = _strip_parens(self.condition(child))
            if len(indent) + len(variable) + 3 + len(text) <= _MAX_LINE:
                return [*header, f"{indent}{variable} = {text}"]
            wrapped = _wrap_expression(indent + _IND, text)
            return [*header, f"{indent}{variable} = (", *wrapped, f"{indent})"]
        joiner = "and" if node.logic == "all" else "or"
        lines = [*header, f"{indent}{variable} = ("]
        for index, child in enumerate(node.conditions):
            inner = indent + _IND
            lines += _comment(
                inner, f"{path}.conditions.{index}: {describe_node(child, self.labels)}"
            )
            prefix = "" if index == 0 else f"{joiner} "
            lines += _wrap_expression(inner, self.condition(child), prefix)
        return [*lines, f"{indent})"]


def _wrap_expression(indent: str, text: str, prefix: str = "") -> list[str]:
    """A long boolean expression, one top-level "and"/"or" operand per line."""
    if len(indent) + len(prefix) + len(text) <= _MAX_LINE:
        return [f"{indent}{prefix}{text}"]
    inner = _strip_parens(text)
    opened = inner != text
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        depth += char in "(["
        depth -= char in ")]"
        for word in (" and ", " or "):
            if depth == 0 and inner.startswith(word, index):
                pieces.append(inner[start:index])
                start = index + 1
    pieces.append(inner[start:])
    if len(pieces) == 1:
        return [f"{indent}{prefix}{text}"]  # one long call: nothing to split at
    if not opened:
        return [f"{indent}{prefix}{pieces[0]}", *(f"{indent}{p}" for p in pieces[1:])]
    return [
        f"{indent}{prefix}(",
        *(f"{indent}{_IND}{p}" for p in pieces),
        f"{indent})",
    ]


def _strip_parens(text: str) -> str:
    """``(a and b)`` -> ``a and b`` when the outer parentheses enclose the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and index < len(text) - 1:
            return text  # "(a) and (b)": the first bracket closes early
    return text[1:-1]


def _clock_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _indicator_line(
    item: IndicatorSpec, infos: Mapping[str, IndicatorInfo], index: int, labels: Labels
) -> list[str]:
    info = infos[item.id]
    args = [info.name]
    if item.source is not None and item.source not in PRICE_FIELDS:
        # An indicator of an indicator: the input is an earlier indicator's output.
        resolved = resolve_reference(item.source, infos)
        output = "" if resolved.output_index is None else f"[{resolved.output_index}]"
        args.append(f"self.{resolved.indicator_id}{output}")
    else:
        fields = [item.source] if item.source is not None else list(item.inputs or info.inputs)
        args += [f"self.data.{field}" for field in fields]
    if is_custom(info.name) and CUSTOM[info.name].needs_index:
        args.append("self.data.index")
    args += [f"{p.name}=self.{param_attribute(item.id, p.name)}" for p in info.parameters]
    if len(info.outputs) > 1:
        args.append("name=[" + ", ".join(f'"{item.id}.{o}"' for o in info.outputs) + "]")
    else:
        args.append(f'name="{item.id}"')
    comment = f"indicators.{index} {item.id!r}: {labels.by_id[item.id]}"
    if len(info.outputs) > 1:
        outputs = ", ".join(f"[{i}]={o}" for i, o in enumerate(info.outputs))
        comment += f"; outputs {outputs}"
    return [*_comment(_IND * 2, comment), *_call(f"{_IND * 2}self.{item.id} = self.I(", args, ")")]


# ---- the class ----------------------------------------------------------------------------------
def _uses_atr(spec: StrategySpec) -> bool:
    return any(d is not None and d.atr is not None for d in _distances(spec))


def _distances(spec: StrategySpec) -> tuple[Distance | None, Distance | None, Distance | None]:
    return spec.stop_loss, spec.take_profit, spec.trailing_stop


def _distance_attrs(name: str, distance: Distance | None) -> list[str]:
    pct = None if distance is None else distance.percent
    atr = None if distance is None else distance.atr
    return [f"{_IND}{name}_pct = {_literal(pct)}", f"{_IND}{name}_atr = {_literal(atr)}"]


def _atr_period(spec: StrategySpec) -> int:
    periods = {d.atr_period or 14 for d in _distances(spec) if d is not None and d.atr is not None}
    if len(periods) > 1:
        raise CompileError(
            "stop, target and trailing stop must use the same ATR period "
            f"(got {', '.join(str(p) for p in sorted(periods))})"
        )
    return periods.pop()


def _attributes(spec: StrategySpec, infos: Mapping[str, IndicatorInfo]) -> list[str]:
    attrs = [
        f"{_IND}# Indicator parameters: class attributes so Backtest.optimize() can sweep them."
    ]
    for item in spec.indicators:
        resolved = infos[item.id].resolve_params(item.params)
        attrs += [f"{_IND}{param_attribute(item.id, k)} = {v!r}" for k, v in resolved.items()]
    attrs += [
        f"{_IND}# Exits, as a percent of the entry price or a multiple of the ATR; None = off.",
        *_distance_attrs("stop_loss", spec.stop_loss),
        *_distance_attrs("take_profit", spec.take_profit),
        *_distance_attrs("trailing_stop", spec.trailing_stop),
    ]
    if _uses_atr(spec):
        attrs.append(f"{_IND}atr_stop_period = {_atr_period(spec)}")
    attrs.append(f"{_IND}exit_after_bars = {_literal(spec.exit_after_bars)}")
    if _pending_orders(spec):
        valid = {o.valid_bars for o in (spec.entry_order, spec.short_entry_order) if o}
        attrs += [
            f"{_IND}# Unfilled limit/stop entry orders are cancelled after this many bars.",
            f"{_IND}entry_valid_bars = {max(valid)}",
        ]
    sizing = spec.sizing
    if sizing.mode == "risk_percent":
        attrs += [
            f"{_IND}# Size: units whose loss at the stop is risk_percent of equity.",
            f"{_IND}risk_percent = {sizing.value!r}",
        ]
    else:
        size: float | int = _FULL_EQUITY if sizing.value == 1 else sizing.value
        size = int(size) if sizing.mode == "units" else size
        attrs += [
            f"{_IND}# Order size: fraction of equity below 1, or whole units (backtesting.py rule)",
            f"{_IND}position_size = {size!r}",
        ]
    return attrs


def _pending_orders(spec: StrategySpec) -> bool:
    return any(
        o is not None and o.type != "market" for o in (spec.entry_order, spec.short_entry_order)
    )


def _order_method(spec: StrategySpec, side: str, emitter: _Emitter) -> list[str]:
    long = side == "long"
    order: EntryOrder | None = spec.entry_order if long else spec.short_entry_order
    i2, i3 = _IND * 2, _IND * 3
    method = "_enter_long" if long else "_enter_short"
    verb = "self.buy" if long else "self.sell"
    sign = "-" if long else "+"
    other = "+" if long else "-"
    lines = ["", f"{_IND}def {method}(self, price):"]
    if order is None or order.type == "market":
        lines.append(
            f'{i2}"""{"Buy" if long else "Sell short"} at the next open; stop and target start '
            'from the signal close."""'
        )
        reference = "price"
    else:
        assert order.price is not None
        price_text = describe_expr(order.price, emitter.labels)
        lines += _wrap_docstring(
            f"{'Buy' if long else 'Sell short'} with a {order.type} order at {price_text}; "
            "stop and target start from the order price.",
            i2,
        )
        lines.append(f"{i2}level = {_strip_parens(emitter.expr(order.price))}")
        lines += [f"{i2}if math.isnan(level) or level <= 0:", f"{i3}return"]
        reference = "level"
    lines += [
        f"{i2}stop = self._distance(self.stop_loss_pct, self.stop_loss_atr, {reference})",
        f"{i2}target = self._distance(self.take_profit_pct, self.take_profit_atr, {reference})",
    ]
    args = []
    if spec.sizing.mode == "risk_percent":
        lines += [
            f"{i2}size = self._risk_size({reference}, stop)",
            f"{i2}if size is None:",
            f"{i3}return  # not even one unit fits the risk budget",
        ]
        args.append("size=size")
    else:
        args.append("size=self.position_size")
    if order is not None and order.type != "market":
        args.append(f"{order.type}=level")
    args += [
        f"sl=None if stop is None else {reference} {sign} stop",
        f"tp=None if target is None else {reference} {other} target",
    ]
    if order is not None and order.type != "market":
        args.append("tag=len(self.data),  # the bar it was placed on, to cancel it when stale")
    lines.append(f"{i2}{verb}(")
    lines += [f"{i3}{arg}" if arg.endswith("stale") else f"{i3}{arg}," for arg in args]
    lines.append(f"{i2})")
    return lines


_DISTANCE = '''
    def _distance(self, pct, atr, price, bars_ago=0):
        """Price distance of a percent-of-price or ATR-multiple setting; None when unset."""
        if pct is not None:
            return price * pct / 100
        if atr is not None:
            return atr * self.atr_stop[-1 - bars_ago]
        return None
'''
_DISTANCE_PCT = '''
    def _distance(self, pct, atr, price, bars_ago=0):
        """Price distance of a percent-of-price setting; None when unset."""
        return None if pct is None else price * pct / 100
'''
_RISK_SIZE = '''
    def _risk_size(self, price, stop):
        """Whole units whose loss at the stop is risk_percent of equity; None below one unit.

        Capped at what the equity can buy (no leverage), which can lower the risk taken.
        """
        units = int(self.equity * self.risk_percent / 100 / stop)
        units = min(units, int(self.equity * 0.9999 / price))
        return units if units >= 1 else None
'''
_ANCHOR = '''
    def _anchor(self, trade):
        """On the fill bar, move stop and target to their distance from the fill price."""
        sign = 1 if trade.is_long else -1
        stop = self._distance(self.stop_loss_pct, self.stop_loss_atr, trade.entry_price, 1)
        target = self._distance(self.take_profit_pct, self.take_profit_atr, trade.entry_price, 1)
        if stop is not None:
            trade.sl = trade.entry_price - sign * stop
        if target is not None:
            trade.tp = trade.entry_price + sign * target
'''
_MANAGE = '''
    def _manage_trades(self, price):
        """Exits that do not depend on the rules: fill-price anchoring, trailing, time exit."""
        for order in self.orders:
            stale = not order.is_contingent and len(self.data) - order.tag >= self.entry_valid_bars
            if stale:
                order.cancel()
        for trade in self.trades:
            if trade.entry_bar == len(self.data) - 1:  # filled at this bar's open
                self._anchor(trade)
            trail = self._distance(self.trailing_stop_pct, self.trailing_stop_atr, price)
            if trail is not None:
                # Pull the stop toward the close, never loosen it: it trails the best close.
                level = price - trail if trade.is_long else price + trail
                if trade.sl is None or (level > trade.sl if trade.is_long else level < trade.sl):
                    trade.sl = level
            held = len(self.data) - trade.entry_bar
            if self.exit_after_bars is not None and held >= self.exit_after_bars:
                trade.close()
'''


def _manage_source(spec: StrategySpec) -> str:
    text = _MANAGE
    if not _pending_orders(spec):
        text = text.replace(
            """        for order in self.orders:
            stale = not order.is_contingent and len(self.data) - order.tag >= self.entry_valid_bars
            if stale:
                order.cancel()
""",
            "",
        )
    return text


def _decision_lines(spec: StrategySpec) -> list[str]:
    """Position logic; in "both" mode an opposite entry signal closes and reverses."""
    i2, i3, i4 = _IND * 2, _IND * 3, _IND * 4
    has_exit = spec.rules.exit is not None
    has_short_exit = spec.rules.short_exit is not None
    flat = "flat"
    if spec.side == "long":
        lines = [f"{i2}if {flat}:", f"{i3}if long_entry:", f"{i4}self._enter_long(price)"]
        if has_exit:
            lines += [f"{i2}elif self.position and long_exit:", f"{i3}self.position.close()"]
        return lines
    if spec.side == "short":
        lines = [f"{i2}if {flat}:", f"{i3}if short_entry:", f"{i4}self._enter_short(price)"]
        if has_short_exit:
            lines += [f"{i2}elif self.position and short_exit:", f"{i3}self.position.close()"]
        return lines
    lines = [f"{i2}if self.position.is_long:"]
    lines += _reverse_lines("short_entry", "_enter_short", "long_exit" if has_exit else None)
    lines.append(f"{i2}elif self.position.is_short:")
    lines += _reverse_lines("long_entry", "_enter_long", "short_exit" if has_short_exit else None)
    return [
        *lines,
        f"{i2}elif {flat} and long_entry:  # if both entries fire on one bar, long wins",
        f"{i3}self._enter_long(price)",
        f"{i2}elif {flat} and short_entry:",
        f"{i3}self._enter_short(price)",
    ]


def _reverse_lines(opposite: str, enter: str, exit_rule: str | None) -> list[str]:
    i3, i4 = _IND * 3, _IND * 4
    lines = [
        f"{i3}if {opposite}:  # reverse; backtesting.py fills the close order first",
        f"{i4}self.position.close()",
        f"{i4}self.{enter}(price)",
    ]
    if exit_rule:
        lines += [f"{i3}elif {exit_rule}:", f"{i4}self.position.close()"]
    return lines


def compile_spec(spec: StrategySpec | StrategySpecV1, *, class_name: str | None = None) -> str:
    """Generate a module with one ``Strategy`` subclass implementing ``spec``."""
    spec = upgrade(spec)
    errors = semantic_errors(spec)
    if errors:
        raise CompileError("; ".join(f"{e['field']}: {e['message']}" for e in errors))
    infos = indicator_infos(spec)
    labels = Labels(spec.indicators)
    helpers = sorted({info.name for info in infos.values() if not is_custom(info.name)})
    customs = sorted({info.name for info in infos.values() if is_custom(info.name)})
    if _uses_atr(spec) and "ATR" not in helpers:
        helpers = sorted([*helpers, "ATR"])
    taken = {*helpers, *customs, "Strategy", "None", "True", "False"}
    name = class_name or class_name_for(spec.name)
    if class_name is None and name in taken:
        name = f"{name}Strategy"  # a spec called "SMA" must not shadow the SMA helper
    if not name.isidentifier() or not name[0].isupper() or name in taken:
        raise CompileError(
            f"class name {name!r} must be a capitalised Python identifier not already used by "
            f"the generated module ({', '.join(sorted(taken))})"
        )
    emitter = _Emitter(infos, labels)

    rule_lines: list[str] = []
    for rule, variable in (
        ("entry", "long_entry"),
        ("exit", "long_exit"),
        ("short_entry", "short_entry"),
        ("short_exit", "short_exit"),
    ):
        node = getattr(spec.rules, rule)
        if node is not None:
            rule_lines += emitter.rule(variable, node, f"rules.{rule}")
    order_lines: list[str] = []
    if spec.side in ("long", "both"):
        order_lines += _order_method(spec, "long", emitter)
    if spec.side in ("short", "both"):
        order_lines += _order_method(spec, "short", emitter)
    emitter.helpers.add("ready")

    imports = ["import math"]
    if customs:
        imports.append("from typing import Any")
    imports.append("")
    if customs:
        imports.append("import numpy as np")
        if "VWAP" in customs:
            imports.append("import pandas as pd")
        imports.append("import talib")
    imports += ["from backtesting import Strategy"]
    if helpers:
        imports += ["", f"from Backtest.indicators import {', '.join(helpers)}"]

    doc = spec.description.strip() or spec.name
    init = [f"{_IND}def init(self):"]
    for index, item in enumerate(spec.indicators):
        init += _indicator_line(item, infos, index, labels)
    if _uses_atr(spec):
        init += [
            f"{_IND * 2}# ATR for the stop, target or trailing distances",
            *_call(
                f"{_IND * 2}self.atr_stop = self.I(",
                [
                    "ATR",
                    "self.data.High",
                    "self.data.Low",
                    "self.data.Close",
                    "timeperiod=self.atr_stop_period",
                    'name="atr_stop"',
                ],
                ")",
            ),
        ]
    if len(init) == 1:
        init.append(f"{_IND * 2}pass  # the rules use prices only")

    body = [
        f"{_IND}def next(self):",
        f"{_IND * 2}price = self.data.Close[-1]",
        f"{_IND * 2}self._manage_trades(price)",
    ]
    if _uses_atr(spec):
        emitter.oldest["self.atr_stop"] = max(emitter.oldest.get("self.atr_stop", 0), 2)
    if emitter.depth > 1:
        body += [
            f"{_IND * 2}# The rules look {emitter.depth - 1} bar(s) back; wait for that history.",
            f"{_IND * 2}if len(self.data) < {emitter.depth}:",
            f"{_IND * 3}return",
        ]
    if emitter.oldest:
        reads = [f"{base}[-{pos}]" for base, pos in emitter.oldest.items()]
        body += [
            f"{_IND * 2}# Warm-up guard: act only once the oldest indicator value read is set",
            *_call(f"{_IND * 2}if not _ready(", reads, "):"),
            f"{_IND * 3}return",
        ]
    if _pending_orders(spec):
        body += [
            f"{_IND * 2}# Flat and no entry order waiting: only then may a new entry be placed.",
            f"{_IND * 2}flat = not self.position and not any(",
            f"{_IND * 3}not order.is_contingent for order in self.orders",
            f"{_IND * 2})",
        ]
    else:
        body.append(f"{_IND * 2}flat = not self.position")
    body += rule_lines + _decision_lines(spec)

    methods = _DISTANCE if _uses_atr(spec) else _DISTANCE_PCT
    if spec.sizing.mode == "risk_percent":
        methods += _RISK_SIZE
    methods += _ANCHOR + _manage_source(spec)

    header = [
        f'"""{_docstring(spec.name)}: generated from strategy spec version {spec.version}.',
        "",
        f"Side: {spec.side}. Do not edit by hand; change the spec and compile again.",
        '"""',
        "",
        *imports,
    ]
    helper_text = "".join(
        "\n" + _HELPERS[h]
        for h in ("ready", "cross", "cross_down", "div", "minutes")
        if h in emitter.helpers
    )
    custom_text = "".join("\n\n" + source_of(c) for c in customs)
    cls = [
        "",
        "",
        f"class {name}(Strategy):",
        *_wrap_docstring(_docstring(doc), _IND),
        "",
        *_attributes(spec, infos),
        "",
        *init,
        *order_lines,
        methods.rstrip("\n"),
        "",
        *body,
    ]
    return "\n".join(header) + "\n" + helper_text + custom_text + "\n".join(cls) + "\n"


def _docstring(text: str) -> str:
    # Keep the text inside a plain triple-quoted string: escape backslashes and quotes.
    return " ".join(text.replace("\\", "\\\\").replace('"', '\\"').split())
