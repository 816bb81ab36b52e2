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
from Backtest.fixer.source import (
    STRATEGY_BASE_NAMES,
    SourceEditor,
    find_strategy_class,
    parse_or_none,
)
from Backtest.research.errors import ResearchInputError

__all__ = [
    "ParameterValueError",
    "Parameter",
    "StrategyParameters",
    "strategy_parameters",
    "with_parameters",
]

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


class ParameterValueError(ResearchInputError):
    """Values to write into the code name unknown parameters or are not plain literals."""

    default_code = "invalid_parameters"

    def __init__(self, message: str, fields: dict[str, list[str]]) -> None:
        super().__init__(message, details={"fields": fields})


def strategy_parameters(code: str) -> StrategyParameters:
    """Class attributes of the strategy defined by ``code``.

    Raises :class:`StrategyError` (``no_strategy_class``) when the code does not parse or
    defines no Strategy subclass: there is nothing to report parameters of.
    """
    cls_name, found = _scan(code)
    return StrategyParameters(strategy_class=cls_name, parameters=[p for p, _ in found.values()])


def with_parameters(code: str, values: dict[str, Any]) -> str:
    """``code`` with the given class attributes set to ``values`` (literals), all else intact.

    Each value replaces the exact text of the attribute's current value where it is defined
    (the strategy class, or the in-module base class it inherits it from), so comments and
    formatting survive. Unknown names and values that are not JSON scalars are refused.
    """
    _, found = _scan(code)
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        if name not in found:
            known = ", ".join(found) or "none"
            problems[f"params.{name}"] = [f"{name} is not a class attribute (known: {known})."]
        elif not (value is None or isinstance(value, bool | int | float | str)):
            problems[f"params.{name}"] = ["Values must be numbers, booleans, strings or null."]
        elif found[name][1] is None:
            problems[f"params.{name}"] = [
                f"{name} shares its assignment with another name; edit the code instead."
            ]
    if problems:
        raise ParameterValueError("Cannot set these parameters.", problems)
    editor = SourceEditor(code)
    for name, value in values.items():
        node = found[name][1]
        assert node is not None
        editor.replace(node, repr(value))
    return editor.apply()


def _scan(code: str) -> tuple[str, dict[str, tuple[Parameter, ast.expr | None]]]:
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
    found: dict[str, tuple[Parameter, ast.expr | None]] = {}
    chain, seen = [cls], set()
    while chain:  # the class first: its own value wins over an inherited one
        current = chain.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        for item in current.body:
            for parameter, node in _assignments(item, current.name, code):
                found.setdefault(parameter.name, (parameter, node))
        chain += [
            by_name[b.id] for b in current.bases if isinstance(b, ast.Name) and b.id in by_name
        ]
    return cls.name, found


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


def _assignments(item: ast.stmt, owner: str, code: str) -> list[tuple[Parameter, ast.expr | None]]:
    """The public names an assignment binds; the value node only when it binds just one."""
    if isinstance(item, ast.Assign):
        targets, value = item.targets, item.value
    elif isinstance(item, ast.AnnAssign) and item.value is not None:
        targets, value = [item.target], item.value
    else:
        return []
    names = [t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_")]
    editable = value if len(targets) == 1 else None
    return [(_parameter(name, value, item.lineno, owner, code), editable) for name in names]


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
