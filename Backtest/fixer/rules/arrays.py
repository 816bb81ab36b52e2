"""Data access: column names, pandas idioms on numpy arrays, indicators outside ``self.I``."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import CstEditor
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.rules.kinds import PANDAS_METHODS, KindGuesser
from Backtest.fixer.source import (
    StrategyModel,
    ensure_import,
    parse_or_none,
    self_attr_name,
)

__all__ = ["COLUMN_NAMES", "iter_methods", "parent_map"]

#: Normalised spelling (lower case, no separators) -> backtesting.py column.
COLUMN_NAMES = {
    "open": "Open",
    "high": "High",
    "low": "Low",
    "close": "Close",
    "volume": "Volume",
    "adjclose": "Close",
    "vol": "Volume",
}
DATE_NAMES = frozenset({"date", "datetime", "time", "timestamp", "dates", "index"})


def _norm(name: str) -> str:
    return re.sub(r"[\s_]", "", name).lower()


def parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """child -> parent for every node."""
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def iter_methods(model: StrategyModel) -> Iterator[tuple[ast.FunctionDef, KindGuesser]]:
    """Each method of the strategy class with a kind guesser primed on its locals."""
    for method in model.methods.values():
        yield method, KindGuesser(model, method)


def iter_indicator_functions(
    model: StrategyModel,
) -> Iterator[tuple[ast.FunctionDef | ast.Lambda, KindGuesser]]:
    """Functions and lambdas passed to ``self.I``, with the parameters that receive the data
    arrays marked as arrays (``self.I(lambda x: x.rolling(5).mean(), self.data.Close)``)."""
    defs = {n.name: n for n in model.tree.body if isinstance(n, ast.FunctionDef)}
    seen: set[int] = set()
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and self_attr_name(node.func) == "I"
                and node.args
            ):
                continue
            first = node.args[0]
            func: ast.FunctionDef | ast.Lambda | None = None
            if isinstance(first, ast.Lambda):
                func = first
            elif isinstance(first, ast.Name) and first.id in defs:
                func = defs[first.id]
            if func is None or id(func) in seen:
                continue
            seen.add(id(func))
            params = [a.arg for a in func.args.args]
            arrays = [
                p for p, arg in zip(params, node.args[1:], strict=False) if kinds.is_array(arg)
            ]
            guesser = KindGuesser(model, func if isinstance(func, ast.FunctionDef) else None)
            guesser.mark_arrays(arrays)
            yield func, guesser


def _model(code: str) -> StrategyModel | None:
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    return model if model.cls is not None else None


@rule("capitalize_columns", always=True)
def capitalize_columns(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Use backtesting.py's capitalised column names: ``self.data.close`` -> ``self.data.Close``,
    ``self.data['close']`` -> ``self.data['Close']`` (also on ``self.data.df`` and aliases)."""
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    renamed = set()
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if isinstance(node, ast.Attribute) and kinds.is_data(node.value):
                target = COLUMN_NAMES.get(_norm(node.attr))
                if target and node.attr != target:
                    editor.replace(node, f"{editor.segment(node.value)}.{target}")
                    renamed.add(f"{node.attr}->{target}")
            elif (
                isinstance(node, ast.Subscript)
                and kinds.is_data(node.value)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                target = COLUMN_NAMES.get(_norm(node.slice.value))
                if target and node.slice.value != target:
                    quote = editor.segment(node.slice)[0]
                    editor.replace(node.slice, f"{quote}{target}{quote}")
                    renamed.add(f"{node.slice.value}->{target}")
    if not editor.changed:
        return None
    return RuleEdit(
        editor.apply(), "Capitalised data column names (" + ", ".join(sorted(renamed)) + ")"
    )


@rule("date_column_to_index", always=True)
def date_column_to_index(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``self.data.Date`` / ``self.data['Date']`` -> ``self.data.index``: bar timestamps are
    the index in backtesting.py, there is no date column."""
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Attribute)
                and kinds.is_data(node.value)
                and node.attr != "index"
                and _norm(node.attr) in DATE_NAMES
            ) or (
                isinstance(node, ast.Subscript)
                and kinds.is_data(node.value)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
                and _norm(node.slice.value) in DATE_NAMES
            ):
                editor.replace(node, f"{editor.segment(node.value)}.index")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Used self.data.index for bar timestamps (no Date column)")


@rule("numpy_not_pandas", always=True)
def numpy_not_pandas(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Rewrite pandas idioms on backtesting.py's numpy arrays.

    ``x.iloc[-1]`` -> ``x[-1]``; ``x.values`` -> ``x``; ``x.shift(1)[-1]`` -> ``x[-2]``;
    ``x.tail(5)`` -> ``x[-5:]``; other pandas chains (``x.rolling(20).mean()``,
    ``x.pct_change()``...) run on ``pd.Series(x)``: as a ``self.I`` indicator when it is the
    whole value of an attribute set in ``init()``, in place otherwise (with ``.iloc`` /
    ``.to_numpy()`` so positional indexing keeps working).
    """
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    needs_pandas = False
    parents = parent_map(model.tree)
    scopes: list[tuple[ast.AST, KindGuesser, bool]] = [
        (method, kinds, method.name == "init") for method, kinds in iter_methods(model)
    ]
    scopes += [(func, kinds, False) for func, kinds in iter_indicator_functions(model)]
    for scope, kinds, in_init in scopes:
        for node in ast.walk(scope):
            result = _rewrite_pandas(node, kinds, editor, parents, in_init)
            needs_pandas = needs_pandas or result == "pandas"
    if not editor.changed:
        return None
    fixed = editor.apply()
    if needs_pandas:
        fixed = ensure_import(fixed, "import pandas as pd", "pd")
    return RuleEdit(
        fixed, "Replaced pandas methods on numpy arrays (.iloc/.values/.shift/.rolling)"
    )


def _rewrite_pandas(
    node: ast.AST,
    kinds: KindGuesser,
    editor: CstEditor,
    parents: dict[ast.AST, ast.AST],
    in_init: bool,
) -> str | None:
    seg = editor.segment
    # x.iloc[i] / x.iat[i] / x.loc[-1]
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr in ("iloc", "iat", "loc")
        and kinds.is_array(node.value.value)
    ):
        if node.value.attr == "loc" and not _is_negative_int(node.slice):
            return None
        editor.replace(node, f"{seg(node.value.value)}[{seg(node.slice)}]")
        return "numpy"
    # x.values / x.array / x.to_numpy()
    if isinstance(node, ast.Attribute) and node.attr in ("values", "array"):
        if kinds.is_array(node.value) and not isinstance(parents.get(node), ast.Call):
            editor.replace(node, seg(node.value))
            return "numpy"
        return None
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and kinds.is_array(node.func.value)
    ):
        return None
    method, receiver = node.func.attr, node.func.value
    if method == "to_numpy" and not node.args:
        editor.replace(node, seg(receiver))
        return "numpy"
    if method in ("tail", "head") and len(node.args) == 1 and not node.keywords:
        count = seg(node.args[0])
        window = f"[-{count}:]" if method == "tail" else f"[:{count}]"
        editor.replace(node, f"{seg(receiver)}{window}")
        return "numpy"
    if method == "shift":
        shifted = _shift_index(node, parents)
        if shifted is not None:
            outer, index = shifted
            editor.replace(outer, f"{seg(receiver)}[{index}]")
            return "numpy"
    if method not in PANDAS_METHODS:
        return None
    top = node
    while True:
        parent = parents.get(top)
        continues_chain = (isinstance(parent, ast.Attribute) and parent.value is top) or (
            isinstance(parent, ast.Call) and parent.func is top
        )
        if continues_chain and parent is not None:
            top = parent  # type: ignore[assignment]  # the chain goes on through Attribute/Call
        else:
            break
    if not seg(top).startswith(seg(receiver)):
        return None  # a parenthesised receiver: leave it to the LLM
    series = f"pd.Series({seg(receiver)})"
    rest = seg(top)[len(seg(receiver)) :]
    parent = parents.get(top)
    if isinstance(top, ast.Attribute):  # chain ends in .iloc / .iat / .values: already positional
        editor.replace(top, series + rest)
        return "pandas"
    if isinstance(parent, ast.Subscript) and parent.value is top:
        if isinstance(parent.slice, ast.Slice):
            editor.replace(top, f"{series}{rest}.to_numpy()")
        else:
            editor.replace(parent, f"{series}{rest}.iloc[{seg(parent.slice)}]")
        return "pandas"
    target = _init_attribute_target(top, parents) if in_init else None
    if target is not None:
        editor.replace(
            top, f"self.I(lambda x: pd.Series(x){rest}, {seg(receiver)}, name={target!r})"
        )
        return "pandas"
    editor.replace(top, f"{series}{rest}.to_numpy()")
    return "pandas"


def _is_negative_int(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    )


def _shift_index(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> tuple[ast.AST, int] | None:
    """For ``x.shift(k)[-i]`` / ``x.shift(k).iloc[-i]``: (node to replace, -i - k)."""
    if len(call.args) != 1 or call.keywords:
        return None
    arg = call.args[0]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, int) and arg.value >= 0):
        return None
    parent = parents.get(call)
    if isinstance(parent, ast.Attribute) and parent.attr in ("iloc", "iat"):
        parent = parents.get(parent)
    if isinstance(parent, ast.Subscript) and _is_negative_int(parent.slice):
        index = -parent.slice.operand.value  # type: ignore[attr-defined]
        return parent, index - arg.value
    return None


def _init_attribute_target(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """``self.x`` when ``node`` is the whole right-hand side of ``self.x = node``."""
    parent = parents.get(node)
    if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1:
        return self_attr_name(parent.targets[0])
    return None


@rule("series_positional_index", always=True)
def series_positional_index(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``s[-1]`` on a pandas Series -> ``s.iloc[-1]``.

    In pandas 3 ``[]`` on a Series is label-based only, so ``[-1]`` raises ``KeyError: -1``
    (the index holds dates or 0..n-1, never -1).
    """
    model = _model(code)
    if model is None:
        return None
    editor = CstEditor(code)
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.UnaryOp)
                and isinstance(node.slice.op, ast.USub)
                and kinds.kind(node.value) == "series"
            ):
                editor.replace(
                    node, f"{editor.segment(node.value)}.iloc[{editor.segment(node.slice)}]"
                )
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Indexed pandas Series by position with .iloc[-1]")


@rule("indicators_through_self_i", always=True)
def indicators_through_self_i(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Wrap arrays computed in ``init()`` without ``self.I`` (``self.rsi = talib.RSI(...)``,
    ``self.close = self.data.Close``, ``self.ma = pd.Series(...).rolling(...).mean()``) in
    ``self.I(...)``.

    Only ``self.I`` results are revealed bar by bar; a plain array keeps the values of the
    whole history, so ``self.rsi[-1]`` in next() would read the LAST bar of the data
    (look-ahead), and a pandas Series fails on ``[-1]`` in pandas 3.
    """
    model = _model(code)
    if model is None or "init" not in model.methods:
        return None
    init = model.methods["init"]
    kinds = KindGuesser(model, init)
    editor = CstEditor(code)
    names: list[str] = []
    for node in ast.walk(init):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        attrs = [self_attr_name(t) for t in getattr(target, "elts", [target])]
        if not attrs or not all(attrs):
            continue
        kind = kinds.kind(node.value)
        if kind not in ("array", "series"):
            continue
        if isinstance(node.value, ast.Subscript) and isinstance(node.value.slice, ast.Slice):
            continue  # a window of the data, not a per-bar series
        label = attrs[0] if len(attrs) == 1 else "_".join(a for a in attrs if a)
        plot = ", plot=False" if kinds.is_array(node.value) else ""
        editor.replace(
            node.value, f"self.I(lambda: {editor.segment(node.value)}, name={label!r}{plot})"
        )
        names.extend(f"self.{a}" for a in attrs)
    if not editor.changed:
        return None
    return RuleEdit(
        editor.apply(),
        "Wrapped " + ", ".join(names) + " in self.I() so it is revealed bar by bar",
    )
