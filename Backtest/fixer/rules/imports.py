"""Imports and module-level code: missing and hallucinated imports, scripts around the class."""

from __future__ import annotations

import ast
import builtins
import importlib
from functools import cache

import libcst as cst
import numpy

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import AstBridge, CstEditor, replace_nodes
from Backtest.fixer.hints import KNOWN_IMPORTS
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import SourceEditor, ensure_import, parse_or_none

__all__ = ["NUMPY_REMOVED", "NUMPY_RENAMED", "bound_names", "undefined_names"]

#: Names LLMs invent for "a crosses below b" / "a crosses above b".
CROSS_DOWN = frozenset({"crossunder", "cross_under", "crossdown", "cross_down", "crossbelow"})
CROSS_UP = frozenset({"crossabove", "cross_above", "crossup", "cross_up", "cross_over"})
PY2_BUILTINS = {"xrange": "range", "unicode": "str", "long": "int", "basestring": "str"}


def bound_names(tree: ast.Module) -> set[str]:
    """Every name the module binds anywhere (conservative: scopes are not distinguished)."""
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update(a.asname or a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound


def undefined_names(tree: ast.Module) -> dict[str, list[ast.Name]]:
    """Loaded names bound nowhere in the module, with their nodes."""
    bound = bound_names(tree)
    missing: dict[str, list[ast.Name]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
            missing.setdefault(node.id, []).append(node)
    return missing


#: The only modules whose names the fixer looks up (by importing them here, in the host
#: process): a module named by untrusted code is never imported, just treated as unknown.
_TRUSTED_MODULES = frozenset(
    {"backtesting", "backtesting.lib", "backtesting.test", "Backtest.indicators"}
)


@cache
def _module_exports(module: str) -> frozenset[str] | None:
    """Public names of a trusted library module, or None when it is not one of them."""
    if module not in _TRUSTED_MODULES:
        return None
    return frozenset(dir(importlib.import_module(module)))


@cache
def _indicator_names() -> frozenset[str]:
    import talib

    return frozenset(talib.get_functions())  # type: ignore[no-untyped-call]


# -- imports ---------------------------------------------------------------------------------
@rule("fix_cross_aliases", always=True)
def fix_cross_aliases(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Replace invented helpers such as ``crossunder(a, b)`` with ``crossover(b, a)``.

    backtesting.lib has ``crossover`` (and ``cross``) only; ``crossunder``/``crossabove`` and
    friends are imported from it by LLMs all the time and fail with ImportError.
    """
    tree = parse_or_none(code)
    if tree is None:
        return None
    user_defined = {
        n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    aliases = (CROSS_DOWN | CROSS_UP) - user_defined
    editor = SourceEditor(code)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and _call_name(node) in aliases
            and len(node.args) == 2
            and not node.keywords
        ):
            a, b = (editor.segment(arg) for arg in node.args)
            if _call_name(node) in CROSS_DOWN:
                a, b = b, a
            editor.replace(node, f"crossover({a}, {b})")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name in aliases for a in node.names):
            _drop_import_names(editor, node, {a.name for a in node.names if a.name in aliases})
    if not editor.changed:
        return None
    fixed = ensure_import(editor.apply(), "from backtesting.lib import crossover", "crossover")
    return RuleEdit(fixed, "Replaced crossunder-style helpers with crossover(b, a)")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _drop_import_names(editor: SourceEditor, node: ast.ImportFrom, names: set[str]) -> None:
    keep = [a for a in node.names if a.name not in names]
    if not keep:
        editor.delete_lines(node.lineno, node.end_lineno or node.lineno)
        return
    rendered = ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in keep)
    editor.replace(node, f"from {node.module} import {rendered}")


@rule("relocate_imports", always=True)
def relocate_imports(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Import indicators from where they exist: ``from backtesting.indicators import RSI``
    (no such module) or ``from backtesting.test import EMA`` become
    ``from Backtest.indicators import RSI``; ``from backtesting import crossover`` becomes
    ``from backtesting.lib import crossover``."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    editor = SourceEditor(code)
    additions: list[tuple[str, str]] = []
    moved: list[str] = []
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and node.module and not node.level):
            continue
        root = node.module.split(".")[0]
        if root not in {"backtesting", "Backtest"}:
            continue
        exports = _module_exports(node.module)
        wrong = {
            a.name
            for a in node.names
            if a.name != "*" and (exports is None or a.name not in exports)
        }
        wrong -= CROSS_DOWN | CROSS_UP  # handled by fix_cross_aliases
        relocatable = {name for name in wrong if _new_home(name)}
        if not relocatable:
            continue
        _drop_import_names(editor, node, relocatable)
        for alias in node.names:
            if alias.name in relocatable:
                home = _new_home(alias.name)
                statement = f"from {home} import {alias.name}"
                if alias.asname:
                    statement += f" as {alias.asname}"
                additions.append((statement, alias.asname or alias.name))
                moved.append(f"{alias.name} from {home}")
    if not additions:
        return None
    fixed = editor.apply()
    for statement, bound in additions:
        fixed = ensure_import(fixed, statement, bound)
    return RuleEdit(fixed, "Imported " + ", ".join(moved) + " (where it actually exists)")


def _new_home(name: str) -> str | None:
    lib = _module_exports("backtesting.lib") or frozenset()
    if (
        name
        in {"crossover", "cross", "barssince", "resample_apply", "SignalStrategy"}
        | {"TrailingStrategy"}
        and name in lib
    ):
        return "backtesting.lib"
    if name in {"Strategy", "Backtest"}:
        return "backtesting"
    if name in {"GOOG", "EURUSD", "BTCUSD"}:
        return "backtesting.test"
    if name.upper() == name and name in _indicator_names():
        return "Backtest.indicators"
    return None


@rule("add_missing_imports", always=True)
def add_missing_imports(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Add the import for well-known names used without one (``crossover``, ``np``, ``pd``,
    ``talib``, ``math``, ``Strategy``, ``SMA``/``RSI``... indicator helpers) and map Python 2
    builtins (``xrange`` -> ``range``)."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    missing = undefined_names(tree)
    fixed = code
    added = []
    editor = CstEditor(code)
    for name, nodes in missing.items():
        if name in PY2_BUILTINS:
            for node in nodes:
                editor.replace(node, PY2_BUILTINS[name])
    if editor.changed:
        fixed = editor.apply()
    for name in sorted(missing):
        statement = KNOWN_IMPORTS.get(name)
        if name == "ta" and _uses_upper_attrs(tree, "ta"):
            statement = "import talib as ta"
        if statement is None:
            continue
        new = ensure_import(fixed, statement, name)
        if new != fixed:
            fixed = new
            added.append(f"`{statement}`")
    if fixed == code:
        return None
    what = "Added missing import " + ", ".join(added) if added else "Replaced Python 2 builtins"
    return RuleEdit(fixed, what)


def _uses_upper_attrs(tree: ast.Module, name: str) -> bool:
    attrs = [
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == name
    ]
    return bool(attrs) and all(a.isupper() for a in attrs)


NUMPY_REMOVED = {
    "float": "float",
    "int": "int",
    "bool": "bool",
    "object": "object",
    "str": "str",
    "long": "int",
    "complex": "complex",
    "unicode": "str",
}
NUMPY_RENAMED = {
    "NaN": "nan",
    "NAN": "nan",
    "Inf": "inf",
    "Infinity": "inf",
    "PINF": "inf",
    "infty": "inf",
    "product": "prod",
    "cumproduct": "cumprod",
    "alltrue": "all",
    "sometrue": "any",
    "float_": "float64",
    "round_": "round",
}


@rule("numpy2_aliases", always=True)
def numpy2_aliases(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Replace aliases numpy 2 removed: ``np.float`` -> ``float``, ``np.NaN`` -> ``np.nan``..."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    numpy_names = {"numpy"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            numpy_names |= {a.asname or a.name for a in node.names if a.name == "numpy"}
    bridge = AstBridge(code)
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in numpy_names
            and not hasattr(numpy, node.attr)
        ):
            continue
        if node.attr in NUMPY_REMOVED:
            text = NUMPY_REMOVED[node.attr]
        elif node.attr in NUMPY_RENAMED:
            text = f"{node.value.id}.{NUMPY_RENAMED[node.attr]}"
        elif node.attr == "NINF":
            text = f"(-{node.value.id}.inf)"
        else:
            continue
        target = bridge.node(node, cst.Attribute)
        if target is not None:
            replacements[target] = cst.parse_expression(text)
    if not replacements:
        return None
    return RuleEdit(
        replace_nodes(bridge.module, replacements),
        "Replaced numpy aliases removed in numpy 2 (np.float -> float)",
    )
