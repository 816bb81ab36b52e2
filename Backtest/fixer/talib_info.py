"""What TA-Lib says about its functions: inputs, parameters and (multi-)outputs.

Rules and the semantic-change classifier both need to know that ``BBANDS`` returns
``(upperband, middleband, lowerband)`` and that ``timeperiod`` is its first parameter; this module
asks TA-Lib's own abstract API once per name instead of keeping a table by hand.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import Any

from Backtest.fixer.source import self_attr_name

__all__ = [
    "assigned_name",
    "indicator_call",
    "indicator_name",
    "is_talib_function",
    "multi_output_names",
    "output_index",
    "outputs",
    "signature",
]


@cache
def signature(name: str) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    """(parameters with their defaults, input names) of a TA-Lib function, or None."""
    function = _function(name)
    if function is None:
        return None
    inputs: list[str] = []
    for value in function.input_names.values():
        inputs.extend(value if isinstance(value, list) else [value])
    return dict(function.parameters), tuple(inputs)


@cache
def outputs(name: str) -> tuple[str, ...]:
    """Output names of a TA-Lib function (``()`` when unknown)."""
    function = _function(name)
    return tuple(function.output_names) if function is not None else ()


def is_talib_function(name: str) -> bool:
    """Whether ``name`` is a TA-Lib function (by its upper-case name)."""
    return name.isupper() and _function(name) is not None


def output_index(function: str, label: str) -> int | None:
    """Which output of a multi-output ``function`` a variable or attribute ``label`` names.

    ``lower``/``bb_lower``/``lowerband`` -> 2 for BBANDS, ``signal``/``macd_signal`` -> 1 for
    MACD, ``k``/``slowk`` -> 0 for STOCH. None when the label names no output, or several.
    """
    names = outputs(function)
    if len(names) < 2:
        return None
    text = label.lower().strip("_")
    if text in names:
        return names.index(text)
    tokens = [t for t in re.split(r"[_\d]+", text) if t]
    found = set()
    for token in tokens:
        for index, name in enumerate(names):
            if token == name or (len(token) >= 3 and token in name) or name.endswith(token):
                found.add(index)
    if len(found) > 1:
        # "macd_signal": "macd" is in every MACD output, "signal" only in one; keep the
        # outputs that the most specific token (the one naming fewest outputs) picks.
        per_token = [
            {i for i, n in enumerate(names) if t == n or (len(t) >= 3 and t in n) or n.endswith(t)}
            for t in tokens
        ]
        per_token = [s for s in per_token if s]
        narrowest = min(per_token, key=len)
        found = narrowest if len(narrowest) == 1 else found
    return found.pop() if len(found) == 1 else None


@cache
def _function(name: str) -> Any:
    if not name or not name.isupper():
        return None
    try:
        from talib import abstract

        return abstract.Function(name)  # type: ignore[attr-defined]
    except Exception:  # unknown function name: TA-Lib raises a bare Exception
        return None


_INDICATOR_MODULES = frozenset({"talib", "ta", "pandas_ta", "indicators", "abstract"})


def indicator_name(func: ast.expr) -> str | None:
    """``talib.BBANDS`` / ``BBANDS`` / ``ta.bbands`` -> ``BBANDS`` when TA-Lib knows it."""
    if isinstance(func, ast.Attribute):
        root = func.value
        if not (isinstance(root, ast.Name) and root.id in _INDICATOR_MODULES) and not (
            isinstance(root, ast.Attribute) and root.attr in _INDICATOR_MODULES
        ):
            return None
        name = func.attr.upper()  # pandas_ta spells TA-Lib's functions in lower case
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        return None
    return name if is_talib_function(name) else None


def indicator_call(node: ast.expr) -> tuple[str, ast.Call] | None:
    """(TA-Lib name, call) for ``self.I(talib.X, ...)``, ``self.I(talib.X(...))``, ``X(...)``."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    is_self_i = (
        isinstance(func, ast.Attribute)
        and func.attr == "I"
        and isinstance(func.value, ast.Name)
        and func.value.id == "self"
    )
    if is_self_i and node.args:
        first = node.args[0]
        if isinstance(first, ast.Call) and len(node.args) == 1:
            return indicator_call(first)
        name = indicator_name(first)
        return (name, node) if name else None
    name = indicator_name(func)
    return (name, node) if name else None


def assigned_name(node: ast.expr) -> str | None:
    """``x`` -> ``"x"``, ``self.x`` -> ``"x"``; other targets -> None."""
    if isinstance(node, ast.Name):
        return node.id
    return self_attr_name(node)


def multi_output_names(tree: ast.Module) -> dict[str, str]:
    """Names assigned a multi-output indicator whole: ``self.bb = self.I(talib.BBANDS, ...)``."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        call = indicator_call(node.value)
        if call is None or len(outputs(call[0])) < 2:
            continue
        name = assigned_name(node.targets[0])
        if name is not None:
            found[name] = call[0]
    return found
