"""Small predicates on ``ast`` nodes: what a piece of strategy code is (a position test, a
warm-up guard, an order, a backtrader ``params`` tuple...)."""

from __future__ import annotations

import ast

from Backtest.fixer.rules.orders import (
    STRATEGY_CLOSERS,
)
from Backtest.fixer.source import param_pairs


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _is_self_i(node: ast.Call) -> bool:
    return (
        isinstance(node.func, ast.Attribute) and node.func.attr == "I" and _is_self(node.func.value)
    )


def _is_position(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "position" and _is_self(node.value)


def _is_data(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "df":
        node = node.value
    return (isinstance(node, ast.Attribute) and node.attr == "data" and _is_self(node.value)) or (
        isinstance(node, ast.Name) and node.id == "data"
    )


def _number(value: float) -> str:
    text = format(float(value), ".12g")
    return text


def _fill_method(node: ast.Call) -> str | None:
    """``x.fillna(method="ffill")`` (removed in pandas 3) is ``x.ffill()``."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "fillna"
        and not node.args
        and len(node.keywords) == 1
        and node.keywords[0].arg == "method"
        and isinstance(node.keywords[0].value, ast.Constant)
    ):
        method = node.keywords[0].value.value
        return "ffill" if method in ("ffill", "pad") else "bfill" if method else None
    return None


def _position_test(op: ast.cmpop, flipped: bool) -> str | None:
    if isinstance(op, ast.Eq | ast.Is):
        return "not position"
    if isinstance(op, ast.NotEq | ast.IsNot):
        return "position"
    if isinstance(op, ast.Gt | ast.Lt):
        long = isinstance(op, ast.Gt) != flipped
        return "position.is_long" if long else "position.is_short"
    return None


def _constant_int(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -node.operand.value
    return None


def _carries_no_meaning(node: ast.expr) -> bool:
    """Docstrings, ``print(...)`` and ``super().__init__(...)`` place no order."""
    if isinstance(node, ast.Constant):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name) and func.id == "print":
        return True
    return isinstance(func, ast.Attribute) and func.attr == "__init__"


def _watches_position(stmt: ast.If | ast.While) -> bool:
    """``while self.position: ... close()`` never ends (orders fill after next()): an ``if``."""
    return any(
        isinstance(n, ast.Attribute) and n.attr in ("position", "trades", "orders")
        for n in ast.walk(stmt.test)
    ) and not any(isinstance(n, ast.Break | ast.Return) for n in ast.walk(stmt))


def _warmup_guard(stmt: ast.If | ast.While) -> ast.expr | None:
    """``if len(self.data) < N: return`` -> N (a guard that only skips bars lacking history)."""
    test = stmt.test
    if not (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and all(isinstance(s, ast.Return) and s.value is None for s in stmt.body)
        and isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Lt | ast.LtE)
        and isinstance(test.left, ast.Call)
        and isinstance(test.left.func, ast.Name)
        and test.left.func.id == "len"
        and len(test.left.args) == 1
    ):
        return None
    subject = test.left.args[0]
    while isinstance(subject, ast.Attribute) and subject.attr in ("Close", "Open", "High", "Low"):
        subject = subject.value
    return test.comparators[0] if _is_data(subject) else None


def _is_order_statement(stmt: ast.stmt) -> bool:
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("buy", "sell") and _is_self(node.func.value):
                return True
            if node.func.attr == "close" or node.func.attr in STRATEGY_CLOSERS:
                return True
    return False


def _backtrader_params(
    target: ast.expr, value: ast.expr | None
) -> list[tuple[str, ast.expr]] | None:
    """``params = (('fast', 10),)`` / ``params = dict(fast=10)`` -> [("fast", <10>)]."""
    if not (isinstance(target, ast.Name) and target.id in ("params", "p")) or value is None:
        return None
    return param_pairs(value)


_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.USub: "-",
    ast.UAdd: "+",
    ast.Invert: "~",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
