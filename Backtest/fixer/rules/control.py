"""Control flow around orders: loops that never end, conditions that never hold, log spam."""

from __future__ import annotations

import ast

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import CstEditor
from Backtest.fixer.rules.arrays import iter_methods
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.rules.kinds import KindGuesser
from Backtest.fixer.rules.orders import _model
from Backtest.fixer.source import SourceEditor, ensure_import

__all__: list[str] = []


@rule("no_while_on_position", always=True)
def no_while_on_position(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``while self.position: self.position.close()`` -> ``if``: orders execute only after
    next() returns, so such a loop never ends (timeout)."""
    model = _model(code)
    if model is None:
        return None
    editor = SourceEditor(code)
    for method in model.methods.values():
        for node in ast.walk(method):
            if not isinstance(node, ast.While) or node.orelse:
                continue
            watches = any(
                isinstance(n, ast.Attribute)
                and n.attr in ("position", "trades", "orders")
                and isinstance(n.value, ast.Name)
                and n.value.id == "self"
                for n in ast.walk(node.test)
            )
            escapes = any(isinstance(n, ast.Break | ast.Return) for n in ast.walk(node))
            if watches and not escapes:
                editor.replace_between(
                    (node.lineno, node.col_offset), (node.lineno, node.col_offset + 5), "if"
                )
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Replaced a never-ending `while self.position` with `if`")


@rule("float_equality_to_cross", triggers=("no_trades",))
def float_equality_to_cross(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """When nothing trades: ``self.rsi[-1] == 30`` -> ``cross(self.rsi, 30)``.

    Float indicator values are essentially never exactly equal to a level; "reaches the level"
    is a cross in either direction, which is what ``backtesting.lib.cross`` tests.
    """
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method, kinds in iter_methods(model):
        if method.name != "next":
            continue
        for node in ast.walk(method):
            if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
                continue
            if not isinstance(node.ops[0], ast.Eq):
                continue
            sides = [node.left, node.comparators[0]]
            texts = [_cross_operand(side, kinds, editor) for side in sides]
            has_array = any(isinstance(s, ast.Subscript) for s in sides)
            if has_array and all(texts):
                editor.replace(node, f"cross({texts[0]}, {texts[1]})")
    if not editor.changed:
        return None
    fixed = ensure_import(editor.apply(), "from backtesting.lib import cross", "cross")
    return RuleEdit(fixed, "Replaced float equality with cross() (values never match exactly)")


def _cross_operand(side: ast.expr, kinds: KindGuesser, editor: CstEditor) -> str | None:
    """``x[-1]`` of an array -> ``x``; a number or a parameter stays; anything else: None."""
    if isinstance(side, ast.Subscript) and _is_last(side.slice) and kinds.is_array(side.value):
        return editor.segment(side.value)
    if isinstance(side, ast.Constant) and isinstance(side.value, int | float):
        return editor.segment(side)
    if isinstance(side, ast.Attribute) and kinds.kind(side) in ("scalar", "unknown"):
        return editor.segment(side)
    return None


def _is_last(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and node.operand.value == 1
    )


@rule("remove_prints", triggers=("output_limit",))
def remove_prints(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """After the output limit was hit: remove ``print()`` calls from the strategy's methods."""
    model = _model(code)
    if model is None:
        return None
    editor = SourceEditor(code)
    for method in model.methods.values():
        for node in ast.walk(method):
            body_lists = [
                getattr(node, name)
                for name in ("body", "orelse", "finalbody")
                if isinstance(getattr(node, name, None), list)
            ]
            for body in body_lists:
                prints = [s for s in body if _is_print(s)]
                for stmt in prints:
                    own_line = editor.line_text(stmt.lineno).strip().startswith("print")
                    if len(prints) < len(body) and own_line:
                        editor.delete_lines(stmt.lineno, stmt.end_lineno or stmt.lineno)
                    else:
                        editor.replace(stmt, "pass")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Removed print() calls from the strategy")


def _is_print(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id == "print"
    )
