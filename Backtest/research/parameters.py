"""The tunable parameters of a strategy: its class attributes, found statically with ``ast``.

backtesting.py's ``bt.run(**params)`` and ``bt.optimize(**ranges)`` only accept names that are
class attributes of the strategy, so those are the parameters. They are read from the source
without running it (strategy code only ever runs in the sandbox): public assignments in the
strategy class body and in the in-module Strategy classes it derives from, the subclass first.
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass
from typing import Any

from Backtest.errors import StrategyError
from Backtest.fixer.source import STRATEGY_BASE_NAMES, find_strategy_class, parse_or_none

__all__ = ["Parameter", "StrategyParameters", "strategy_parameters"]

_TYPES = {bool: "bool", int: "int", float: "float", str: "str", type(None): "none"}


@dataclass(frozen=True)
class Parameter:
    """One class attribute: its value when it is a literal, else the expression's text.

    ``type`` is ``int``, ``float``, ``bool``, ``str``, ``none``, ``list`` or ``expression``
    (computed from something the source alone cannot evaluate); only a literal can be
    overridden safely by a value from the API.
    """

    name: str
    value: Any
    type: str
    line: int
    defined_in: str
    expression: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StrategyParameters:
    """The strategy class and its parameters, in source order (inherited ones last)."""

    strategy_class: str
    parameters: list[Parameter]

    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def by_name(self) -> dict[str, Parameter]:
        return {p.name: p for p in self.parameters}


def strategy_parameters(code: str) -> StrategyParameters:
    """Class attributes of the strategy defined by ``code``.

    Raises :class:`StrategyError` (``no_strategy_class``) when the code does not parse or
    defines no Strategy subclass: there is nothing to report parameters of.
    """
    tree = parse_or_none(code)
    if tree is None:
        raise StrategyError(
            "The strategy code does not parse, so its parameters cannot be read.",
            code="invalid_code",
        )
    cls = find_strategy_class(tree)
    by_name = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    if cls is None or not _is_strategy(cls, by_name):
        raise StrategyError(
            "The code defines no backtesting.py Strategy subclass.", code="no_strategy_class"
        )
    found: dict[str, Parameter] = {}
    chain, seen = [cls], set()
    while chain:  # the class first: its own value wins over an inherited one
        current = chain.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        for item in current.body:
            for parameter in _assignments(item, current.name, code):
                found.setdefault(parameter.name, parameter)
        chain += [
            by_name[b.id] for b in current.bases if isinstance(b, ast.Name) and b.id in by_name
        ]
    return StrategyParameters(strategy_class=cls.name, parameters=list(found.values()))


def _bases(cls: ast.ClassDef) -> list[str]:
    return [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases]


def _is_strategy(cls: ast.ClassDef, by_name: dict[str, ast.ClassDef]) -> bool:
    """``find_strategy_class`` falls back to any class; a parameter owner must be a Strategy."""
    chain, seen = [cls], set()
    while chain:
        current = chain.pop()
        if current.name in seen:
            continue
        seen.add(current.name)
        bases = _bases(current)
        if STRATEGY_BASE_NAMES.intersection(bases):
            return True
        chain += [by_name[b] for b in bases if b in by_name]
    return False


def _assignments(item: ast.stmt, owner: str, code: str) -> list[Parameter]:
    if isinstance(item, ast.Assign):
        targets, value = item.targets, item.value
    elif isinstance(item, ast.AnnAssign) and item.value is not None:
        targets, value = [item.target], item.value
    else:
        return []
    names = [t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_")]
    return [_parameter(name, value, item.lineno, owner, code) for name in names]


def _parameter(name: str, node: ast.expr, line: int, owner: str, code: str) -> Parameter:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        text = ast.get_source_segment(code, node) or ast.unparse(node)
        return Parameter(name, None, "expression", line, owner, expression=text[:200])
    if isinstance(value, list | tuple):
        if all(type(v) in _TYPES for v in value):
            return Parameter(name, list(value), "list", line, owner)
    elif type(value) in _TYPES:
        return Parameter(name, value, _TYPES[type(value)], line, owner)
    text = ast.get_source_segment(code, node) or ast.unparse(node)
    return Parameter(name, None, "expression", line, owner, expression=text[:200])
