"""Span-based source editing on top of ``ast``, so rule fixes keep the author's formatting.

Rules find nodes with ``ast`` (safer than regex) and then replace only the exact text span of
those nodes; everything else — comments, blank lines, quoting style — stays byte-for-byte.
``ast`` column offsets count UTF-8 bytes, so edits are applied to the encoded source.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

__all__ = [
    "SourceEditor",
    "StrategyModel",
    "ensure_import",
    "find_strategy_class",
    "param_pairs",
    "parse_or_none",
    "self_attr_name",
]

STRATEGY_BASE_NAMES = frozenset({"Strategy", "SignalStrategy", "TrailingStrategy"})
#: Attributes every backtesting.py Strategy has; ``self.<these>`` are never user mistakes.
STRATEGY_ATTRS = frozenset(
    {"I", "buy", "sell", "data", "position", "trades", "closed_trades", "orders", "equity"}
    | {"init", "next", "_broker", "_data", "_params", "_indicators"}
    | {"set_trailing_sl", "set_atr_periods", "set_signal", "set_trailing_pct"}
)


def parse_or_none(code: str) -> ast.Module | None:
    """``ast.parse`` that returns None instead of raising on broken code."""
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class SourceEditor:
    """Collects span replacements on ``code`` and applies them in one go."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._bytes = code.encode("utf-8")
        self._line_starts = [0]
        for match in re.finditer(rb"\n", self._bytes):
            self._line_starts.append(match.end())
        self._edits: list[tuple[int, int, str]] = []

    # -- positions ---------------------------------------------------------------------------
    def offset(self, lineno: int, col: int) -> int:
        """Byte offset of a 1-based line and a 0-based byte column (ast's convention)."""
        return self._line_starts[lineno - 1] + col

    def line_text(self, lineno: int) -> str:
        """The text of a 1-based line, without its newline."""
        lines = self.code.splitlines()
        return lines[lineno - 1] if 0 < lineno <= len(lines) else ""

    def indent_of(self, lineno: int) -> str:
        """Leading whitespace of a line."""
        text = self.line_text(lineno)
        return text[: len(text) - len(text.lstrip())]

    def segment(self, node: ast.AST) -> str:
        """Exact source text of ``node``."""
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return self._bytes[start:end].decode("utf-8")

    # -- edits -------------------------------------------------------------------------------
    def replace(self, node: ast.AST, text: str) -> None:
        """Replace the exact span of ``node`` with ``text``."""
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        self._edits.append((start, end, text))

    def replace_between(self, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Replace from (line, col) to (line, col), ast-style coordinates."""
        self._edits.append((self.offset(*start), self.offset(*end), text))

    def insert_line_before(self, lineno: int, text: str) -> None:
        """Insert whole line(s) ``text`` (newline added if missing) before line ``lineno``."""
        if not text.endswith("\n"):
            text += "\n"
        if lineno > len(self._line_starts) or self._line_starts[lineno - 1] >= len(self._bytes):
            # Past the end: make sure the file ends with a newline first.
            prefix = "" if self._bytes.endswith(b"\n") or not self._bytes else "\n"
            self._edits.append((len(self._bytes), len(self._bytes), prefix + text))
            return
        at = self._line_starts[lineno - 1]
        self._edits.append((at, at, text))

    def delete_lines(self, first: int, last: int) -> None:
        """Delete whole lines ``first``..``last`` (1-based, inclusive)."""
        start = self._line_starts[first - 1]
        end = self._line_starts[last] if last < len(self._line_starts) else len(self._bytes)
        self._edits.append((start, end, ""))

    @property
    def changed(self) -> bool:
        """Whether any edit was recorded."""
        return bool(self._edits)

    def apply(self) -> str:
        """Return the edited source; an edit overlapping an earlier-applied one is skipped."""
        data = self._bytes
        applied_from = len(data) + 1
        for start, end, text in sorted(self._edits, key=lambda e: (e[0], e[1]), reverse=True):
            if end > applied_from:
                continue  # nested or overlapping edit: the rule runs again on the next pass
            data = data[:start] + text.encode("utf-8") + data[end:]
            applied_from = start
        return data.decode("utf-8")


def self_attr_name(node: ast.AST) -> str | None:
    """``self.x`` -> ``"x"``; anything else -> None."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    ):
        return node.attr
    return None


def param_pairs(value: ast.expr) -> list[tuple[str, ast.expr]] | None:
    """backtrader-style parameters: ``(('a', 1), ('b', 2))`` / ``{'a': 1}`` / ``dict(a=1)`` ->
    ``[("a", <1>), ("b", <2>)]``; None for any other shape."""
    pairs: list[tuple[str, ast.expr]] = []
    if isinstance(value, ast.Tuple | ast.List):
        for element in value.elts:
            if not (
                isinstance(element, ast.Tuple | ast.List)
                and len(element.elts) == 2
                and isinstance(element.elts[0], ast.Constant)
                and isinstance(element.elts[0].value, str)
            ):
                return None
            pairs.append((element.elts[0].value, element.elts[1]))
    elif isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            pairs.append((key.value, item))
    elif (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "dict"
        and not value.args
    ):
        for keyword in value.keywords:
            if keyword.arg is None:
                return None
            pairs.append((keyword.arg, keyword.value))
    else:
        return None
    if not all(name.isidentifier() for name, _ in pairs):
        return None
    return pairs


def find_strategy_class(tree: ast.Module) -> ast.ClassDef | None:
    """The class that subclasses a backtesting Strategy (the last one), else the last class."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    strategies = [c for c in classes if any(_base_name(b) in STRATEGY_BASE_NAMES for b in c.bases)]
    local_names = {c.name for c in strategies}
    # A subclass of an in-module strategy counts too (helper base classes).
    for cls in classes:
        if cls not in strategies and any(_base_name(b) in local_names for b in cls.bases):
            strategies.append(cls)
    if strategies:
        used_as_base = {_base_name(b) for c in strategies for b in c.bases}
        leaves = [c for c in strategies if c.name not in used_as_base]
        return (leaves or strategies)[-1]
    return classes[-1] if classes else None


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


@dataclass
class StrategyModel:
    """What the rules need to know about the strategy class, computed once per pass."""

    tree: ast.Module
    cls: ast.ClassDef | None
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)
    #: ``self.x`` names assigned anywhere in the class (stores).
    self_attrs: set[str] = field(default_factory=set)
    #: ``self.x`` names assigned from ``self.I(...)`` (numpy arrays aligned to the data).
    indicator_attrs: set[str] = field(default_factory=set)
    #: Class-level attributes with their constant values (parameters such as ``n1 = 10``).
    class_constants: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls, tree: ast.Module) -> StrategyModel:
        """Inspect ``tree``; works (with an empty model) when no class is found."""
        strategy = find_strategy_class(tree)
        model = cls(tree=tree, cls=strategy)
        if strategy is None:
            return model
        for item in strategy.body:
            if isinstance(item, ast.FunctionDef):
                model.methods.setdefault(item.name, item)
            elif isinstance(item, ast.Assign | ast.AnnAssign):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                for target in targets:
                    if isinstance(target, ast.Name) and item.value is not None:
                        try:
                            model.class_constants[target.id] = ast.literal_eval(item.value)
                        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                            model.class_constants[target.id] = None
        for node in ast.walk(strategy):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                is_indicator = _is_self_i_call(node.value)
                for target in targets:
                    for element in _flatten_targets(target):
                        name = self_attr_name(element)
                        if name:
                            model.self_attrs.add(name)
                            if is_indicator:
                                model.indicator_attrs.add(name)
        return model

    def is_known_self_attr(self, name: str) -> bool:
        """True for attributes the strategy defines or inherits from backtesting.Strategy."""
        return (
            name in self.self_attrs
            or name in self.class_constants
            or name in self.methods
            or name in STRATEGY_ATTRS
        )

    def constant(self, name: str) -> float | None:
        """Numeric value of a class parameter, or None."""
        value = self.class_constants.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)


def _flatten_targets(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        out: list[ast.expr] = []
        for element in target.elts:
            out.extend(_flatten_targets(element))
        return out
    if isinstance(target, ast.Starred):
        return _flatten_targets(target.value)
    return [target]


def _is_self_i_call(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and self_attr_name(node.func) == "I"
    )


def ensure_import(code: str, statement: str, bound_name: str) -> str:
    """Add ``statement`` (e.g. ``from backtesting.lib import crossover``) unless already bound.

    Placed after the last top-level import (or after a module docstring / ``__future__``
    import), so the file still reads top-down. When a ``from X import a`` line already exists,
    the name is appended to it instead of adding a second line.
    """
    tree = parse_or_none(code)
    if tree is None:
        return code
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom) and any(
            (a.asname or a.name.split(".")[0]) == bound_name for a in node.names
        ):
            return code
    match = re.match(r"from ([\w.]+) import (\w+)(?: as (\w+))?$", statement)
    editor = SourceEditor(code)
    if match:
        module, name, alias = match.groups()
        for node in tree.body:
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == module
                and node.level == 0
                and not any(a.name == "*" for a in node.names)
            ):
                addition = f"{name} as {alias}" if alias else name
                last = node.names[-1]  # aliases carry positions since Python 3.10
                end = (last.end_lineno, last.end_col_offset)
                editor.replace_between(end, end, f", {addition}")  # type: ignore[arg-type]
                return editor.apply()
    insert_at = 1
    for node in tree.body:
        is_docstring = (
            node is tree.body[0]
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if isinstance(node, ast.Import | ast.ImportFrom) or is_docstring:
            insert_at = node.end_lineno + 1  # type: ignore[operator]
        elif not isinstance(node, ast.Expr):
            break
    editor.insert_line_before(insert_at, statement)
    return editor.apply()
