"""A small, conservative guess of what an expression holds inside a Strategy method.

backtesting.py hands strategies numpy arrays (``self.data.Close``, ``self.I(...)`` results)
that are sliced bar by bar, while LLMs write them as if they were pandas Series. The rules need
to know which expressions are such arrays; anything unsure is ``"unknown"`` and left alone.
"""

from __future__ import annotations

import ast
from typing import Literal

from Backtest.fixer.source import StrategyModel, self_attr_name

__all__ = ["DATA_COLUMNS", "PANDAS_METHODS", "Kind", "KindGuesser"]

Kind = Literal["array", "series", "indicator", "scalar", "data", "window", "unknown"]

DATA_COLUMNS = frozenset({"Open", "High", "Low", "Close", "Volume"})
#: Methods that exist on pandas Series but not on numpy arrays (``mean``/``max`` exist on both).
PANDAS_METHODS = frozenset(
    {"rolling", "ewm", "expanding", "shift", "pct_change", "diff", "fillna", "dropna", "rank"}
    | {"cummax", "cummin", "bfill", "ffill", "apply", "abs", "replace", "where", "mask"}
    | {"tail", "head", "isna", "notna", "isnull", "notnull", "idxmax", "idxmin", "nlargest"}
    | {"nsmallest", "between", "interpolate", "resample"}
)
REDUCTIONS = frozenset(
    {"mean", "std", "var", "max", "min", "sum", "median", "item", "prod", "count", "last"}
    | {"first", "quantile", "argmax", "argmin", "any", "all", "nunique", "sem", "skew"}
)
_ARRAY_MODULE_FUNCS = frozenset(
    {"where", "array", "asarray", "log", "exp", "diff", "abs", "sqrt", "maximum", "minimum"}
    | {"cumsum", "cumprod", "sign", "clip", "nan_to_num", "roll", "full_like", "zeros_like"}
    | {"ones_like", "log1p", "gradient", "convolve", "select", "isnan", "concatenate"}
)
#: pandas methods returning a window object whose reductions are series (``rolling(20).mean()``).
WINDOW_METHODS = frozenset({"rolling", "ewm", "expanding", "resample", "groupby"})
_SCALAR_BUILTINS = frozenset({"float", "int", "len", "round", "bool", "abs", "str", "max", "min"})
_INDICATOR_MODULES = ("talib", "Backtest.indicators", "backtesting.test", "talib.abstract")


class KindGuesser:
    """Guesses expression kinds inside one function of the strategy class."""

    def __init__(self, model: StrategyModel, func: ast.FunctionDef | None = None) -> None:
        self.model = model
        self.locals: dict[str, Kind] = {}
        self.data_aliases: set[str] = set()  # names bound to self.data
        self.df_aliases: set[str] = set()  # names bound to self.data.df
        self.indicator_funcs, self.module_aliases = _imported_callables(model.tree)
        self.module_funcs = {
            n.name for n in model.tree.body if isinstance(n, ast.FunctionDef | ast.Lambda)
        }
        if func is not None:
            self.scan(func)

    def scan(self, func: ast.FunctionDef) -> None:
        """Record local variables' kinds in statement order (a single forward pass)."""
        for node in ast.walk(func):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            for target, value in _pairs(node.targets[0], node.value):
                if _is_self_data(value):
                    self.data_aliases.add(target.id)
                elif (
                    isinstance(value, ast.Attribute)
                    and value.attr == "df"
                    and _is_self_data(value.value)
                ):
                    self.df_aliases.add(target.id)
                else:
                    self.locals[target.id] = self.kind(value)

    def mark_arrays(self, names: list[str]) -> None:
        """Declare parameters that receive arrays (indicator functions passed to self.I)."""
        for name in names:
            self.locals[name] = "array"

    # -- predicates ----------------------------------------------------------------------------
    def is_data(self, node: ast.AST) -> bool:
        """``self.data``, ``self.data.df`` or a local alias of them."""
        if _is_self_data(node):
            return True
        if isinstance(node, ast.Name) and node.id in self.data_aliases | self.df_aliases:
            return True
        return isinstance(node, ast.Attribute) and node.attr == "df" and _is_self_data(node.value)

    def _is_plain_data(self, node: ast.AST) -> bool:
        """``self.data`` or an alias of it (not the DataFrame ``.df``)."""
        return _is_self_data(node) or (isinstance(node, ast.Name) and node.id in self.data_aliases)

    def is_array(self, node: ast.AST) -> bool:
        """A numpy array aligned with the data: a column, an indicator, or a slice of one."""
        if (
            isinstance(node, ast.Attribute)
            and node.attr in DATA_COLUMNS
            and self._is_plain_data(node.value)
        ):
            return True
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value in DATA_COLUMNS
            and self._is_plain_data(node.value)
        ):
            return True
        name = self_attr_name(node)
        if name is not None and name in self.model.indicator_attrs:
            return True
        if isinstance(node, ast.Name) and self.locals.get(node.id) in ("array", "indicator"):
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self.is_array(node.value)
        return _is_self_i(node)

    def func_module(self, node: ast.AST) -> str | None:
        """Module an indicator function comes from (``talib``, ``Backtest.indicators``...)."""
        if isinstance(node, ast.Name):
            return self.indicator_funcs.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = self.module_aliases.get(node.value.id)
            return module if module in _INDICATOR_MODULES else None
        return None

    def is_indicator_func(self, node: ast.AST) -> bool:
        """``talib.RSI``, ``RSI`` imported from an indicator module, or a module-level def."""
        if isinstance(node, ast.Name):
            return node.id in self.indicator_funcs or node.id in self.module_funcs
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = self.module_aliases.get(node.value.id)
            return module in _INDICATOR_MODULES
        return False

    # -- kinds -------------------------------------------------------------------------------
    def kind(self, node: ast.AST) -> Kind:
        """Best guess of what ``node`` evaluates to."""
        if _is_self_i(node):
            return "indicator"
        if self.is_array(node):
            return "array"
        if self.is_data(node):
            return "data" if self._is_plain_data(node) else "series"
        if isinstance(node, ast.Constant):
            return "scalar" if isinstance(node.value, int | float) else "unknown"
        if isinstance(node, ast.Name):
            return self.locals.get(node.id, "unknown")
        if isinstance(node, ast.Subscript):
            base = self.kind(node.value)
            if isinstance(node.slice, ast.Slice):
                return base
            if base in ("array", "indicator"):
                return "scalar"
            if base == "series" and isinstance(node.slice, ast.Constant):
                return "series" if isinstance(node.slice.value, str) else "unknown"
            return "unknown"
        if isinstance(node, ast.Attribute):
            if node.attr == "s" and self.kind(node.value) in ("array", "indicator"):
                return "series"
            if node.attr in ("values", "array") and self.kind(node.value) == "series":
                return "array"
            return "unknown"
        if isinstance(node, ast.UnaryOp):
            return self.kind(node.operand)
        if isinstance(node, ast.BinOp | ast.Compare):
            parts = (
                [node.left, node.right]
                if isinstance(node, ast.BinOp)
                else [
                    node.left,
                    *node.comparators,
                ]
            )
            kinds = {self.kind(p) for p in parts}
            for candidate in ("series", "array", "indicator"):
                if candidate in kinds:
                    return "array" if candidate == "indicator" else candidate
            return "scalar" if kinds == {"scalar"} else "unknown"
        if isinstance(node, ast.Call):
            return self._call_kind(node)
        return "unknown"

    def _call_kind(self, node: ast.Call) -> Kind:
        func = node.func
        arg_kinds = {self.kind(a) for a in [*node.args, *(k.value for k in node.keywords)]}
        has_array = bool(arg_kinds & {"array", "series", "indicator", "data"})
        if isinstance(func, ast.Name):
            if func.id in _SCALAR_BUILTINS:
                return "scalar"
            if self.is_indicator_func(func) and has_array:
                return "array"
            return "unknown"
        if not isinstance(func, ast.Attribute):
            return "unknown"
        if isinstance(func.value, ast.Name) and func.value.id in self.module_aliases:
            module = self.module_aliases[func.value.id]
            if module in _INDICATOR_MODULES and has_array:
                return "array"
            if module == "numpy" and func.attr in _ARRAY_MODULE_FUNCS and has_array:
                return "array"
            if module == "pandas" and func.attr in ("Series", "DataFrame", "concat") and has_array:
                return "series"
            return "scalar" if module in ("numpy", "math") and not has_array else "unknown"
        receiver = self.kind(func.value)
        if receiver == "window":
            return "series"
        if func.attr in WINDOW_METHODS and receiver in ("series", "array", "indicator"):
            return "window"
        if func.attr in REDUCTIONS and not node.args:
            return "scalar" if receiver != "unknown" else "unknown"
        if receiver in ("series", "array", "indicator"):
            if func.attr in PANDAS_METHODS or func.attr in ("astype", "copy", "clip", "round"):
                return "series" if receiver == "series" else "array"
            if func.attr == "to_numpy":
                return "array"
            if func.attr in ("mean", "std", "max", "min", "sum", "median", "var", "corr"):
                return "series" if receiver == "series" else "unknown"
        return "unknown"


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.Name, ast.expr]]:
    """``a = x`` -> [(a, x)]; ``a, b = x, y`` -> [(a, x), (b, y)] (same length only)."""
    if isinstance(target, ast.Name):
        return [(target, value)]
    if (
        isinstance(target, ast.Tuple | ast.List)
        and isinstance(value, ast.Tuple | ast.List)
        and len(target.elts) == len(value.elts)
    ):
        return [
            (t, v) for t, v in zip(target.elts, value.elts, strict=True) if isinstance(t, ast.Name)
        ]
    return []


def _is_self_data(node: ast.AST) -> bool:
    return self_attr_name(node) == "data"


def _is_self_i(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and self_attr_name(node.func) == "I"
    )


def _imported_callables(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """({name: module} imported from indicator modules, {alias: module} of plain imports)."""
    funcs: dict[str, str] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in _INDICATOR_MODULES:
                funcs.update({a.asname or a.name: node.module for a in node.names if a.name != "*"})
            if node.module in ("talib", "Backtest"):
                modules.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    return funcs, modules
