"""Runtime errors: warm-up IndexErrors, divisions by zero, TA-Lib call conventions."""

from __future__ import annotations

import ast
import re

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import CstEditor
from Backtest.fixer.rules.arrays import iter_methods, parent_map
from Backtest.fixer.rules.base import RuleEdit, locate_line, rule
from Backtest.fixer.rules.kinds import KindGuesser
from Backtest.fixer.source import SourceEditor, StrategyModel, parse_or_none, self_attr_name
from Backtest.fixer.talib_info import signature as talib_signature

__all__ = ["TALIB_KEYWORD_ALIASES", "lookback_needed"]

_WARMUP_MESSAGES = re.compile(
    r"zero-size array|empty sequence|cannot convert float NaN|out of bounds|index out of range"
)
_OUT_OF_BOUNDS = re.compile(r"index (-?\d+) is out of bounds")
_SELF_I_OPTIONS = frozenset({"name", "plot", "overlay", "color", "scatter"})
#: Modules whose indicator functions take TA-Lib's parameter names.
TALIB_STYLE_MODULES = ("talib", "talib.abstract", "Backtest.indicators")
TALIB_KEYWORD_ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("timeperiod",),
    "length": ("timeperiod",),
    "window": ("timeperiod",),
    "n": ("timeperiod",),
    "lookback": ("timeperiod",),
    "time_period": ("timeperiod",),
    "timePeriod": ("timeperiod",),
    "fast": ("fastperiod",),
    "fast_period": ("fastperiod",),
    "fastPeriod": ("fastperiod",),
    "fast_length": ("fastperiod",),
    "slow": ("slowperiod",),
    "slow_period": ("slowperiod",),
    "slowPeriod": ("slowperiod",),
    "slow_length": ("slowperiod",),
    "signal": ("signalperiod",),
    "signal_period": ("signalperiod",),
    "signalPeriod": ("signalperiod",),
    "std": ("nbdevup", "nbdevdn"),
    "stddev": ("nbdevup", "nbdevdn"),
    "std_dev": ("nbdevup", "nbdevdn"),
    "num_std": ("nbdevup", "nbdevdn"),
    "nbdev": ("nbdevup", "nbdevdn"),
    "dev": ("nbdevup", "nbdevdn"),
    "devup": ("nbdevup",),
    "devdn": ("nbdevdn",),
    "nbdev_up": ("nbdevup",),
    "nbdev_dn": ("nbdevdn",),
    "nbdev_down": ("nbdevdn",),
    "nbdevdown": ("nbdevdn",),
    "k_period": ("fastk_period",),
    "fastk": ("fastk_period",),
    "k": ("fastk_period",),
    "d_period": ("slowd_period",),
    "slowd": ("slowd_period",),
    "d": ("slowd_period",),
    "slowk": ("slowk_period",),
    "smooth_k": ("slowk_period",),
    "af": ("acceleration",),
    "step": ("acceleration",),
    "max_af": ("maximum",),
    "af_max": ("maximum",),
    "max": ("maximum",),
}


# -- warm-up ---------------------------------------------------------------------------------
def _evaluate(node: ast.AST | None, model: StrategyModel, env: dict[str, float]) -> float | None:
    """Numeric value of a small expression of constants, class parameters and known names."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env.get(node.id)
    attr = self_attr_name(node)
    if attr is not None:
        return model.constant(attr)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _evaluate(node.operand, model, env)
        return -value if value is not None else None
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, model, env), _evaluate(node.right, model, env)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.FloorDiv) and right:
            return left // right
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("int", "round", "abs")
        and len(node.args) == 1
    ):
        return _evaluate(node.args[0], model, env)
    return None


def lookback_needed(func: ast.FunctionDef, model: StrategyModel) -> int:
    """Bars of history ``func`` reads: the deepest negative index or slice start it uses."""
    env: dict[str, float] = {}
    for node in ast.walk(func):
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Name)
            and isinstance(node.iter, ast.Call)
            and isinstance(node.iter.func, ast.Name)
            and node.iter.func.id == "range"
            and node.iter.args
        ):
            upper = _evaluate(node.iter.args[min(1, len(node.iter.args) - 1)], model, env)
            if upper is not None:
                env[node.target.id] = upper - 1
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                value = _evaluate(node.value, model, env)
                if value is not None:
                    env[target.id] = value
    need = 0.0
    for node in ast.walk(func):
        if not isinstance(node, ast.Subscript):
            continue
        parts = (
            [node.slice.lower, node.slice.upper]
            if isinstance(node.slice, ast.Slice)
            else [node.slice]
        )
        for part in parts:
            value = _evaluate(part, model, env)
            if value is not None and value < 0:
                need = max(need, -value)
    return int(need)


def _existing_guard(func: ast.FunctionDef) -> tuple[ast.If, ast.Constant] | None:
    """An ``if len(self.data) < N: return`` at the top of ``func``."""
    for stmt in func.body[:2]:
        if (
            isinstance(stmt, ast.If)
            and isinstance(stmt.test, ast.Compare)
            and isinstance(stmt.test.left, ast.Call)
            and isinstance(stmt.test.left.func, ast.Name)
            and stmt.test.left.func.id == "len"
            and len(stmt.test.ops) == 1
            and isinstance(stmt.test.ops[0], ast.Lt | ast.LtE)
            and isinstance(stmt.test.comparators[0], ast.Constant)
            and any(isinstance(s, ast.Return) for s in stmt.body)
        ):
            return stmt, stmt.test.comparators[0]
    return None


@rule("warmup_guard", triggers=("index_error", "value_error"))
def warmup_guard(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Skip bars without enough history: ``if len(self.data) < N: return`` at the top of
    next(), N being the deepest look-back next() reads (``[-30]``, ``[-self.n - 1:-1]``, loop
    indexes) or the index in the IndexError message.

    Not applied to ``self.trades[-1]``-style errors (an empty trade list is not a warm-up).
    """
    if analysis.error_type == "value_error" and not _WARMUP_MESSAGES.search(analysis.message):
        return None
    source = analysis.source_line or ""
    if re.search(r"self\.(?:closed_)?(?:trades|orders)\s*\[", source):
        return None
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    func = model.methods.get("next")
    if func is None:
        return None
    need = lookback_needed(func, model)
    found = _OUT_OF_BOUNDS.search(analysis.message)
    if found:
        need = max(need, abs(int(found.group(1))))
    if need <= 0:
        return None
    editor = SourceEditor(code)
    existing = _existing_guard(func)
    if existing is not None:
        guard, constant = existing
        current = constant.value if isinstance(constant.value, int) else 0
        if current >= need:
            return None
        editor.replace(constant, str(need))
    else:
        first = func.body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
            and len(func.body) > 1
        ):
            first = func.body[1]
        if first.lineno == func.lineno:
            return None  # one-line `def next(self): ...`: leave it to the LLM
        indent = editor.indent_of(first.lineno)
        editor.insert_line_before(
            first.lineno,
            f"{indent}if len(self.data) < {need}:  # not enough history yet\n{indent}    return",
        )
    return RuleEdit(editor.apply(), f"Skipped the first bars until {need} bars of history exist")


# -- division by zero ------------------------------------------------------------------------
@rule("guard_division", triggers=("zero_division_error", "value_error"))
def guard_division(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``a / b`` on the failing line -> ``(a / b if b else 0.0)`` (also for "cannot convert
    float infinity to integer", the numpy flavour of a division by zero).

    0.0 is a value the author never chose: where it feeds a size or a rule it changes what the
    strategy does, so the classifier reports this edit as a semantic change."""
    if analysis.error_type == "value_error" and "infinity" not in analysis.message:
        return None
    line = locate_line(code, analysis)
    tree = parse_or_none(code)
    if tree is None or line is None:
        return None
    parents = parent_map(tree)
    editor = CstEditor(code)
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod)
            and node.lineno <= line <= (node.end_lineno or node.lineno)
        ):
            continue
        if isinstance(node.right, ast.Constant) and node.right.value:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.IfExp) and parent.body is node:
            continue  # already guarded
        divisor = editor.segment(node.right)
        editor.replace(node, f"({editor.segment(node)} if {divisor} else 0.0)")
    if not editor.changed:
        return None
    return RuleEdit(
        editor.apply(),
        f"Guarded the division(s) on line {line} against zero: where the divisor is 0 the "
        "result is now 0.0 instead of an error",
    )


# -- TA-Lib ------------------------------------------------------------------------------------
def _talib_calls(
    model: StrategyModel, modules: tuple[str, ...] = TALIB_STYLE_MODULES
) -> list[tuple[ast.Call, str, list[ast.keyword], int]]:
    """(call node, TA-Lib function name, its keyword args, index of its first input arg)."""
    out = []
    for method, kinds in iter_methods(model):
        for node in ast.walk(method):
            if not isinstance(node, ast.Call):
                continue
            func, first_input = node.func, 0
            keywords = node.keywords
            if isinstance(func, ast.Attribute) and self_attr_name(func) == "I" and node.args:
                func, first_input = node.args[0], 1
                keywords = [k for k in node.keywords if k.arg not in _SELF_I_OPTIONS]
            name = _talib_name(func, kinds)
            if name and kinds.func_module(func) in modules:
                out.append((node, name, keywords, first_input))
    return out


def _talib_name(func: ast.AST, kinds: KindGuesser) -> str | None:
    """The TA-Lib function name when ``func`` is a TA-Lib (or Backtest.indicators) function."""
    if kinds.func_module(func) not in TALIB_STYLE_MODULES:
        return None
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name if name and name.isupper() else None


@rule("talib_keywords", always=True)
def talib_keywords(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Rename TA-Lib keywords LLMs borrow from other libraries: ``period=``/``length=`` ->
    ``timeperiod=``, ``fast=`` -> ``fastperiod=``, ``std=2`` -> ``nbdevup=2.0, nbdevdn=2.0``."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    editor = CstEditor(code)
    for _call, name, keywords, _first in _talib_calls(model):
        signature = talib_signature(name)
        if signature is None:
            continue
        params, inputs = signature
        for keyword in keywords:
            if keyword.arg is None or keyword.arg in params or keyword.arg in inputs:
                continue
            targets = [t for t in TALIB_KEYWORD_ALIASES.get(keyword.arg, ()) if t in params]
            if not targets:
                continue
            value = editor.segment(keyword.value)
            if all(isinstance(params[t], float) for t in targets):
                value = _as_float_literal(keyword.value, value)
            editor.replace(keyword, ", ".join(f"{t}={value}" for t in targets))
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Used TA-Lib's parameter names (timeperiod=, nbdevup=...)")


def _as_float_literal(node: ast.AST, text: str) -> str:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return f"{node.value}.0"
    return text


@rule("talib_float_parameters", triggers=("type_error",))
def talib_float_parameters(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Pass TA-Lib's float parameters as floats (``nbdevup=2`` -> ``nbdevup=2.0``)."""
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    editor = CstEditor(code)
    for _call, name, keywords, _first in _talib_calls(model):
        signature = talib_signature(name)
        if signature is None:
            continue
        params = signature[0]
        for keyword in keywords:
            value = keyword.value
            if (
                keyword.arg in params
                and isinstance(params[keyword.arg], float)
                and isinstance(value, ast.Constant)
                and type(value.value) is int
            ):
                editor.replace(value, f"{value.value}.0")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Passed TA-Lib float parameters as floats (2 -> 2.0)")


@rule("talib_float_inputs", triggers=("type_error", "unknown"))
def talib_float_inputs(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """After "input array type is not double": cast TA-Lib inputs with ``.astype(float)``
    (Volume is an integer column in most datasets)."""
    if "not double" not in analysis.message:
        return None
    tree = parse_or_none(code)
    if tree is None:
        return None
    model = StrategyModel.build(tree)
    line = locate_line(code, analysis)
    editor = CstEditor(code)
    calls = _talib_calls(model, ("talib", "talib.abstract"))  # Backtest.indicators casts itself
    on_line = [c for c in calls if line and c[0].lineno <= line <= (c[0].end_lineno or line)]
    guesser = KindGuesser(model)
    for call, _name, _keywords, first_input in on_line or calls:
        for arg in call.args[first_input:]:
            if guesser.is_array(arg) or _is_data_column(arg):
                editor.replace(arg, f"{editor.segment(arg)}.astype(float)")
    if not editor.changed:
        return None
    return RuleEdit(editor.apply(), "Cast TA-Lib inputs to float64 with .astype(float)")


def _is_data_column(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and self_attr_name(node.value) == "data"
