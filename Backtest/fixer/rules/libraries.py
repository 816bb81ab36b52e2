"""Indicator libraries strategies cannot use, mapped onto the ones they can."""

from __future__ import annotations

import ast

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import CstEditor
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import SourceEditor, ensure_import, parse_or_none, self_attr_name

__all__ = ["PANDAS_TA"]

#: pandas_ta single-output function -> (Backtest.indicators name, keyword renames).
#: Positional arguments line up (inputs first, then the period), so only keywords change.
PANDAS_TA: dict[str, tuple[str, dict[str, str]]] = {
    name: (name.upper(), {"length": "timeperiod"})
    for name in ("rsi", "sma", "ema", "wma", "dema", "tema", "trima", "atr", "natr")
    + ("cci", "willr", "mfi", "mom", "roc", "cmo")
}
PANDAS_TA["obv"] = ("OBV", {})
#: pandas_ta keywords without a TA-Lib counterpart (plumbing such as ``offset``/``append``).
_DROPPED = frozenset({"offset", "append", "talib", "mamode", "drift", "scalar", "fillna"})
_SELF_I_OPTIONS = frozenset({"name", "plot", "overlay", "color", "scatter"})


@rule("pandas_ta_to_indicators", always=True)
def pandas_ta_to_indicators(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Replace pandas_ta single-output indicators (``ta.rsi(close, length=14)``,
    ``self.I(ta.ema, close, length=20)``) with ``Backtest.indicators`` (TA-Lib) equivalents.

    pandas_ta is not installed in the sandbox. Applied only when EVERY ``ta.`` use is one of the
    supported single-output functions; anything else (macd, bbands...) is left to the LLM.
    """
    tree = parse_or_none(code)
    if tree is None:
        return None
    aliases = {
        a.asname or a.name
        for n in tree.body
        if isinstance(n, ast.Import)
        for a in n.names
        if a.name == "pandas_ta"
    }
    if not aliases:
        return None
    uses = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases
    ]
    if not uses or any(u.attr not in PANDAS_TA for u in uses):
        return None
    used_names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & aliases
    if len(used_names) != len({u.value.id for u in uses}):  # type: ignore[attr-defined]
        return None
    editor = SourceEditor(code)
    calls = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    self_i = {
        id(n.args[0]): n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and self_attr_name(n.func) == "I"
        and n.args
    }
    added = set()
    for use in uses:
        target, renames = PANDAS_TA[use.attr]
        added.add(target)
        call = calls.get(id(use)) or self_i.get(id(use))
        if call is None:
            editor.replace(use, target)
            continue
        is_self_i = call is self_i.get(id(use))
        parts = [editor.segment(a) if a is not use else target for a in call.args]
        if not is_self_i:
            parts = [editor.segment(a) for a in call.args]
        for keyword in call.keywords:
            name = keyword.arg
            if name is None or (is_self_i and name in _SELF_I_OPTIONS):
                parts.append(editor.segment(keyword))
            elif name not in _DROPPED:
                parts.append(f"{renames.get(name, name)}={editor.segment(keyword.value)}")
        func = editor.segment(call.func) if is_self_i else target
        editor.replace(call, f"{func}({', '.join(parts)})")
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name == "pandas_ta" for a in node.names):
            editor.delete_lines(node.lineno, node.end_lineno or node.lineno)
    fixed = editor.apply()
    for name in sorted(added):
        fixed = ensure_import(fixed, f"from Backtest.indicators import {name}", name)
    return RuleEdit(
        fixed, "Replaced pandas_ta with Backtest.indicators (" + ", ".join(sorted(added)) + ")"
    )


@rule("pandas3_removals", always=True)
def pandas3_removals(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Replace pandas APIs removed by pandas 2/3: ``fillna(method='ffill')`` -> ``ffill()``,
    ``.iteritems()`` -> ``.items()``, ``pd.np.x`` -> ``np.x``."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    editor = CstEditor(code)
    needs_numpy = False
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "fillna"
            and not node.args
            and len(node.keywords) == 1
            and node.keywords[0].arg == "method"
            and isinstance(node.keywords[0].value, ast.Constant)
            and node.keywords[0].value.value in ("ffill", "pad", "bfill", "backfill")
        ):
            method = "ffill" if node.keywords[0].value.value in ("ffill", "pad") else "bfill"
            editor.replace(node, f"{editor.segment(node.func.value)}.{method}()")
        elif isinstance(node, ast.Attribute) and node.attr == "iteritems":
            editor.replace(node, f"{editor.segment(node.value)}.items")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "np"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in ("pd", "pandas")
        ):
            editor.replace(node, f"np.{node.attr}")
            needs_numpy = True
    if not editor.changed:
        return None
    fixed = editor.apply()
    if needs_numpy:
        fixed = ensure_import(fixed, "import numpy as np", "np")
    return RuleEdit(fixed, "Replaced pandas APIs removed in pandas 2/3 (fillna(method=), pd.np)")
