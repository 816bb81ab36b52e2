"""LibCST helpers for rules that edit one broken expression and leave every other byte alone.

LibCST keeps whitespace, comments and quoting in its tree, so replacing a node and printing the
module changes the text of that node only. Rules find their targets in
:func:`parse_with_positions`' module (node identities matter: replacements are matched by
identity, so look nodes up in the same module you pass to :func:`replace_nodes`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

__all__ = [
    "Positions",
    "calls",
    "code_of",
    "number",
    "parse_module",
    "parse_with_positions",
    "replace_nodes",
    "self_attr",
    "walk",
]

Positions = Mapping[cst.CSTNode, CodeRange]


def parse_module(code: str) -> cst.Module | None:
    """The module's concrete syntax tree, or None when LibCST cannot parse it."""
    try:
        return cst.parse_module(code)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None


def parse_with_positions(code: str) -> tuple[cst.Module, Positions] | None:
    """(module, node -> line/column range) for line-targeted rules."""
    module = parse_module(code)
    if module is None:
        return None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper.module, wrapper.resolve(PositionProvider)


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self._by_id = {id(old): new for old, new in replacements.items()}

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        return self._by_id.get(id(original_node), updated_node)


def replace_nodes(module: cst.Module, replacements: Mapping[cst.CSTNode, cst.CSTNode]) -> str:
    """The module's code with each node (by identity) replaced; nothing else changes."""
    if not replacements:
        return module.code
    return module.visit(_Replace(replacements)).code


def code_of(module: cst.Module, node: cst.CSTNode) -> str:
    """Source text of ``node`` as it would print in ``module``."""
    return module.code_for_node(node)


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (itself included), depth first, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Every call under ``node``."""
    return (n for n in walk(node) if isinstance(n, cst.Call))


def self_attr(node: cst.CSTNode) -> str | None:
    """``self.x`` -> ``"x"``; anything else -> None."""
    if (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
    ):
        return node.attr.value
    return None


def number(node: cst.CSTNode) -> float | None:
    """Value of a numeric literal (``2``, ``1.5``, ``-3``), else None."""
    if isinstance(node, cst.Integer | cst.Float):
        return float(node.evaluated_value)
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer | cst.Float)
    ):
        return -float(node.expression.evaluated_value)
    return None
