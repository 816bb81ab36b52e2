"""Order sizes and stop levels backtesting.py refuses, edited with LibCST.

Neither has a fix that keeps the meaning (the order as written cannot be placed), so these
rules make the nearest valid order and say exactly what they changed; the semantic-change
classifier flags the edit and the fixer accepts it only when semantic changes are allowed.
"""

from __future__ import annotations

import re

import libcst as cst

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import (
    Positions,
    calls,
    code_of,
    number,
    parse_with_positions,
    replace_nodes,
)
from Backtest.fixer.rules.base import RuleEdit, locate_line, rule

__all__ = ["FULL_EQUITY", "valid_size"]

#: The largest fraction of equity backtesting.py accepts (it needs 0 < size < 1).
FULL_EQUITY = 0.99
#: Literal sizes below this read as a multiple of equity (1.5 = 150 %), above as units.
_EQUITY_MULTIPLE_LIMIT = 10.0
_LEVELS = re.compile(r"(?P<side>Long|Short) orders require: (?P<rule>.*?)$", re.S | re.M)
_LEVEL = re.compile(r"\b(SL|LIMIT|TP) \(([-\d.e+]+)\)")


def valid_size(value: float) -> tuple[float, str] | None:
    """The nearest valid size for a literal backtesting.py refuses, with the reason; else None.

    backtesting.py takes a fraction of equity (0 < size < 1) or a whole number of units.
    ``1.5`` reads as 150 % of equity, which needs margin: ``0.99`` of equity is the nearest
    valid order (never 1 unit, which would be a different strategy). A large fractional
    count such as ``150.5`` reads as units and is rounded down.
    """
    if value <= 0 or (value < 1) or value.is_integer():
        return None
    if value < _EQUITY_MULTIPLE_LIMIT:
        return FULL_EQUITY, (
            f"size {value:g} is not valid: backtesting.py needs a fraction of equity "
            f"between 0 and 1 or a whole number of units; {value:g} reads as {value:.0%} of "
            f"equity, which needs margin, so {FULL_EQUITY} of equity is used"
        )
    units = int(value)
    return float(units), (
        f"size {value:g} is not valid: backtesting.py needs a whole number of units; "
        f"{units} units are used"
    )


def _order_calls(module: cst.Module) -> list[cst.Call]:
    return [
        call
        for call in calls(module)
        if isinstance(call.func, cst.Attribute)
        and call.func.attr.value in ("buy", "sell")
        and isinstance(call.func.value, cst.Name)
        and call.func.value.value == "self"
    ]


def _on_line(found: list[cst.Call], positions: Positions, line: int | None) -> list[cst.Call]:
    if line is None:
        return found
    near = [c for c in found if positions[c].start.line <= line <= positions[c].end.line]
    return near or found


@rule("order_size", triggers=("value_error",))
def order_size(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """After "size must be a positive fraction of equity, or a positive whole number of units":
    a literal ``size=1.5`` becomes ``size=0.99`` (of equity, see :func:`valid_size`); a
    computed unit count becomes ``max(1, int(units))`` (whole units, at least one)."""
    if "size must be a positive" not in analysis.message:
        return None
    parsed = parse_with_positions(code)
    if parsed is None:
        return None
    module, positions = parsed
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    reasons: list[str] = []
    targets = _on_line(_order_calls(module), positions, locate_line(code, analysis))
    for call in targets:
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value != "size":
                continue
            value = number(arg.value)
            if value is not None:
                fixed = valid_size(value)
                if fixed is not None:
                    new_value, reason = fixed
                    text = f"{new_value:g}" if new_value < 1 else str(int(new_value))
                    replacements[arg.value] = cst.parse_expression(text)
                    reasons.append(reason)
                continue
            text = code_of(module, arg.value)
            if text.replace(" ", "").startswith("max(1,int("):
                continue
            replacements[arg.value] = cst.parse_expression(f"max(1, int({text}))")
            reasons.append(
                f"the computed size {text} is not a whole number of units: it is rounded "
                f"down to whole units (at least 1)"
            )
    if not replacements:
        return None
    return RuleEdit(replace_nodes(module, replacements), "; ".join(dict.fromkeys(reasons)))


@rule("stop_levels_side", triggers=("value_error",))
def stop_levels_side(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """After "Long orders require: SL (..) < LIMIT (..) < TP (..)": put each stop / target on
    the side of the entry price where it belongs, at the same distance.

    ``sl=price * 1.02`` on a long becomes ``price * 0.98``, ``sl=price * (1 + pct)`` becomes
    ``price * (1 - pct)``, ``price + x`` becomes ``price - x`` (and the reverse for targets and
    for shorts). Which level is wrong is read from the numbers in the error, not guessed.
    """
    found = _LEVELS.search(analysis.message)
    if found is None:
        return None
    levels = {name: float(value) for name, value in _LEVEL.findall(found["rule"])}
    price = levels.get("LIMIT")
    if price is None:
        return None
    long = found["side"] == "Long"
    wrong = set()
    if "SL" in levels and (levels["SL"] >= price if long else levels["SL"] <= price):
        wrong.add("sl")
    if "TP" in levels and (levels["TP"] <= price if long else levels["TP"] >= price):
        wrong.add("tp")
    if not wrong:
        return None
    parsed = parse_with_positions(code)
    if parsed is None:
        return None
    module, positions = parsed
    side = "buy" if long else "sell"
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    moved: list[str] = []
    orders = [c for c in _order_calls(module) if c.func.attr.value == side]  # type: ignore[attr-defined]
    for call in _on_line(orders, positions, locate_line(code, analysis)):
        for arg in call.args:
            name = arg.keyword.value if arg.keyword is not None else None
            if name not in wrong:
                continue
            mirrored = _mirror(arg.value)
            if mirrored is None:
                continue
            replacements[arg.value] = mirrored
            what = "stop loss" if name == "sl" else "take profit"
            where = (
                ("below" if name == "sl" else "above")
                if long
                else ("above" if name == "sl" else "below")
            )
            moved.append(
                f"the {what} {code_of(module, arg.value)} was on the wrong side of the "
                f"{'long' if long else 'short'} entry: {code_of(module, mirrored)} places it "
                f"{where} the entry at the same distance"
            )
    if not replacements:
        return None
    return RuleEdit(replace_nodes(module, replacements), "; ".join(moved))


def _mirror(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The same distance on the other side of the price: ``p * 1.02`` <-> ``p * 0.98``,
    ``p * (1 + x)`` <-> ``p * (1 - x)``, ``p + x`` <-> ``p - x``."""
    if not isinstance(node, cst.BinaryOperation):
        return None
    op = node.operator
    if isinstance(op, cst.Add | cst.Subtract):
        flipped = cst.Subtract if isinstance(op, cst.Add) else cst.Add
        return node.with_changes(
            operator=flipped(
                whitespace_before=op.whitespace_before, whitespace_after=op.whitespace_after
            )
        )
    if not isinstance(op, cst.Multiply):
        return None
    for side in ("right", "left"):
        factor = getattr(node, side)
        value = number(factor)
        if value is not None and 0 < value < 2 and value != 1:
            mirrored = round(2 - value, 10)
            return node.with_changes(**{side: cst.parse_expression(f"{mirrored:g}")})
        inner = factor
        if (
            isinstance(inner, cst.BinaryOperation)
            and isinstance(inner.operator, cst.Add | cst.Subtract)
            and number(inner.left) == 1
        ):
            return node.with_changes(**{side: _mirror(inner)})
    return None
