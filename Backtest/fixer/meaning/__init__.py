"""What a strategy *means*, written out canonically, so two versions can be compared.

A strategy's meaning is its parameters and, per method, its statements: the rules (``if``
tests), the computations and the orders. Each is rendered as text in a canonical spelling in
which the mistakes the fixer repairs disappear: ``self.data.close`` and ``self.data.Close``,
``x.iloc[-1]`` and ``x[-1]``, ``x.shift(1)[-1]`` and ``x[-2]``, ``self.bb.lower`` and
``self.bb[2]``, ``crossunder(a, b)`` and ``crossover(b, a)``, ``self.position == None`` and
``not self.position``, ``qty=`` and ``size=``, ``self.I(f(x))`` and ``self.I(f, x)``,
``talib.RSI(close, 14)`` and ``RSI(close, timeperiod=14)``. Anything else that differs between
two versions (a number, an operator, an order argument, an indicator) is a change of meaning.

Module-level script code (``Backtest(...)``, ``bt.run()``, downloads), imports, ``print`` calls,
docstrings and ``super().__init__()`` carry no trading meaning and are not rendered.
"""

from __future__ import annotations

import ast

from Backtest.fixer import talib_info
from Backtest.fixer.meaning.model import Element, Meaning
from Backtest.fixer.meaning.render import Renderer
from Backtest.fixer.source import STRATEGY_ATTRS
from Backtest.validation.names import defined_attributes
from Backtest.validation.rules import INIT_ALIASES, NEXT_ALIASES

__all__ = ["Element", "Meaning", "meaning_of"]


def meaning_of(tree: ast.Module, renames: dict[str, str] | None = None) -> Meaning:
    """Render ``tree``'s meaning; ``renames`` maps undefined ``self`` attributes to others."""
    meaning = Meaning()
    multi = talib_info.multi_output_names(tree)
    renderer = Renderer(multi, renames or {})
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            meaning.defined_attrs |= defined_attributes(node)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    renderer.function(item, _method_scope(item.name), meaning.elements)
                elif isinstance(item, ast.Assign | ast.AnnAssign):
                    meaning.elements.extend(renderer.parameters(item))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            renderer.function(node, node.name, meaning.elements)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and _is_literal(node.value):
            meaning.elements.extend(renderer.parameters(node))
    read = {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and n.value.id == "self"
        and isinstance(n.ctx, ast.Load)
    }
    meaning.undefined_attrs = read - meaning.defined_attrs - STRATEGY_ATTRS - {"params", "p"}
    return meaning


def _method_scope(name: str) -> str:
    if name in NEXT_ALIASES:
        return "next"
    if name in INIT_ALIASES:
        return "init"
    return name


def _is_literal(node: ast.expr | None) -> bool:
    if node is None:
        return False
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True
