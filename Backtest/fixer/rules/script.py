"""Script code around the strategy class: backtest runs, plots, downloads, prints."""

from __future__ import annotations

import ast
import re

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import SourceEditor, parse_or_none
from Backtest.validation.rules import ALLOWED_MODULES

__all__: list[str] = []

_RUNNER_CALLS = frozenset(
    {"Backtest", "FractionalBacktest", "MultiBacktest", "download", "read_csv", "DataReader"}
    | {"run", "optimize", "plot", "show", "savefig", "get_data", "Ticker", "history"}
)


def _is_main_guard(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
    )


def _calls_runner(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in _RUNNER_CALLS or name == "print":
                return True
    return False


def _names_in(node: ast.AST, ctx: type) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


@rule("remove_script_code", always=True)
def remove_script_code(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Remove module-level script code: ``Backtest(...)``, ``bt.run()``, ``bt.plot()``, data
    downloads, ``print(stats)`` and ``if __name__ == "__main__":`` blocks.

    The platform creates and runs the backtest itself; a script tail downloads data, opens
    files or plots, which the sandbox forbids. Statements whose results the strategy class uses
    are kept. Imports of modules strategies may not use (yfinance, matplotlib...) are dropped
    once nothing refers to them any more.
    """
    tree = parse_or_none(code)
    if tree is None:
        return None
    removed: list[ast.stmt] = []
    keep_defs = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    for _ in range(5):  # to a fixpoint: removing a statement can orphan the next one
        kept = [n for n in tree.body if n not in removed]
        used_by_kept = set()
        for node in kept:
            if isinstance(node, ast.ClassDef | ast.FunctionDef) or node in keep_defs:
                used_by_kept |= _names_in(node, ast.Load)
        removed_names: set[str] = set()
        for node in removed:
            removed_names |= _names_in(node, ast.Store)
            if isinstance(node, ast.FunctionDef):
                removed_names.add(node.name)
        progress = False
        for node in kept:
            if _is_script_statement(node, used_by_kept, removed_names):
                removed.append(node)
                progress = True
        if not progress:
            break
    editor = SourceEditor(code)
    for node in removed:
        first = (
            node.decorator_list[0].lineno
            if isinstance(node, ast.FunctionDef) and node.decorator_list
            else node.lineno
        )
        editor.delete_lines(first, node.end_lineno or node.lineno)
    remaining_tree = parse_or_none(editor.apply()) if removed else tree
    if remaining_tree is None:
        return None
    loads = _names_in(remaining_tree, ast.Load) | {
        n.value.id
        for n in ast.walk(remaining_tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
    }
    dropped_imports = _unused_disallowed_imports(tree, loads)
    if not removed and not dropped_imports:
        return None
    for node in dropped_imports:
        editor.delete_lines(node.lineno, node.end_lineno or node.lineno)
    what = []
    if removed:
        what.append("the module-level script code (backtest run/plot/data loading)")
    if dropped_imports:
        modules = sorted({a.name for n in dropped_imports for a in getattr(n, "names", [])})
        what.append("unused imports of " + ", ".join(modules))
    return RuleEdit(_tidy_blank_lines(editor.apply()), "Removed " + " and ".join(what))


def _is_script_statement(node: ast.stmt, used_by_kept: set[str], removed_names: set[str]) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom | ast.ClassDef):
        return False
    if _is_main_guard(node):
        return True
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Call | ast.Await)
    if isinstance(node, ast.FunctionDef):
        return node.name not in used_by_kept and _calls_runner(node)
    stored = _names_in(node, ast.Store)
    if stored & used_by_kept:
        return False
    return _calls_runner(node) or bool(_names_in(node, ast.Load) & removed_names)


def _unused_disallowed_imports(tree: ast.Module, loads: set[str]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
            names = [a.asname or a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module] * len(node.names)
            names = [a.asname or a.name for a in node.names]
        else:
            continue
        disallowed = all(not _allowed(m) for m in modules)
        if disallowed and not (set(names) & loads):
            out.append(node)
    return out


def _allowed(module: str) -> bool:
    return module in ALLOWED_MODULES or module.split(".")[0] in {"backtesting", "Backtest"}


def _tidy_blank_lines(code: str) -> str:
    return re.sub(r"\n{4,}", "\n\n\n", code).rstrip() + "\n"
