"""What a strategy *means*, written out canonically, so two versions can be compared.

A strategy's meaning is its parameters and, per method, its statements: the rules (``if``
tests), the computations and the orders. Each is rendered as text in a canonical spelling in
which the mistakes the fixer repairs disappear: ``self.data.close`` and ``self.data.Close``,
``x.iloc[-1]`` and ``x[-1]``, ``x.shift(1)[-1]`` and ``x[-2]``, ``self.bb.lower`` and
``self.bb[2]``, ``crossunder(a, b)`` and ``crossover(b, a)``, ``self.position == None`` and
``not self.position``, ``qty=`` and ``size=``, ``self.I(f(x))`` and ``self.I(f, x)``,
``talib.RSI(close, 14)`` and ``RSI(close, timeperiod=14)``. Anything else that differs between
two versions (a number, an operator, an order argument, an indicator) is a change of meaning.

Module-level script code (``Backtest(...)``, ``bt.run()``, downloads), imports, ``print`` calls,
docstrings and ``super().__init__()`` carry no trading meaning and are not rendered.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field

from Backtest.fixer import talib_info
from Backtest.fixer.rules.arrays import COLUMN_NAMES, DATE_NAMES
from Backtest.fixer.rules.imports import (
    CROSS_DOWN,
    CROSS_UP,
    NUMPY_REMOVED,
    NUMPY_RENAMED,
    PY2_BUILTINS,
)
from Backtest.fixer.rules.orders import (
    DROPPED_KWARGS,
    ORDER_KWARGS,
    POSITION_ATTRS,
    POSITION_CLOSERS,
    STRATEGY_CLOSERS,
)
from Backtest.fixer.rules.runtime import TALIB_KEYWORD_ALIASES
from Backtest.fixer.source import STRATEGY_ATTRS
from Backtest.validation.rules import INIT_ALIASES, NEXT_ALIASES

__all__ = ["Element", "Meaning", "meaning_of"]

_ACCESSORS = frozenset({"iloc", "iat", "values", "array", "df", "s"})
_UNWRAP_METHODS = frozenset({"to_numpy", "astype", "copy", "flatten", "ravel"})
_UNWRAP_FUNCS = frozenset({"Series", "array", "asarray", "asanyarray"})
_SELF_I_OPTIONS = frozenset({"name", "plot", "overlay", "color", "scatter"})


@dataclass(frozen=True)
class Element:
    """One piece of meaning: where it is, what kind, and its canonical text."""

    scope: str  # "parameters" or the method / function name
    kind: str  # "parameter", "rule", "order", "computation", "warmup"
    text: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Comparison key (case-insensitive: ``RSI`` and ``rsi`` name the same function)."""
        return (self.scope, self.kind, self.text.lower())


@dataclass
class Meaning:
    """The canonical elements of one version plus what the comparison needs to know."""

    elements: list[Element] = field(default_factory=list)
    #: ``self.x`` attributes read but never set (typos an edit may resolve).
    undefined_attrs: set[str] = field(default_factory=set)
    #: Attributes the version defines (assigned, class attributes, methods).
    defined_attrs: set[str] = field(default_factory=set)

    def counts(self) -> Counter[tuple[str, str, str]]:
        """Multiset of element keys."""
        return Counter(e.key for e in self.elements)


def meaning_of(tree: ast.Module, renames: dict[str, str] | None = None) -> Meaning:
    """Render ``tree``'s meaning; ``renames`` maps undefined ``self`` attributes to others."""
    meaning = Meaning()
    multi = talib_info.multi_output_names(tree)
    renderer = _Renderer(multi, renames or {})
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            meaning.defined_attrs |= _defined_attrs(node)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    renderer.function(item, _method_scope(item.name), meaning.elements)
                elif isinstance(item, ast.Assign | ast.AnnAssign):
                    meaning.elements.extend(renderer.parameters(item))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            renderer.function(node, node.name, meaning.elements)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and _is_literal(node.value):
            meaning.elements.extend(renderer.parameters(node))
    read = {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and n.value.id == "self"
        and isinstance(n.ctx, ast.Load)
    }
    meaning.undefined_attrs = read - meaning.defined_attrs - STRATEGY_ATTRS - {"params", "p"}
    return meaning


def _method_scope(name: str) -> str:
    if name in NEXT_ALIASES:
        return "next"
    if name in INIT_ALIASES:
        return "init"
    return name


def _is_literal(node: ast.expr | None) -> bool:
    if node is None:
        return False
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _defined_attrs(cls: ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for item in cls.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.Assign):
            names |= {t.id for t in item.targets if isinstance(t, ast.Name)}
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.add(node.attr)
    return names


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _is_self_i(node: ast.Call) -> bool:
    return (
        isinstance(node.func, ast.Attribute) and node.func.attr == "I" and _is_self(node.func.value)
    )


def _is_position(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "position" and _is_self(node.value)


def _is_data(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "df":
        node = node.value
    return (isinstance(node, ast.Attribute) and node.attr == "data" and _is_self(node.value)) or (
        isinstance(node, ast.Name) and node.id == "data"
    )


def _number(value: float) -> str:
    text = format(float(value), ".12g")
    return text


class _Renderer:
    """Renders statements and expressions in the canonical spelling."""

    def __init__(self, multi: dict[str, str], renames: dict[str, str]) -> None:
        self.multi = multi
        self.renames = renames
        self.env: dict[str, str] = {}
        #: Locals of the current function assigned exactly once, with their value.
        self.locals: dict[str, ast.expr] = {}
        #: Inside an ``if``/``while`` test, where ``x < y`` on arrays means the latest values.
        self.in_test = False

    # -- statements ----------------------------------------------------------------------------
    def parameters(self, node: ast.Assign | ast.AnnAssign) -> list[Element]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        out = []
        for target in targets:
            pairs = _backtrader_params(target, node.value)
            if pairs is not None:
                out += [
                    Element("parameters", "parameter", f"{k} = {self.expr(v)}") for k, v in pairs
                ]
            elif isinstance(target, ast.Name) and node.value is not None:
                out.append(
                    Element("parameters", "parameter", f"{target.id} = {self.expr(node.value)}")
                )
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for name, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(name, ast.Name):
                        out.append(
                            Element("parameters", "parameter", f"{name.id} = {self.expr(value)}")
                        )
        return out

    def function(
        self, func: ast.FunctionDef | ast.AsyncFunctionDef, scope: str, out: list[Element]
    ) -> None:
        assigned = Counter(
            t.id
            for n in ast.walk(func)
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        )
        saved = self.locals
        self.locals = {
            t.id: n.value
            for n in ast.walk(func)
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name) and assigned[t.id] == 1
        }
        try:
            self.block(func.body, scope, out)
        finally:
            self.locals = saved

    def block(self, body: list[ast.stmt], scope: str, out: list[Element]) -> None:
        for stmt in body:
            self.statement(stmt, scope, out)

    def statement(self, stmt: ast.stmt, scope: str, out: list[Element]) -> None:
        if isinstance(stmt, ast.Pass | ast.Import | ast.ImportFrom | ast.Global | ast.Nonlocal):
            return
        if isinstance(stmt, ast.Expr) and _carries_no_meaning(stmt.value):
            return
        if isinstance(stmt, ast.If | ast.While):
            guard = _warmup_guard(stmt)
            if guard is not None:
                out.append(Element(scope, "warmup", self.expr(guard)))
                return
            keyword = "if" if isinstance(stmt, ast.If) or _watches_position(stmt) else "while"
            self.in_test = True
            try:
                test = self.expr(stmt.test)
            finally:
                self.in_test = False
            out.append(Element(scope, "rule", f"{keyword} {test}"))
            self.block(stmt.body, scope, out)
            if stmt.orelse:
                out.append(Element(scope, "rule", "else"))
                self.block(stmt.orelse, scope, out)
            return
        if isinstance(stmt, ast.For | ast.AsyncFor):
            out.append(
                Element(scope, "rule", f"for {self.expr(stmt.target)} in {self.expr(stmt.iter)}")
            )
            self.block(stmt.body, scope, out)
            self.block(stmt.orelse, scope, out)
            return
        if isinstance(stmt, ast.With | ast.AsyncWith):
            self.block(stmt.body, scope, out)
            return
        if isinstance(stmt, ast.Try):
            self.block(stmt.body, scope, out)
            for handler in stmt.handlers:
                self.block(handler.body, scope, out)
            self.block(stmt.orelse, scope, out)
            self.block(stmt.finalbody, scope, out)
            return
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(stmt, f"{scope}.{stmt.name}", out)
            return
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            unpacked = self.unpacking(stmt.targets[0], stmt.value)
            if unpacked is not None:
                out += [Element(scope, "computation", text) for text in unpacked]
                return
        text = self.simple(stmt)
        kind = "order" if _is_order_statement(stmt) else "computation"
        out.append(Element(scope, kind, text))

    def unpacking(self, target: ast.expr, value: ast.expr) -> list[str] | None:
        """``a, b, c = self.I(talib.BBANDS, ...)``: one binding per named output.

        A target that names an output (``lower``, ``signal``) is bound to that output whatever
        its position; ``_`` binds nothing. So ``upper, lower = BBANDS`` (which cannot run) and
        ``upper, _, lower = BBANDS`` mean the same.
        """
        call = talib_info.indicator_call(value)
        if not isinstance(target, ast.Tuple | ast.List) or call is None:
            return None
        name = call[0]
        if len(talib_info.outputs(name)) < 2:
            return None
        rendered = self.expr(value)
        out = []
        for position, element in enumerate(target.elts):
            label = talib_info.assigned_name(element)
            if label is None or label == "_":
                continue
            index = talib_info.output_index(name, label)
            out.append(f"{label} = {rendered}[{position if index is None else index}]")
        return out

    def simple(self, stmt: ast.stmt) -> str:
        if isinstance(stmt, ast.Assign):
            targets = " = ".join(self.expr(t) for t in stmt.targets)
            return f"{targets} = {self.expr(stmt.value)}"
        if isinstance(stmt, ast.AugAssign):
            op = _OPS.get(type(stmt.op), "?")
            return f"{self.expr(stmt.target)} {op}= {self.expr(stmt.value)}"
        if isinstance(stmt, ast.AnnAssign):
            value = f" = {self.expr(stmt.value)}" if stmt.value is not None else ""
            return f"{self.expr(stmt.target)}{value}"
        if isinstance(stmt, ast.Return):
            return "return" + (f" {self.expr(stmt.value)}" if stmt.value is not None else "")
        if isinstance(stmt, ast.Expr):
            return self.expr(stmt.value)
        return ast.unparse(stmt)

    # -- expressions ---------------------------------------------------------------------------
    def expr(self, node: ast.AST | None) -> str:
        if node is None:
            return ""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return _number(value)
            return repr(value)
        if isinstance(node, ast.Name):
            if node.id in self.env:
                return self.env[node.id]
            return PY2_BUILTINS.get(node.id, self.renames.get(node.id, node.id))
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BoolOp):
            joiner = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + joiner.join(self.expr(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return f"not {self.expr(node.operand)}"
            if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
                value = node.operand.value
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return _number(-value)
            return f"{_OPS.get(type(node.op), '?')}{self.expr(node.operand)}"
        if isinstance(node, ast.BinOp):
            op = _OPS.get(type(node.op), "?")
            return f"({self.expr(node.left)} {op} {self.expr(node.right)})"
        if isinstance(node, ast.IfExp):
            return (
                f"({self.expr(node.body)} if {self.expr(node.test)} else {self.expr(node.orelse)})"
            )
        if isinstance(node, ast.Slice):
            step = f":{self.expr(node.step)}" if node.step is not None else ""
            return f"{self.expr(node.lower)}:{self.expr(node.upper)}{step}"
        if isinstance(node, ast.Tuple | ast.List):
            return "(" + ", ".join(self.expr(e) for e in node.elts) + ")"
        if isinstance(node, ast.Lambda):
            params = ", ".join(a.arg for a in node.args.args)
            return f"lambda {params}: {self.expr(node.body)}"
        return ast.unparse(node)

    def attribute(self, node: ast.Attribute) -> str:
        value, attr = node.value, node.attr
        if _is_self(value):
            return self.renames.get(attr, attr)
        if _is_position(value):
            if attr in POSITION_ATTRS:
                replacement = ast.parse(POSITION_ATTRS[attr].format(p="self.position"), mode="eval")
                return self.expr(replacement.body)
            if attr in POSITION_CLOSERS:
                return "position.close"
        if attr in _ACCESSORS or (attr == "loc" and not _is_data(value)):
            return self.expr(value)
        if _is_data(value):
            column = COLUMN_NAMES.get(attr.replace("_", "").lower())
            if column:
                return f"data.{column}"
            if attr.replace("_", "").lower() in DATE_NAMES:
                return "data.index"
        if (
            isinstance(value, ast.Attribute)
            and value.attr in ("params", "p")
            and _is_self(value.value)
        ):
            return attr
        if isinstance(value, ast.Name) and value.id in ("np", "numpy"):
            if attr in NUMPY_REMOVED:
                return NUMPY_REMOVED[attr]
            if attr in NUMPY_RENAMED:
                return f"np.{NUMPY_RENAMED[attr]}"
        if isinstance(value, ast.Name) and value.id in ("pd", "pandas") and attr == "np":
            return "np"
        base = talib_info.assigned_name(value)
        if base is not None and base in self.multi:
            index = talib_info.output_index(self.multi[base], attr)
            if index is not None:
                return f"{self.expr(value)}[{index}]"
        return f"{self.expr(value)}.{attr}"

    def subscript(self, node: ast.Subscript) -> str:
        value, key = node.value, node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _is_data(value):
            return self.attribute(ast.Attribute(value=value, attr=key.value, ctx=ast.Load()))
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "shift"
            and len(value.args) == 1
            and isinstance(value.args[0], ast.Constant)
            and isinstance(value.args[0].value, int)
        ):
            index = _constant_int(key)
            if index is not None and index < 0:
                return f"{self.expr(value.func.value)}[{index - value.args[0].value}]"
        return f"{self.expr(value)}[{self.expr(key)}]"

    def call(self, node: ast.Call) -> str:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in _UNWRAP_METHODS:
                return self.expr(func.value)
            method = _fill_method(node)
            if method is not None:
                return f"{self.expr(func.value)}.{method}()"
            if func.attr in ("tail", "head") and len(node.args) == 1:
                count = self.expr(node.args[0])
                window = f"-{count}:" if func.attr == "tail" else f":{count}"
                return f"{self.expr(func.value)}[{window}]"
            if func.attr in _UNWRAP_FUNCS and len(node.args) == 1 and not node.keywords:
                return self.expr(node.args[0])
            if _is_self(func.value) and func.attr in ("buy", "sell"):
                return self.order(func.attr, node)
            if _is_self(func.value) and func.attr in STRATEGY_CLOSERS:
                return "position.close()"
        if isinstance(func, ast.Name) and func.id == "bool" and len(node.args) == 1:
            return self.expr(node.args[0])
        if _is_self_i(node) and node.args:
            return self.self_i(node)
        name = talib_info.indicator_name(func)
        if name is not None:
            return self.indicator(name, node.args, node.keywords)
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if callee in CROSS_DOWN | CROSS_UP | {"crossover"} and len(node.args) == 2:
            # crossover(a[-1], b) compares two numbers and is never true: it means the series.
            a, b = (self.expr(arg).removesuffix("[-1]") for arg in node.args)
            return f"crossover({b}, {a})" if callee in CROSS_DOWN else f"crossover({a}, {b})"
        args = [self.expr(a) for a in node.args]
        args += sorted(f"{k.arg}={self.expr(k.value)}" for k in node.keywords)
        return f"{self.expr(func)}({', '.join(args)})"

    def self_i(self, node: ast.Call) -> str:
        first, rest = node.args[0], node.args[1:]
        keywords = [k for k in node.keywords if k.arg not in _SELF_I_OPTIONS]
        if isinstance(first, ast.Lambda):
            params = [a.arg for a in first.args.args]
            saved = dict(self.env)
            self.env.update({p: self.expr(a) for p, a in zip(params, rest, strict=False)})
            try:
                return self.expr(first.body)
            finally:
                self.env = saved
        if isinstance(first, ast.Call) and not rest and not keywords:
            return self.expr(first)
        name = talib_info.indicator_name(first)
        if name is not None:
            return self.indicator(name, rest, keywords)
        args = [self.expr(a) for a in rest]
        args += sorted(f"{k.arg}={self.expr(k.value)}" for k in keywords)
        return f"{self.expr(first)}({', '.join(args)})"

    def indicator(self, name: str, args: list[ast.expr], keywords: list[ast.keyword]) -> str:
        """TA-Lib call with every argument bound to its TA-Lib name."""
        signature = talib_info.signature(name)
        assert signature is not None
        params, inputs = signature
        order = [*inputs, *params]
        bound: dict[str, str] = {}
        for index, arg in enumerate(args):
            key = order[index] if index < len(order) else f"arg{index}"
            bound[key] = self.expr(arg)
        for keyword in keywords:
            if keyword.arg is None:
                bound["**"] = self.expr(keyword.value)
                continue
            aliases = TALIB_KEYWORD_ALIASES.get(keyword.arg, (keyword.arg,))
            for alias in aliases if keyword.arg not in order else (keyword.arg,):
                bound[alias] = self.expr(keyword.value)
        parts = [f"{k}={bound[k]}" for k in order if k in bound]
        parts += [f"{k}={v}" for k, v in sorted(bound.items()) if k not in order]
        return f"{name}({', '.join(parts)})"

    def order(self, side: str, node: ast.Call) -> str:
        parts: dict[str, str] = {}
        if node.args:
            parts["size"] = self.expr(node.args[0])
        for keyword in node.keywords:
            if keyword.arg is None:
                parts["**"] = self.expr(keyword.value)
                continue
            name = ORDER_KWARGS.get(keyword.arg, keyword.arg)
            value = self.expr(keyword.value)
            if name in DROPPED_KWARGS and self.is_market(keyword.value):
                continue  # a market order at the current price is what buy() does anyway
            parts.setdefault(name, value)
        return f"{side}({', '.join(f'{k}={v}' for k, v in sorted(parts.items()))})"

    def is_market(self, node: ast.expr) -> bool:
        """The current close (directly or through a local) or a "market" order type."""
        if isinstance(node, ast.Name) and node.id in self.locals:
            node = self.locals[node.id]
        value = self.expr(node)
        return value == "data.Close[-1]" or "market" in value.lower()

    def operand(self, node: ast.expr) -> str:
        """A compared value; in a test, ``x[-1]`` and ``x`` both mean the latest value."""
        text = self.expr(node)
        return text[: -len("[-1]")] if self.in_test and text.endswith("[-1]") else text

    def compare(self, node: ast.Compare) -> str:
        pieces = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            pieces.append(self.comparison(left, op, right))
            left = right
        return " and ".join(pieces)

    def comparison(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        for subject, other, flipped in ((left, right, False), (right, left, True)):
            if (
                _is_position(subject)
                and isinstance(other, ast.Constant)
                and (other.value is None or other.value == 0)
            ):
                test = _position_test(op, flipped)
                if test is not None:
                    return test
        a, b = self.operand(left), self.operand(right)
        symbol = _OPS.get(type(op), "?")
        if symbol in (">", ">="):
            a, b, symbol = b, a, "<" if symbol == ">" else "<="
        elif symbol in ("==", "!=", "is", "is not"):
            a, b = sorted((a, b))
        return f"{a} {symbol} {b}"


def _fill_method(node: ast.Call) -> str | None:
    """``x.fillna(method="ffill")`` (removed in pandas 3) is ``x.ffill()``."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "fillna"
        and not node.args
        and len(node.keywords) == 1
        and node.keywords[0].arg == "method"
        and isinstance(node.keywords[0].value, ast.Constant)
    ):
        method = node.keywords[0].value.value
        return "ffill" if method in ("ffill", "pad") else "bfill" if method else None
    return None


def _position_test(op: ast.cmpop, flipped: bool) -> str | None:
    if isinstance(op, ast.Eq | ast.Is):
        return "not position"
    if isinstance(op, ast.NotEq | ast.IsNot):
        return "position"
    if isinstance(op, ast.Gt | ast.Lt):
        long = isinstance(op, ast.Gt) != flipped
        return "position.is_long" if long else "position.is_short"
    return None


def _constant_int(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -node.operand.value
    return None


def _carries_no_meaning(node: ast.expr) -> bool:
    """Docstrings, ``print(...)`` and ``super().__init__(...)`` place no order."""
    if isinstance(node, ast.Constant):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name) and func.id == "print":
        return True
    return isinstance(func, ast.Attribute) and func.attr == "__init__"


def _watches_position(stmt: ast.If | ast.While) -> bool:
    """``while self.position: ... close()`` never ends (orders fill after next()): an ``if``."""
    return any(
        isinstance(n, ast.Attribute) and n.attr in ("position", "trades", "orders")
        for n in ast.walk(stmt.test)
    ) and not any(isinstance(n, ast.Break | ast.Return) for n in ast.walk(stmt))


def _warmup_guard(stmt: ast.If | ast.While) -> ast.expr | None:
    """``if len(self.data) < N: return`` -> N (a guard that only skips bars lacking history)."""
    test = stmt.test
    if not (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and all(isinstance(s, ast.Return) and s.value is None for s in stmt.body)
        and isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Lt | ast.LtE)
        and isinstance(test.left, ast.Call)
        and isinstance(test.left.func, ast.Name)
        and test.left.func.id == "len"
        and len(test.left.args) == 1
    ):
        return None
    subject = test.left.args[0]
    while isinstance(subject, ast.Attribute) and subject.attr in ("Close", "Open", "High", "Low"):
        subject = subject.value
    return test.comparators[0] if _is_data(subject) else None


def _is_order_statement(stmt: ast.stmt) -> bool:
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("buy", "sell") and _is_self(node.func.value):
                return True
            if node.func.attr == "close" or node.func.attr in STRATEGY_CLOSERS:
                return True
    return False


def _backtrader_params(
    target: ast.expr, value: ast.expr | None
) -> list[tuple[str, ast.expr]] | None:
    """``params = (('fast', 10),)`` / ``params = dict(fast=10)`` -> [("fast", <10>)]."""
    if not (isinstance(target, ast.Name) and target.id in ("params", "p")) or value is None:
        return None
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
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
    ):
        pairs = [(k.arg, k.value) for k in value.keywords if k.arg is not None]
    else:
        return None
    return pairs


_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.USub: "-",
    ast.UAdd: "+",
    ast.Invert: "~",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
