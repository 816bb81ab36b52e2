"""Signals: how indicators are created (``self.I``) and compared (``crossover``, ``[-1]``)."""

from __future__ import annotations

import ast

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import CstEditor
from Backtest.fixer.rules.arrays import _is_negative_int, _model, iter_methods
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import self_attr_name

__all__: list[str] = []


@rule("self_i_takes_a_function", always=True)
def self_i_takes_a_function(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``self.I(talib.RSI(close, 14))`` -> ``self.I(talib.RSI, close, 14)``: ``self.I`` takes
    the function and its arguments, not the computed array (other expressions are wrapped in
    a lambda)."""
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and self_attr_name(node.func) == "I"
                and node.args
            ):
                continue
            first = node.args[0]
            if isinstance(first, ast.Lambda) or kinds.kind(first) not in ("array", "series"):
                continue  # a function (or something we cannot tell apart from one)
            rest = [editor.segment(a) for a in node.args[1:]]
            rest += [editor.segment(k) for k in node.keywords]
            if isinstance(first, ast.Call) and kinds.is_indicator_func(first.func) and not rest:
                inner = [editor.segment(a) for a in first.args]
                inner += [editor.segment(k) for k in first.keywords]
                editor.replace(node, f"self.I({', '.join([editor.segment(first.func), *inner])})")
            else:
                lam = f"lambda: {editor.segment(first)}"
                editor.replace(node, f"self.I({', '.join([lam, *rest])})")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Passed the indicator function (not its result) to self.I()")


@rule("crossover_takes_arrays", always=True)
def crossover_takes_arrays(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``crossover(self.sma[-1], self.ema[-1])`` -> ``crossover(self.sma, self.ema)``.

    With two scalars crossover compares each value with itself and is never true, so the
    strategy silently never trades.
    """
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if not (isinstance(node, ast.Call) and _func_name(node) in ("crossover", "cross")):
                continue
            for arg in node.args:
                if (
                    isinstance(arg, ast.Subscript)
                    and _is_minus_one(arg.slice)
                    and kinds.is_array(arg.value)
                ):
                    editor.replace(arg, editor.segment(arg.value))
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Passed whole arrays (not [-1] values) to crossover()")


def _func_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _is_minus_one(node: ast.AST) -> bool:
    return _is_negative_int(node) and node.operand.value == 1  # type: ignore[attr-defined]


@rule("compare_latest_values", triggers=("value_error",))
def compare_latest_values(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """After "truth value of an array is ambiguous": compare the latest values
    (``self.sma > self.close`` -> ``self.sma[-1] > self.close[-1]``) in conditions."""
    if "truth value" not in analysis.message:
        return None
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method, kinds in iter_methods(model):
        tests = [n.test for n in ast.walk(method) if isinstance(n, ast.If | ast.While | ast.IfExp)]
        for test in tests:
            for node in ast.walk(test):
                if not isinstance(node, ast.Compare):
                    continue
                for operand in [node.left, *node.comparators]:
                    if kinds.is_array(operand) and not isinstance(operand, ast.Subscript):
                        editor.replace(operand, f"{editor.segment(operand)}[-1]")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Compared the latest values ([-1]) instead of whole arrays")
