"""Statements and expressions in the canonical spelling (see :mod:`Backtest.fixer.meaning`)."""

from __future__ import annotations

import ast
from collections import Counter

from Backtest.fixer import talib_info
from Backtest.fixer.meaning.model import Element
from Backtest.fixer.meaning.shapes import (
    _OPS,
    _backtrader_params,
    _carries_no_meaning,
    _constant_int,
    _fill_method,
    _is_data,
    _is_order_statement,
    _is_position,
    _is_self,
    _is_self_i,
    _number,
    _position_test,
    _warmup_guard,
    _watches_position,
)
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

__all__ = ["Renderer"]

_ACCESSORS = frozenset({"iloc", "iat", "values", "array", "df", "s"})
_UNWRAP_METHODS = frozenset({"to_numpy", "astype", "copy", "flatten", "ravel"})
_UNWRAP_FUNCS = frozenset({"Series", "array", "asarray", "asanyarray"})
_SELF_I_OPTIONS = frozenset({"name", "plot", "overlay", "color", "scatter"})


class Renderer:
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
