"""Thresholds that can never trigger, edited with LibCST (a semantic change, always flagged).

An RSI runs from 0 to 100; ``rsi < 0.30`` is true only in a market that fell on every bar of
the window, so the strategy never trades. The author meant 30 (a percentage written as a
fraction). The rule multiplies such thresholds by 100, only after a run that traded nothing,
and says so: it changes the rule as written.
"""

from __future__ import annotations

import ast

import libcst as cst

from Backtest.fixer import talib_info
from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import number, parse_module, replace_nodes, walk
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import find_strategy_class, parse_or_none, self_attr_name

__all__ = ["PERCENT_OSCILLATORS"]

#: Indicators whose values are percentages (0..100, or -100..100 / -100..0).
PERCENT_OSCILLATORS = frozenset(
    {"RSI", "MFI", "STOCH", "STOCHF", "STOCHRSI", "ULTOSC", "ADX", "ADXR", "DX", "AROON"}
    | {"AROONOSC", "CMO", "WILLR"}
)


@rule("percent_thresholds", triggers=("no_trades",))
def percent_thresholds(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """When nothing traded: ``rsi < 0.3`` (or a class parameter ``oversold = 0.3`` compared
    with an RSI) -> ``30``; every percentage oscillator (RSI, Stochastic, MFI, Williams %R...)
    compared with a fraction of 1."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    cls = find_strategy_class(tree)
    if cls is None:
        return None
    oscillators = _oscillator_names(tree)
    if not oscillators:
        return None
    literals: set[tuple[int, int]] = set()  # (line, col) of literal thresholds
    params: set[str] = set()
    for node in ast.walk(cls):
        operands = _compared(node)
        if not operands or not any(_mentions(o, oscillators) for o in operands):
            continue
        for operand in operands:
            value = _literal(operand)
            if value is not None and 0 < abs(value) < 1:
                literals.add((operand.lineno, operand.col_offset))
            name = self_attr_name(operand)
            if name is not None:
                params.add(name)
    fractional_params = {
        t.id
        for item in cls.body
        if isinstance(item, ast.Assign)
        for t in item.targets
        if isinstance(t, ast.Name) and t.id in params and _is_fraction(item.value)
    }
    if not literals and not fractional_params:
        return None
    return _scale(code, literals, fractional_params)


def _scale(code: str, literals: set[tuple[int, int]], params: set[str]) -> RuleEdit | None:
    module = parse_module(code)
    tree = parse_or_none(code)
    if module is None or tree is None:
        return None
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(cst.metadata.PositionProvider)
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    changed: list[str] = []
    for node in walk(wrapper.module):
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name) and target.value in params:
                old = number(node.value)
                if old is not None:
                    replacements[node.value] = _percent(old)
                    changed.append(f"{target.value} {old:g} -> {old * 100:g}")
        elif isinstance(node, cst.Float | cst.UnaryOperation):
            start = positions[node].start
            value = number(node)
            if value is not None and (start.line, start.column) in literals:
                replacements[node] = _percent(value)
                changed.append(f"{value:g} -> {value * 100:g}")
    if not replacements:
        return None
    return RuleEdit(
        replace_nodes(wrapper.module, replacements),
        "Thresholds compared with a 0-100 oscillator were fractions and could never trigger: "
        + ", ".join(changed),
    )


def _percent(value: float) -> cst.BaseExpression:
    scaled = round(value * 100, 8)
    text = str(int(scaled)) if scaled.is_integer() else f"{scaled:g}"
    return cst.parse_expression(text)


def _oscillator_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            call = talib_info.indicator_call(node.value)
            if call is None or call[0] not in PERCENT_OSCILLATORS:
                continue
            for target in node.targets:
                elements = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
                names |= {n for e in elements if (n := talib_info.assigned_name(e))}
    return names


def _compared(node: ast.AST) -> list[ast.expr]:
    """Operands of a comparison or of a crossover()/cross() call."""
    if isinstance(node, ast.Compare):
        return [node.left, *node.comparators]
    if isinstance(node, ast.Call) and len(node.args) == 2:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in ("crossover", "cross"):
            return list(node.args)
    return []


def _mentions(node: ast.expr, names: set[str]) -> bool:
    return any(
        talib_info.assigned_name(n) in names
        for n in ast.walk(node)
        if isinstance(n, ast.Name | ast.Attribute)
    )


def _literal(node: ast.expr) -> float | None:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)  # type: ignore[arg-type]
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    ):
        return -float(node.operand.value)  # type: ignore[arg-type]
    return None


def _is_fraction(node: ast.expr) -> bool:
    value = _literal(node)
    return value is not None and 0 < abs(value) < 1
