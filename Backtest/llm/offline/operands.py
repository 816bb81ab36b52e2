"""Small operand helpers of the condition scanner: scales, zone thresholds, band choice."""

from __future__ import annotations

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.model import Cond, Node, Ser, combine
from Backtest.llm.offline.resolve import Operand

_PRICE_SCALE_PRICES = frozenset({"Open", "High", "Low", "Close"})


def is_price(operand: Operand) -> bool:
    return isinstance(operand, Ser) and operand.ind is None


def is_average(operand: Operand) -> bool:
    return (
        isinstance(operand, Ser)
        and operand.ind is not None
        and (operand.ind.name in v.MOVING_AVERAGES)
    )


def price_scale(operand: Operand | list[Ser]) -> bool:
    if isinstance(operand, list):
        return True
    if not isinstance(operand, Ser):
        return False
    if operand.ind is None:
        return operand.price in _PRICE_SCALE_PRICES
    return operand.ind.name in v.PRICE_SCALE and operand.ind.source in (None, "High", "Low")


def zone_threshold(subject: Ser, zone: str) -> float:
    low, high = v.ZONES.get(subject.ind.name if subject.ind else "", v.ZONES["RSI"])
    return float(low if zone == "oversold" else high)


def finalise(left: Operand, op: str, right: Operand) -> Node:
    """Pick unnamed Bollinger bands by direction; "cross"/"touch" wait for the rule's role."""
    if op in ("cross", "touch"):
        return Cond(left, op, right)
    if op in ("inside", "outside"):
        return inside_outside(left, op, right)
    return Cond(band_for(left, op, is_left=True), op, band_for(right, op, is_left=False))


def inside_outside(left: Operand, op: str, right: Operand) -> Node:
    """ "closes outside the lower band" -> below it; "inside the bands" -> between them."""
    band = right if isinstance(right, Ser) else None
    output = band.output if band is not None else None
    if band is not None and output in ("upperband", "lowerband"):
        upper = output == "upperband"
        return Cond(
            left, (">" if upper else "<") if op == "outside" else ("<" if upper else ">"), right
        )
    if band is None or band.ind is None or band.ind.name != "BBANDS":
        return Cond(left, ">" if op == "outside" else "<", right)
    lower = Ser(ind=band.ind, output="lowerband", bars_ago=band.bars_ago)
    upper = Ser(ind=band.ind, output="upperband", bars_ago=band.bars_ago)
    if op == "inside":
        return combine("all", [Cond(left, ">", lower), Cond(left, "<", upper)])
    return combine("any", [Cond(left, "<", lower), Cond(left, ">", upper)])


def band_for(operand: Operand, op: str, *, is_left: bool) -> Operand:
    if not (isinstance(operand, Ser) and operand.ind and operand.ind.name == "BBANDS"):
        return operand
    if operand.output is not None:
        return operand
    upward = op in (">", ">=", "crosses_above")
    output = "upperband" if upward != is_left else "lowerband"
    return Ser(ind=operand.ind, output=output, bars_ago=operand.bars_ago)
