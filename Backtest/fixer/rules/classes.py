"""The strategy class itself: a missing ``Strategy`` base, attributes read under a wrong name.

Both edits use LibCST and touch only the class header or the misspelled attribute.
"""

from __future__ import annotations

import ast
import difflib
import re

import libcst as cst

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import parse_module, replace_nodes, self_attr, walk
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import STRATEGY_ATTRS, ensure_import, find_strategy_class, parse_or_none
from Backtest.validation.names import defined_attributes, self_reads

__all__ = ["typo_target"]

_STRATEGY_BASES = frozenset({"Strategy", "SignalStrategy", "TrailingStrategy"})


@rule("strategy_base_class", always=True)
def strategy_base_class(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``class MyStrategy:`` (or ``(object)``) with ``init``/``next`` -> ``(Strategy)``.

    Only when no class of the module subclasses a backtesting strategy: the platform looks
    for a ``Strategy`` subclass and finds none.
    """
    tree = parse_or_none(code)
    if tree is None:
        return None
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    if any(_base_names(c) & _STRATEGY_BASES for c in classes):
        return None
    candidates = [
        c
        for c in classes
        if _base_names(c) <= {"object"}
        and {"init", "next"} & {f.name for f in c.body if isinstance(f, ast.FunctionDef)}
    ]
    if len(candidates) != 1:
        return None
    module = parse_module(code)
    if module is None:
        return None
    target = candidates[0].name
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    for node in module.body:
        if isinstance(node, cst.ClassDef) and node.name.value == target:
            replacements[node] = node.with_changes(
                bases=[cst.Arg(cst.Name("Strategy"))],
                lpar=cst.LeftParen(),
                rpar=cst.RightParen(),
            )
    fixed = ensure_import(
        replace_nodes(module, replacements), "from backtesting import Strategy", "Strategy"
    )
    return RuleEdit(fixed, f"Made {target} a subclass of backtesting's Strategy")


def _base_names(cls: ast.ClassDef) -> set[str]:
    names = set()
    for base in cls.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def typo_target(name: str, defined: set[str]) -> str | None:
    """The one defined attribute ``name`` is a misspelling of, or None.

    Same words in another order (``fast_ema`` / ``ema_fast``) or a close spelling
    (``sma_fst``) count; two equally good candidates mean it cannot be decided.
    """
    words = sorted(re.split(r"_+", name.lower()))
    exact = [d for d in defined if sorted(re.split(r"_+", d.lower())) == words]
    if exact:
        return exact[0] if len(exact) == 1 else None
    close = difflib.get_close_matches(name, sorted(defined), n=2, cutoff=0.8)
    if len(close) == 1:
        return close[0]
    return None


@rule("undefined_self_attribute", always=True)
def undefined_self_attribute(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``self.fast_ema`` read in the strategy but never set, while ``self.ema_fast`` is:
    read the attribute that exists (only when exactly one attribute is that close)."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    cls = find_strategy_class(tree)
    if cls is None:
        return None
    defined = defined_attributes(cls)
    read = self_reads(cls)
    renames = {}
    for name in sorted(read - defined - STRATEGY_ATTRS):
        target = typo_target(name, defined - STRATEGY_ATTRS)
        if target is not None:
            renames[name] = target
    if not renames:
        return None
    module = parse_module(code)
    if module is None:
        return None
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    for node in walk(module):
        attr = self_attr(node)
        if attr is not None and attr in renames and isinstance(node, cst.Attribute):
            replacements[node.attr] = node.attr.with_changes(value=renames[attr])
    described = ", ".join(f"self.{a} -> self.{b}" for a, b in renames.items())
    return RuleEdit(
        replace_nodes(module, replacements), f"Read the attributes that exist: {described}"
    )
