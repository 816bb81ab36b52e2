"""The Strategy class shape: ``init``/``next`` names and signatures, ``__init__``, ``self.``."""

from __future__ import annotations

import ast
import tokenize

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import CstEditor
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.rules.imports import bound_names
from Backtest.fixer.source import (
    SourceEditor,
    StrategyModel,
    param_pairs,
    parse_or_none,
    self_attr_name,
)
from Backtest.validation.rules import INIT_ALIASES, NEXT_ALIASES

__all__: list[str] = []

_DATA_PARAMS = frozenset({"data", "df", "ohlc", "ohlcv", "bars", "prices"})
_BAR_PARAMS = frozenset({"bar", "row", "candle", "tick", "current_bar", "current"})


def _model(code: str) -> StrategyModel | None:
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    return model if model.cls is not None else None


def _body_start(func: ast.FunctionDef) -> ast.stmt:
    """First statement after an optional docstring."""
    first = func.body[0]
    if (
        len(func.body) > 1
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return func.body[1]
    return first


def _is_super_init(stmt: ast.stmt) -> bool:
    """``super().__init__(...)`` or ``Strategy.__init__(self, ...)`` as a statement."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    return isinstance(func, ast.Attribute) and func.attr == "__init__"


@rule("strategy_callbacks", always=True)
def strategy_callbacks(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Use the callbacks backtesting.py calls: ``on_bar``/``on_data``/``run``... -> ``next``,
    ``initialize``/``setup`` -> ``init``; an ``__init__`` override becomes (or is merged into)
    ``init`` without its ``super().__init__`` call; an empty ``init`` is added if missing."""
    model = _model(code)
    if model is None:
        return None
    cls, methods = model.cls, model.methods
    assert cls is not None
    editor = SourceEditor(code)
    done: list[str] = []
    init_alias = next((methods[a] for a in INIT_ALIASES if a in methods and a != "__init__"), None)
    if "next" not in methods:
        alias = next((methods[a] for a in NEXT_ALIASES if a in methods), None)
        if alias is not None:
            _rename(editor, alias, "next")
            done.append(f"renamed {alias.name}() to next()")
    constructor = methods.get("__init__")
    if constructor is not None:
        body = [s for s in constructor.body if not _is_super_init(s)]
        text = _statements_text(editor, body, constructor)
        target = methods.get("init") or init_alias
        if target is None:
            indent = editor.indent_of(constructor.lineno)
            new = f"{indent}def init(self):\n{text or indent + '    pass'}\n"
            _replace_def(editor, constructor, new)
            done.append("turned __init__() into init() (backtesting.py constructs the strategy)")
        else:
            first = _body_start(target)
            editor.insert_line_before(first.lineno, text)
            _replace_def(editor, constructor, "")
            done.append("moved the __init__() body into init()")
            if target is init_alias:
                _rename(editor, target, "init")
                done.append(f"renamed {target.name}() to init()")
    elif "init" not in methods and init_alias is not None:
        _rename(editor, init_alias, "init")
        done.append(f"renamed {init_alias.name}() to init()")
    elif "init" not in methods and _plain_strategy(cls):
        anchor = methods.get("next") or next(iter(methods.values()), None)
        if anchor is not None:
            indent = editor.indent_of(anchor.lineno)
            first_line = anchor.decorator_list[0].lineno if anchor.decorator_list else anchor.lineno
            editor.insert_line_before(first_line, f"{indent}def init(self):\n{indent}    pass\n\n")
            done.append("added the missing init()")
    if not done:
        return None
    return RuleEdit(editor.apply(), "Strategy callbacks: " + "; ".join(done))


def _plain_strategy(cls: ast.ClassDef) -> bool:
    """Directly derived from ``Strategy`` (lib strategies and local bases define init)."""
    names = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases}
    return names == {"Strategy"}


def _rename(editor: SourceEditor, func: ast.FunctionDef, name: str) -> None:
    line = editor.line_text(func.lineno)
    col = line.index(func.name, line.index("def"))
    start = len(line[:col].encode("utf-8"))
    editor.replace_between(
        (func.lineno, start), (func.lineno, start + len(func.name.encode("utf-8"))), name
    )


def _statements_text(editor: SourceEditor, body: list[ast.stmt], func: ast.FunctionDef) -> str:
    if not body:
        return ""
    lines = editor.code.splitlines()
    first, last = body[0].lineno, body[-1].end_lineno or body[-1].lineno
    return "\n".join(lines[first - 1 : last])


def _replace_def(editor: SourceEditor, func: ast.FunctionDef, text: str) -> None:
    first = func.decorator_list[0].lineno if func.decorator_list else func.lineno
    last = func.end_lineno or func.lineno
    editor.delete_lines(first, last)
    if text:
        editor.insert_line_before(first, text)


@rule("callback_signatures", always=True)
def callback_signatures(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``def next(self, data)`` -> ``def next(self)``: backtesting.py passes no arguments.
    Uses of a ``data``/``df`` parameter become ``self.data``; ``bar['close']`` becomes the
    current bar's value ``self.data.Close[-1]``."""
    model = _model(code)
    if model is None:
        return None
    editor = SourceEditor(code)
    for name in ("init", "next"):
        func = model.methods.get(name)
        if func is None:
            continue
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        extra = positional[1:] + args.kwonlyargs
        if not extra and args.vararg is None and args.kwarg is None and positional:
            continue
        self_name = positional[0].arg if positional else "self"
        header = _header_span(editor, func)
        if header is None:
            continue
        indent = editor.indent_of(func.lineno)
        editor.replace_between(
            (func.lineno, len(indent.encode("utf-8"))), header, f"def {name}({self_name}):"
        )
        for param in extra:
            _replace_param_uses(editor, func, param.arg)
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Declared init(self)/next(self) without extra parameters")


def _header_span(editor: SourceEditor, func: ast.FunctionDef) -> tuple[int, int] | None:
    """(line, byte column) just after the ``:`` that closes the ``def`` header."""
    lines = editor.code.splitlines(keepends=True)[func.lineno - 1 :]
    depth = 0
    seen_paren = False
    try:
        for token in tokenize.generate_tokens(iter(lines).__next__):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
                seen_paren = True
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0 and seen_paren:
                row = func.lineno + token.end[0] - 1
                text = editor.line_text(row)
                return row, len(text[: token.end[1]].encode("utf-8"))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def _replace_param_uses(editor: SourceEditor, func: ast.FunctionDef, param: str) -> None:
    parents = {c: p for p in ast.walk(func) for c in ast.iter_child_nodes(p)}
    for node in ast.walk(func):
        if not (isinstance(node, ast.Name) and node.id == param and isinstance(node.ctx, ast.Load)):
            continue
        if param in _DATA_PARAMS:
            editor.replace(node, "self.data")
            continue
        parent = parents.get(node)
        column = None
        if isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant):
            column = str(parent.slice.value)
        elif isinstance(parent, ast.Attribute):
            column = parent.attr
        if column is not None and parent is not None:
            fixed = column[:1].upper() + column[1:].lower()
            editor.replace(parent, f"self.data.{fixed}[-1]")
        else:
            editor.replace(node, "self.data")


@rule("add_missing_self", always=True)
def add_missing_self(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Connect attributes and names that lost their ``self.``.

    ``sma_fast[-1]`` in next() where init() set ``self.sma_fast`` (or the class parameter
    ``n1``) becomes ``self.sma_fast``; ``sma_fast = self.I(...)`` in init() that next() reads as
    ``self.sma_fast`` becomes ``self.sma_fast = self.I(...)``.
    """
    model = _model(code)
    if model is None:
        return None
    cls = model.cls
    assert cls is not None
    bound_module = bound_names(model.tree) - _local_bindings_only(cls)
    editor = CstEditor(code)
    fixed_names: set[str] = set()
    known = model.self_attrs | set(model.class_constants)
    for method in model.methods.values():
        local = _bound_in(method)
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in known
                and node.id not in local
                and node.id not in bound_module
            ):
                editor.replace(node, f"self.{node.id}")
                fixed_names.add(node.id)
    # The other direction: locals of init() that other methods read through self.
    init = model.methods.get("init")
    if init is not None:
        init_locals = _assigned_names(init)
        read_as_attr = {
            name
            for method in model.methods.values()
            if method is not init
            for node in ast.walk(method)
            if (name := self_attr_name(node)) is not None
        }
        orphans = {
            name for name in read_as_attr & init_locals if not model.is_known_self_attr(name)
        }
        for node in ast.walk(init):
            if isinstance(node, ast.Name) and node.id in orphans:
                editor.replace(node, f"self.{node.id}")
                fixed_names.add(node.id)
    if not editor.changed:
        return None
    return RuleEdit(
        editor.apply(), "Added the missing `self.` to " + ", ".join(sorted(fixed_names))
    )


def _bound_in(func: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update(a.asname or a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.Lambda) and node is not func:
            names.update(a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _assigned_names(func: ast.FunctionDef) -> set[str]:
    return {
        n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _local_bindings_only(cls: ast.ClassDef) -> set[str]:
    """Names bound only inside the class (its methods' locals and class attributes)."""
    names: set[str] = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


@rule("backtrader_params", always=True)
def backtrader_params(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """backtrader-style parameters -> backtesting.py class attributes.

    ``params = (('fast', 10), ('slow', 30))`` or ``params = dict(fast=10)`` become
    ``fast = 10`` / ``slow = 30`` and ``self.params.fast`` / ``self.p.fast`` become
    ``self.fast``; backtesting.py has no ``params`` object (AttributeError).
    """
    model = _model(code)
    if model is None:
        return None
    cls = model.cls
    assert cls is not None
    editor = SourceEditor(code)
    found: dict[str, str] = {}
    for item in cls.body:
        if not (
            isinstance(item, ast.Assign)
            and len(item.targets) == 1
            and isinstance(item.targets[0], ast.Name)
            and item.targets[0].id in ("params", "p")
        ):
            continue
        pairs = _param_pairs(editor, item.value)
        if pairs is None:
            continue
        indent = editor.indent_of(item.lineno)
        lines = "\n".join(f"{indent}{name} = {value}" for name, value in pairs)
        editor.delete_lines(item.lineno, item.end_lineno or item.lineno)
        editor.insert_line_before(item.lineno, lines)
        found.update(pairs)
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in ("params", "p")
            and self_attr_name(node.value) is not None
            and (node.attr in found or node.attr in model.class_constants)
        ):
            editor.replace(node, f"self.{node.attr}")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Turned backtrader-style params into class attributes")


def _param_pairs(editor: SourceEditor, value: ast.expr) -> list[tuple[str, str]] | None:
    """``(('a', 1), ('b', 2))`` / ``{'a': 1}`` / ``dict(a=1)`` -> [("a", "1"), ("b", "2")]."""
    pairs = param_pairs(value)
    if pairs is None:
        return None
    return [(name, editor.segment(node)) for name, node in pairs]
