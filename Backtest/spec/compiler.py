"""Compile a validated :class:`StrategySpec` into readable backtesting.py source code.

The output is deterministic (same spec, same text) and imports only backtesting,
backtesting.lib, math and ``Backtest.indicators``. Every indicator parameter and risk setting
becomes a class attribute so ``Backtest.optimize()`` can sweep it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

from Backtest.indicator_registry import IndicatorInfo
from Backtest.spec.models import (
    Condition,
    IndicatorSpec,
    RuleGroup,
    RuleNode,
    SeriesRef,
    StrategySpec,
    param_attribute,
)
from Backtest.spec.semantics import indicator_infos, resolve_reference, semantic_errors

_IND = "    "
_MAX_LINE = 100
_OP_WORDS = {"crosses_above": "crosses above", "crosses_below": "crosses below"}
_FULL_EQUITY = 0.9999  # backtesting.py reads size 1 as one unit, so "all equity" is just below 1

_HELPERS = '''

def _ready(*values):
    """True once every value is a real number: indicators start with NaN warm-up bars."""
    return not any(math.isnan(value) for value in values)


def _below(price, pct):
    """The price `pct` percent below `price`; None when the percentage is unset."""
    return None if pct is None else price * (1 - pct / 100)


def _above(price, pct):
    """The price `pct` percent above `price`; None when the percentage is unset."""
    return None if pct is None else price * (1 + pct / 100)
'''

_TRAILING = """\
        # Trailing stop: every bar, pull each open trade's stop to trailing_stop_pct from the
        # close; never loosen it, so a tighter fixed stop_loss_pct still wins.
        if self.trailing_stop_pct is not None:
            for trade in self.trades:
                if trade.is_long:
                    level = _below(price, self.trailing_stop_pct)
                    if trade.sl is None or level > trade.sl:
                        trade.sl = level
                else:
                    level = _above(price, self.trailing_stop_pct)
                    if trade.sl is None or level < trade.sl:
                        trade.sl = level
"""


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
    """Turns rule trees into Python expressions and collects what the warm-up guard must read."""

    def __init__(self, infos: Mapping[str, IndicatorInfo]) -> None:
        self.infos = infos
        self.guard: list[str] = []  # indicator values the rules read, in first-use order
        self.depth = 2  # bars of history the rules need (crossover always reads two)
        self.uses_crossover = False

    def _series(self, operand: str | SeriesRef) -> tuple[str, int]:
        if isinstance(operand, SeriesRef):
            text, bars_ago = operand.ref, operand.bars_ago
        else:
            text, bars_ago = operand, 0
        ref = resolve_reference(text, self.infos)
        if ref.price is not None:
            return f"self.data.{ref.price}", bars_ago
        index = "" if ref.output_index is None else f"[{ref.output_index}]"
        return f"self.{ref.indicator_id}{index}", bars_ago

    def _value(self, operand: object, extra: int = 0) -> str:
        """Expression for the operand's value ``extra`` bars before the one it names."""
        if not isinstance(operand, str | SeriesRef):
            return _literal(operand)  # type: ignore[arg-type]
        series, bars_ago = self._series(operand)
        position = bars_ago + extra + 1
        self.depth = max(self.depth, position)
        expr = f"{series}[-{position}]"
        if not series.startswith("self.data.") and expr not in self.guard:
            self.guard.append(expr)
        return expr

    def _cross_arg(self, operand: object) -> str:
        """crossover() reads [-2] and [-1]; slice off ``bars_ago`` bars to look further back."""
        if not isinstance(operand, str | SeriesRef):
            return _literal(operand)  # type: ignore[arg-type]
        self._value(operand)
        self._value(operand, extra=1)  # registers both bars with the warm-up guard
        series, bars_ago = self._series(operand)
        return f"{series}[:-{bars_ago}]" if bars_ago else series

    def condition(self, cond: Condition) -> str:
        """One condition as a boolean expression."""
        if cond.op in ("crosses_above", "crosses_below"):
            self.uses_crossover = True
            left, right = self._cross_arg(cond.left), self._cross_arg(cond.right)
            return (
                f"crossover({left}, {right})"
                if cond.op == "crosses_above"
                else f"crossover({right}, {left})"
            )
        return f"{self._value(cond.left)} {cond.op} {self._value(cond.right)}"

    def node(self, node: RuleNode, path: str, indent: str) -> list[str]:
        """Lines of a parenthesised expression for a group, or one line for a condition."""
        if not isinstance(node, RuleGroup):
            return [f"{indent}{self.condition(node)}"]
        joiner = "and" if node.logic == "all" else "or"
        lines: list[str] = []
        for index, child in enumerate(node.conditions):
            child_path = f"{path}.conditions.{index}"
            prefix = "" if index == 0 else f"{joiner} "
            lines.extend(_comment(indent, f"{child_path}: {describe(child)}"))
            if isinstance(child, RuleGroup):
                lines.append(f"{indent}{prefix}(")
                lines.extend(self.node(child, child_path, indent + _IND))
                lines.append(f"{indent})")
            else:
                lines.append(f"{indent}{prefix}{self.condition(child)}")
        return lines

    def rule(self, variable: str, node: RuleNode, path: str) -> list[str]:
        """``variable = <expression>`` with a comment naming the rule."""
        indent = _IND * 2
        header = _comment(indent, f"{path}: {describe(node)}")
        if not isinstance(node, RuleGroup):
            return [*header, f"{indent}{variable} = {self.condition(node)}"]
        expression = self.node(node, path, indent + _IND)
        return [*header, f"{indent}{variable} = (", *expression, f"{indent})"]


def _operand_text(operand: object) -> str:
    if isinstance(operand, SeriesRef):
        return (
            operand.ref if operand.bars_ago == 0 else f"{operand.ref} {operand.bars_ago} bar(s) ago"
        )
    return str(operand)


def describe(node: RuleNode) -> str:
    """Short English rendering of a rule node, used in generated comments."""
    if isinstance(node, RuleGroup):
        return f"{node.logic} of {len(node.conditions)}"
    op = _OP_WORDS.get(node.op, node.op)
    return f"{_operand_text(node.left)} {op} {_operand_text(node.right)}"


def _indicator_line(item: IndicatorSpec, info: IndicatorInfo, index: int) -> list[str]:
    fields = list(item.inputs or ([item.source] if item.source else info.inputs))
    args = [info.name, *(f"self.data.{field}" for field in fields)]
    args += [f"{p.name}=self.{param_attribute(item.id, p.name)}" for p in info.parameters]
    if len(info.outputs) > 1:
        args.append("name=[" + ", ".join(f'"{item.id}.{o}"' for o in info.outputs) + "]")
    else:
        args.append(f'name="{item.id}"')
    comment = f"indicators.{index} {item.id!r}: {info.display_name} on {', '.join(fields)}"
    if len(info.outputs) > 1:
        outputs = ", ".join(f"[{i}]={o}" for i, o in enumerate(info.outputs))
        comment += f"; outputs {outputs}"
    return [*_comment(_IND * 2, comment), *_call(f"{_IND * 2}self.{item.id} = self.I(", args, ")")]


def _order_methods(spec: StrategySpec) -> list[str]:
    lines: list[str] = []
    if spec.side in ("long", "both"):
        lines += [
            "",
            f"{_IND}def _enter_long(self, price):",
            f'{_IND * 2}"""Buy; stop and target are set from the signal bar\'s close."""',
            f"{_IND * 2}self.buy(",
            f"{_IND * 3}size=self.position_size,",
            f"{_IND * 3}sl=_below(price, self.stop_loss_pct),",
            f"{_IND * 3}tp=_above(price, self.take_profit_pct),",
            f"{_IND * 2})",
        ]
    if spec.side in ("short", "both"):
        lines += [
            "",
            f"{_IND}def _enter_short(self, price):",
            f'{_IND * 2}"""Sell short; stop and target are set from the signal bar\'s close."""',
            f"{_IND * 2}self.sell(",
            f"{_IND * 3}size=self.position_size,",
            f"{_IND * 3}sl=_above(price, self.stop_loss_pct),",
            f"{_IND * 3}tp=_below(price, self.take_profit_pct),",
            f"{_IND * 2})",
        ]
    return lines


def _decision_lines(spec: StrategySpec) -> list[str]:
    """Position logic; in "both" mode an opposite entry signal closes and reverses."""
    i2, i3, i4 = _IND * 2, _IND * 3, _IND * 4
    has_exit = spec.rules.exit is not None
    has_short_exit = spec.rules.short_exit is not None
    if spec.side == "long":
        lines = [
            f"{i2}if not self.position:",
            f"{i3}if long_entry:",
            f"{i4}self._enter_long(price)",
        ]
        if has_exit:
            lines += [f"{i2}elif long_exit:", f"{i3}self.position.close()"]
        return lines
    if spec.side == "short":
        lines = [
            f"{i2}if not self.position:",
            f"{i3}if short_entry:",
            f"{i4}self._enter_short(price)",
        ]
        if has_short_exit:
            lines += [f"{i2}elif short_exit:", f"{i3}self.position.close()"]
        return lines
    lines = [f"{i2}if self.position.is_long:"]
    lines += _reverse_lines("short_entry", "_enter_short", "long_exit" if has_exit else None)
    lines.append(f"{i2}elif self.position.is_short:")
    lines += _reverse_lines("long_entry", "_enter_long", "short_exit" if has_short_exit else None)
    return [
        *lines,
        f"{i2}elif long_entry:  # flat; if both entries fire on one bar, long wins",
        f"{i3}self._enter_long(price)",
        f"{i2}elif short_entry:",
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


def compile_spec(spec: StrategySpec, *, class_name: str | None = None) -> str:
    """Generate a module with one ``Strategy`` subclass implementing ``spec``."""
    errors = semantic_errors(spec)
    if errors:
        raise CompileError("; ".join(f"{e['field']}: {e['message']}" for e in errors))
    infos = indicator_infos(spec)
    helpers = sorted({info.name for info in infos.values()})
    taken = {*helpers, "Strategy", "None", "True", "False"}  # names the module already binds
    name = class_name or class_name_for(spec.name)
    if class_name is None and name in taken:
        name = f"{name}Strategy"  # a spec called "SMA" must not shadow the SMA helper
    if not name.isidentifier() or not name[0].isupper() or name in taken:
        raise CompileError(
            f"class name {name!r} must be a capitalised Python identifier not already used by "
            f"the generated module ({', '.join(sorted(taken))})"
        )
    emitter = _Emitter(infos)

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

    imports = ["import math", "", "from backtesting import Strategy"]
    if emitter.uses_crossover:
        imports.append("from backtesting.lib import crossover")
    if helpers:
        imports += ["", f"from Backtest.indicators import {', '.join(helpers)}"]

    doc = spec.description.strip() or spec.name
    size = _FULL_EQUITY if spec.position_size == 1 else spec.position_size
    size = int(size) if size > 1 else size
    attrs = [
        f"{_IND}# Indicator parameters: class attributes so Backtest.optimize() can sweep them."
    ]
    for item in spec.indicators:
        resolved = infos[item.id].resolve_params(item.params)
        attrs += [f"{_IND}{param_attribute(item.id, k)} = {v!r}" for k, v in resolved.items()]
    attrs += [
        f"{_IND}# Risk settings in percent of the signal bar's close; None switches one off.",
        f"{_IND}stop_loss_pct = {_literal(spec.stop_loss_pct)}",
        f"{_IND}take_profit_pct = {_literal(spec.take_profit_pct)}",
        f"{_IND}trailing_stop_pct = {_literal(spec.trailing_stop_pct)}",
        f"{_IND}# Order size: fraction of equity below 1, or whole units (backtesting.py's rule)",
        f"{_IND}position_size = {size!r}",
    ]

    init = [f"{_IND}def init(self):"]
    for index, item in enumerate(spec.indicators):
        init += _indicator_line(item, infos[item.id], index)
    if not spec.indicators:
        init.append(f"{_IND * 2}pass  # the rules use prices only")

    body = [f"{_IND}def next(self):", f"{_IND * 2}price = self.data.Close[-1]", _TRAILING.rstrip()]
    if emitter.depth > 2:
        body += [
            f"{_IND * 2}# The rules look {emitter.depth - 1} bars back; wait for that history.",
            f"{_IND * 2}if len(self.data) < {emitter.depth}:",
            f"{_IND * 3}return",
        ]
    if emitter.guard:
        body += [
            f"{_IND * 2}# Warm-up guard: act only once every indicator value the rules read is set",
            *_call(f"{_IND * 2}if not _ready(", emitter.guard, "):"),
            f"{_IND * 3}return",
        ]
    body += rule_lines + _decision_lines(spec)

    header = [
        f'"""{_docstring(spec.name)}: generated from strategy spec version {spec.version}.',
        "",
        f"Side: {spec.side}. Do not edit by hand; change the spec and compile again.",
        '"""',
        "",
        *imports,
    ]
    cls = [
        "",
        "",
        f"class {name}(Strategy):",
        *_wrap_docstring(_docstring(doc), _IND),
        "",
        *attrs,
        "",
        *init,
        *_order_methods(spec),
        "",
        *body,
    ]
    return "\n".join(header) + "\n" + _HELPERS + "\n".join(cls) + "\n"


def _docstring(text: str) -> str:
    # Keep the text inside a plain triple-quoted string: escape backslashes and quotes.
    escaped = " ".join(text.replace("\\", "\\\\").replace('"', '\\"').split())
    return escaped
