"""LibCST helpers for rules that edit one broken expression and leave every other byte alone.

LibCST keeps whitespace, comments and quoting in its tree, so replacing a node and printing the
module changes the text of that node only. Rules find their targets in
:func:`parse_with_positions`' module (node identities matter: replacements are matched by
identity, so look nodes up in the same module you pass to :func:`replace_nodes`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

__all__ = [
    "AstBridge",
    "CstEditor",
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
    def __init__(
        self, replacements: Mapping[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel[cst.CSTNode]]
    ) -> None:
        super().__init__()
        self._by_id = {id(old): new for old, new in replacements.items()}

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.FlattenSentinel[cst.CSTNode]:
        return self._by_id.get(id(original_node), updated_node)


def replace_nodes(
    module: cst.Module,
    replacements: Mapping[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel[cst.CSTNode]],
) -> str:
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


class AstBridge:
    """The LibCST node that spans exactly the source of an ``ast`` node.

    Rules that find their target with ``ast`` (scopes, kinds, parents are easier there) edit it
    in LibCST: ``bridge.node(ast_node, cst.Comparison)``. ``ast`` columns count UTF-8 bytes,
    LibCST columns count characters; the bridge converts. A node LibCST spans differently
    (parenthesised expressions) is not found, and the rule leaves it alone.
    """

    def __init__(self, code: str) -> None:
        parsed = parse_with_positions(code)
        if parsed is None:
            raise ValueError("code that LibCST cannot parse")
        self.module, positions = parsed
        self._lines = code.splitlines()
        self._by_span: dict[tuple[int, int, int, int], list[cst.CSTNode]] = {}
        for node, where in positions.items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            self._by_span.setdefault(key, []).append(node)

    def node(
        self, target: ast.AST, kind: type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]
    ) -> cst.CSTNode | None:
        """The ``kind`` node with ``target``'s span, or None."""
        line, end_line = getattr(target, "lineno", None), getattr(target, "end_lineno", None)
        col, end_col = getattr(target, "col_offset", None), getattr(target, "end_col_offset", None)
        if line is None or end_line is None or col is None or end_col is None:
            return None
        key = (line, self._chars(line, col), end_line, self._chars(end_line, end_col))
        for node in self._by_span.get(key, []):
            if isinstance(node, kind):
                return node
        return None

    def _chars(self, line: int, byte_col: int) -> int:
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))


class CstEditor:
    """``SourceEditor``'s expression API (``replace``/``segment``/``changed``/``apply``) on LibCST.

    Rules keep finding their targets with ``ast``; each replaced node is looked up in LibCST by
    its span and swapped for the parsed replacement, so nothing else in the file changes.
    Overlapping edits follow ``SourceEditor``'s rule (the inner one wins, the outer one waits for
    the rule's next pass). If any target has no LibCST twin (a parenthesised span) or its new
    text does not parse in place, the whole edit falls back to span replacement, which also
    leaves every other byte alone.
    """

    def __init__(self, code: str) -> None:
        from Backtest.fixer.source import SourceEditor

        self.code = code
        self._spans = SourceEditor(code)
        self._edits: list[tuple[ast.AST, str]] = []

    def segment(self, node: ast.AST) -> str:
        """Exact source text of ``node``."""
        return self._spans.segment(node)

    def replace(self, node: ast.AST, text: str) -> None:
        """Replace ``node`` (an expression, or a call's keyword argument) with ``text``."""
        self._edits.append((node, text))
        self._spans.replace(node, text)

    @property
    def changed(self) -> bool:
        """Whether any edit was recorded."""
        return bool(self._edits)

    def apply(self) -> str:
        """The edited source (see the class docstring)."""
        try:
            bridge = AstBridge(self.code)
        except ValueError:
            return self._spans.apply()
        replacements: dict[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel[cst.CSTNode]] = {}
        for node, text in self._applicable():
            target = bridge.node(node, (cst.BaseExpression, cst.Arg))
            new = _parse_in_place(target, text) if target is not None else None
            if target is None or new is None:
                return self._spans.apply()
            replacements[target] = new
        return replace_nodes(bridge.module, replacements)

    def _applicable(self) -> list[tuple[ast.AST, str]]:
        """The edits ``SourceEditor.apply`` would make: no edit overlapping a later one."""
        spans = []
        for node, text in self._edits:
            start = self._spans.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
            end = self._spans.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
            spans.append((start, end, node, text))
        kept = []
        applied_from = len(self.code.encode("utf-8")) + 1
        for start, end, node, text in sorted(spans, key=lambda e: (e[0], e[1]), reverse=True):
            if end > applied_from:
                continue
            kept.append((node, text))
            applied_from = start
        return kept


def _parse_in_place(
    target: cst.CSTNode, text: str
) -> cst.CSTNode | cst.FlattenSentinel[cst.CSTNode] | None:
    try:
        if isinstance(target, cst.Arg):
            call = cst.parse_expression(f"_({text})")
            assert isinstance(call, cst.Call)
            args = list(call.args)
            if not args:
                return cst.RemovalSentinel.REMOVE  # type: ignore[return-value]
            args[-1] = args[-1].with_changes(
                comma=target.comma, whitespace_after_arg=target.whitespace_after_arg
            )
            return args[0] if len(args) == 1 else cst.FlattenSentinel(args)
        return cst.parse_expression(text)
    except (cst.ParserSyntaxError, AssertionError):
        return None
