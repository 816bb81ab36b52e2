"""Undefined names and attributes, found before any run (pyflakes-style scope analysis).

Names: pyflakes' own scope analysis (module, class, function and comprehension scopes,
builtins, ``del``, ``global``) reports every name read where nothing binds it.

Attributes: ``self.x`` read in the strategy's methods while nothing sets it: no
``self.x = ...`` in any method (``init()`` usually), no class attribute or method ``x``, no
literal ``setattr(self, "x", ...)``, and not one of backtesting.py's ``Strategy`` members. The
message names the closest attribute that does exist, since that is usually the typo.
"""

from __future__ import annotations

import ast
import difflib

from pyflakes import checker as flakes
from pyflakes import messages as flake_messages

from Backtest.validation.report import Finding, Severity
from Backtest.validation.rules import KNOWN_IMPORTS, STRATEGY_MEMBERS

__all__ = ["defined_attributes", "self_reads", "undefined_attributes", "undefined_names"]


def undefined_names(tree: ast.Module) -> list[Finding]:
    """Names read where nothing binds them (error ``undefined_name``)."""
    found = []
    for message in flakes.Checker(tree, filename="strategy.py").messages:
        if not isinstance(message, flake_messages.UndefinedName | flake_messages.UndefinedLocal):
            continue
        name = str(message.message_args[0])
        advice = KNOWN_IMPORTS.get(name)
        text = f"name {name!r} is not defined"
        if isinstance(message, flake_messages.UndefinedLocal):
            text = f"local variable {name!r} is read before it is assigned"
        elif advice:
            text += f": add `{advice}`"
        found.append(Finding(message.lineno, message.col + 1, "undefined_name", text))
    return found


def undefined_attributes(tree: ast.Module, strategy_class: str | None) -> list[Finding]:
    """``self.x`` read in the strategy class but never set (error ``undefined_attribute``).

    Classes derived from ``SignalStrategy``/``TrailingStrategy`` or from a class outside the
    module inherit members this check cannot see: they get warnings, not errors.
    """
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    cls = classes.get(strategy_class or "")
    if cls is None:
        return []
    chain = _in_module_chain(cls, classes)
    defined = set(STRATEGY_MEMBERS)
    for member in chain:
        defined |= defined_attributes(member)
    severity: Severity = "error" if _only_plain_bases(chain, classes) else "warning"
    findings = []
    seen: set[str] = set()
    for member in chain:
        for method in member.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(method):
                name = _self_read(node)
                if name is None or name in defined or name in seen:
                    continue
                seen.add(name)
                close = difflib.get_close_matches(name, sorted(defined - STRATEGY_MEMBERS), n=1)
                hint = f"; did you mean self.{close[0]}?" if close else ""
                set_by_init = sorted(_defined_in_method(member, "init"))
                where = (
                    f" (init() sets {', '.join('self.' + a for a in set_by_init)})"
                    if set_by_init
                    else ""
                )
                assert isinstance(node, ast.Attribute)
                column = (node.end_col_offset or 0) - len(name) + 1
                message = f"self.{name} is read in {method.name}() but never set{where}{hint}"
                findings.append(
                    Finding(node.lineno, column, "undefined_attribute", message, severity)
                )
    return findings


def self_reads(node: ast.AST) -> set[str]:
    """Every ``self.<name>`` read under ``node``."""
    return {name for n in ast.walk(node) if (name := _self_read(n)) is not None}


def _self_read(node: ast.AST) -> str | None:
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    ):
        return node.attr
    return None


def _in_module_chain(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    chain, todo = [], [cls]
    while todo:
        current = todo.pop(0)
        if current in chain:
            continue
        chain.append(current)
        todo += [
            classes[b.id] for b in current.bases if isinstance(b, ast.Name) and b.id in classes
        ]
    return chain


def _only_plain_bases(chain: list[ast.ClassDef], classes: dict[str, ast.ClassDef]) -> bool:
    for member in chain:
        for base in member.bases:
            name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            if name not in classes and name != "Strategy":
                return False
    return True


def defined_attributes(cls: ast.ClassDef) -> set[str]:
    """Names ``self.<name>`` can read because the class itself sets them: methods, class
    attributes, ``self.x = ...`` anywhere in it, literal ``setattr(self, "x", ...)``."""
    names: set[str] = set()
    for item in cls.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(item.name)
        elif isinstance(item, ast.Assign):
            names |= {n.id for t in item.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store | ast.Del)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            names.add(node.args[1].value)
    return names


def _defined_in_method(cls: ast.ClassDef, method: str) -> set[str]:
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == method:
            return {
                n.attr
                for n in ast.walk(item)
                if isinstance(n, ast.Attribute)
                and isinstance(n.ctx, ast.Store)
                and isinstance(n.value, ast.Name)
                and n.value.id == "self"
            }
    return set()
