"""Orders and positions: the backtesting.py trading API that LLMs misremember."""

from __future__ import annotations

import ast

import libcst as cst

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import AstBridge, CstEditor, replace_nodes
from Backtest.fixer.rules.arrays import parent_map
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import StrategyModel, parse_or_none

__all__ = ["ORDER_KWARGS", "POSITION_ATTRS", "VALID_ORDER_KWARGS"]

#: ``self.position.<wrong>`` -> replacement text (``{p}`` is the position expression).
POSITION_ATTRS = {
    "entry_price": "self.trades[-1].entry_price",
    "avg_price": "self.trades[-1].entry_price",
    "average_price": "self.trades[-1].entry_price",
    "avg_entry_price": "self.trades[-1].entry_price",
    "open_price": "self.trades[-1].entry_price",
    "price": "self.trades[-1].entry_price",
    "entry": "self.trades[-1].entry_price",
    "entry_time": "self.trades[-1].entry_time",
    "entry_bar": "self.trades[-1].entry_bar",
    "quantity": "{p}.size",
    "qty": "{p}.size",
    "units": "{p}.size",
    "amount": "{p}.size",
    "shares": "{p}.size",
    "pnl": "{p}.pl",
    "profit": "{p}.pl",
    "unrealized_pnl": "{p}.pl",
    "pnl_pct": "{p}.pl_pct",
    "profit_pct": "{p}.pl_pct",
    "long": "{p}.is_long",
    "is_buy": "{p}.is_long",
    "short": "{p}.is_short",
    "is_sell": "{p}.is_short",
    "is_open": "bool({p})",
    "active": "bool({p})",
}
POSITION_CLOSERS = frozenset({"exit", "close_all", "close_position", "liquidate", "exit_all"})
STRATEGY_CLOSERS = frozenset(
    {"close", "exit", "close_position", "exit_position", "liquidate", "close_all"}
    | {"close_trade", "exit_trade", "sell_all", "flatten"}
)
ORDER_KWARGS = {
    "qty": "size",
    "quantity": "size",
    "units": "size",
    "amount": "size",
    "shares": "size",
    "lots": "size",
    "volume": "size",
    "position_size": "size",
    "stop_loss": "sl",
    "stoploss": "sl",
    "sl_price": "sl",
    "stop_loss_price": "sl",
    "stop_price": "sl",
    "take_profit": "tp",
    "takeprofit": "tp",
    "tp_price": "tp",
    "take_profit_price": "tp",
    "target": "tp",
    "limit_price": "limit",
    "comment": "tag",
    "reason": "tag",
    "label": "tag",
}
#: Keywords with no backtesting.py equivalent that describe a plain market order.
DROPPED_KWARGS = frozenset({"price", "order_type", "type", "exectype", "symbol", "ticker"})
VALID_ORDER_KWARGS = frozenset({"size", "limit", "stop", "sl", "tp", "tag"})


def _model(code: str) -> StrategyModel | None:
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    return model if model.cls is not None else None


def _is_self_position(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "position"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _is_order_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("buy", "sell")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    )


@rule("position_api", always=True)
def position_api(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Map invented Position/Strategy members to backtesting.py's API.

    ``self.position.entry_price`` -> ``self.trades[-1].entry_price``, ``.qty`` -> ``.size``,
    ``.pnl`` -> ``.pl``; ``self.position.exit()`` and ``self.close()``/``self.exit()`` ->
    ``self.position.close()``.
    """
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method in model.methods.values():
        for node in ast.walk(method):
            if isinstance(node, ast.Attribute) and _is_self_position(node.value):
                if node.attr in POSITION_ATTRS:
                    editor.replace(node, POSITION_ATTRS[node.attr].format(p="self.position"))
                elif node.attr in POSITION_CLOSERS:
                    editor.replace(node, "self.position.close")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self"
                and node.func.attr in STRATEGY_CLOSERS
                and not model.is_known_self_attr(node.func.attr)
            ):
                editor.replace(node.func, "self.position.close")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Used backtesting.py's Position API (size, pl, close())")


@rule("position_truthiness", always=True)
def position_truthiness(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``self.position == 0`` / ``is None`` -> ``not self.position``; ``!= 0`` ->
    ``self.position``; ``> 0`` -> ``self.position.is_long``; ``< 0`` -> ``.is_short``.

    ``self.position`` is an object, never equal to 0 or None, so ``== 0`` is always False (the
    strategy never enters) and ``> 0`` raises TypeError.
    """
    model = _model(code)
    if model is None:
        return None
    bridge = AstBridge(code)
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    parents = parent_map(model.tree)
    for method in model.methods.values():
        for node in ast.walk(method):
            if not (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and _is_self_position(node.left)
                and isinstance(node.comparators[0], ast.Constant)
            ):
                continue
            target = bridge.node(node, cst.Comparison)
            if target is None:
                continue
            value, op = node.comparators[0].value, node.ops[0]
            replacement = None
            if value is None or value == 0:
                if isinstance(op, ast.Eq | ast.Is | ast.LtE):
                    replacement = "not self.position"
                elif isinstance(op, ast.NotEq | ast.IsNot):
                    replacement = "self.position"
                elif isinstance(op, ast.Gt):
                    replacement = "self.position.is_long"
                elif isinstance(op, ast.Lt):
                    replacement = "self.position.is_short"
                elif isinstance(op, ast.GtE):
                    replacement = "True"
            if replacement is None:
                continue
            if replacement.startswith("not ") and not isinstance(
                parents.get(node), ast.BoolOp | ast.If | ast.While | ast.IfExp | ast.Assign
            ):
                replacement = f"({replacement})"
            replacements[target] = cst.parse_expression(replacement)
    if not replacements:
        return None
    return RuleEdit(
        replace_nodes(bridge.module, replacements),
        "Tested the position by truthiness (not self.position)",
    )


@rule("order_arguments", always=True)
def order_arguments(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Use buy()/sell()'s real keywords: ``qty=``/``quantity=`` -> ``size=``, ``stop_loss=`` ->
    ``sl=``, ``take_profit=`` -> ``tp=``; a positional size becomes ``size=``; ``price=`` /
    ``order_type=`` (a market order is the default) are dropped; ``size=0`` is dropped."""
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method in model.methods.values():
        for node in ast.walk(method):
            if not _is_order_call(node):
                continue
            assert isinstance(node, ast.Call)
            parts: list[str] = []
            names: set[str] = set()
            changed = False
            for index, arg in enumerate(node.args):
                if index == 0 and not isinstance(arg, ast.Starred):
                    parts.append(f"size={editor.segment(arg)}")
                    names.add("size")
                    changed = True
                else:
                    parts.append(editor.segment(arg))
            for keyword in node.keywords:
                name = keyword.arg
                value = editor.segment(keyword.value)
                if name is None:
                    parts.append(editor.segment(keyword))
                    continue
                if name in DROPPED_KWARGS or (name == "size" and _is_zero(keyword.value)):
                    changed = True
                    continue
                new = ORDER_KWARGS.get(name, name)
                if new in names:
                    changed = True
                    continue
                changed = changed or new != name
                names.add(new)
                parts.append(f"{new}={value}")
            if changed:
                editor.replace(node, f"{editor.segment(node.func)}({', '.join(parts)})")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Used buy()/sell() keywords size/sl/tp/limit")


def _is_zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0


@rule("sell_closes_long", always=True)
def sell_closes_long(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """A bare ``self.sell()`` under an "is long" check of a long-only strategy ->
    ``self.position.close()``.

    In backtesting.py ``sell()`` does not just close a long: its default size reverses the
    position into a short. Applied only when the strategy never opens shorts elsewhere (every
    ``sell()`` is guarded by a long-position test and nothing mentions ``is_short``).
    """
    model = _model(code)
    if model is None:
        return None
    parents = parent_map(model.tree)
    sells = [
        n
        for m in model.methods.values()
        for n in ast.walk(m)
        if _is_order_call(n) and n.func.attr == "sell"  # type: ignore[attr-defined]
    ]
    if not sells or any(
        isinstance(n, ast.Attribute) and n.attr == "is_short" for n in ast.walk(model.tree)
    ):
        return None
    if not all(
        _guarded_by_long(s, parents) and isinstance(s, ast.Call) and not s.args and not s.keywords
        for s in sells
    ):
        return None
    editor = CstEditor(code)
    for call in sells:
        editor.replace(call, "self.position.close()")
    return RuleEdit(editor.apply(), "Closed the long position instead of selling short")


def _guarded_by_long(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    child, parent = node, parents.get(node)
    while parent is not None and not isinstance(parent, ast.FunctionDef):
        if isinstance(parent, ast.If) and child in parent.body and _tests_long(parent.test):
            return True
        child, parent = parent, parents.get(parent)
    return False


def _tests_long(test: ast.AST) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr == "is_long":
            return True
        if _is_self_position(node):
            # `if self.position:` / `self.position.size > 0` (but not `not self.position`)
            return not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not))
    return False
