"""A stored spec as the parser's own objects, so a chat edit can be read against it.

``instances`` maps the spec's indicator ids to :class:`~.resolve.Inst` (so "RSI" in an edit
means the strategy's RSI), :func:`seeded_writer` writes new rule nodes with the spec's own
ids, and :func:`node_of` turns a stored rule tree back into resolved nodes (for mirroring and
for finding the condition an edit replaces).
"""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline.resolve import (
    Arith,
    Change,
    Expr,
    Inst,
    RCalendar,
    RCmp,
    RGroup,
    RHeld,
    RNode,
    RNot,
    RTrend,
    Series,
)
from Backtest.llm.offline.spec_writer import SpecWriter
from Backtest.spec import (
    PRICE_FIELDS,
    ChangePct,
    Compare,
    Group,
    HeldFor,
    Months,
    Negate,
    SeriesRef,
    StrategySpec,
    TimeWindow,
    Trend,
    Weekdays,
    lookup_indicator,
)
from Backtest.spec import Arith as SpecArith
from Backtest.spec.models import WEEKDAYS


def instances(spec: StrategySpec) -> dict[str, Inst]:
    """The spec's indicators as parser instances, by id."""
    found: dict[str, Inst] = {}
    for item in spec.indicators:
        info = lookup_indicator(item.indicator)
        params = tuple(info.resolve_params(item.params).items())
        source: str | None = None
        source_series: Series | None = None
        if item.source is not None and item.source in PRICE_FIELDS:
            source = None if item.source == info.inputs[0] else item.source
        elif item.source is not None:
            source_series = series_of(item.source, found)
        elif item.inputs:
            source = item.inputs[0] if len(item.inputs) == 1 else None
        found[item.id] = Inst(info.name, params, source, source_series)
    return found


def series_of(ref: str, found: dict[str, Inst], ago: int = 0) -> Series:
    """``Close`` / ``rsi`` / ``macd.macdsignal`` as a series of the parser."""
    if ref in PRICE_FIELDS:
        return Series(price=ref, ago=ago)
    ident, _, output = ref.partition(".")
    return Series(found[ident], output=output or None, ago=ago)


def seeded_writer(spec: StrategySpec, found: dict[str, Inst]) -> SpecWriter:
    """A writer that reuses the spec's ids and indicator entries, and adds new ones."""
    writer = SpecWriter()
    for item in spec.indicators:
        writer.ids[found[item.id]] = item.id
        writer.items.append(item.model_dump(mode="json", exclude_none=True))
    return writer


def expr_of(expr: Any, found: dict[str, Inst]) -> Expr:
    """A stored operand as the parser's expression."""
    if isinstance(expr, bool):
        raise TypeError(expr)
    if isinstance(expr, int | float):
        return float(expr)
    if isinstance(expr, str):
        return series_of(expr, found)
    if isinstance(expr, SeriesRef):
        return series_of(expr.ref, found, expr.bars_ago)
    if isinstance(expr, SpecArith):
        return Arith(expr.arith, expr_of(expr.left, found), expr_of(expr.right, found))
    if isinstance(expr, ChangePct):
        base = expr_of(expr.change_pct, found)
        assert isinstance(base, Series)
        return Change(base, expr.bars)
    raise TypeError(expr)


def node_of(node: Any, found: dict[str, Inst]) -> RNode:
    """A stored rule tree as the parser's nodes."""
    if isinstance(node, Compare):
        return RCmp(expr_of(node.left, found), node.op, expr_of(node.right, found))
    if isinstance(node, Group):
        return RGroup(node.logic, tuple(node_of(c, found) for c in node.conditions))
    if isinstance(node, Negate):
        inner = node_of(node.negate, found)
        if isinstance(inner, RCalendar):
            return RCalendar(inner.kind, inner.values, inner.time_from, inner.time_to, True)
        return RNot(inner)
    if isinstance(node, Trend):
        of = expr_of(node.of, found)
        assert isinstance(of, Series)
        return RTrend(of, node.trend, node.bars)
    if isinstance(node, HeldFor):
        return RHeld(node_of(node.condition, found), node.held_for)
    if isinstance(node, Weekdays):
        return RCalendar("weekdays", tuple(node.weekdays))
    if isinstance(node, Months):
        return RCalendar("months", tuple(node.months))
    if isinstance(node, TimeWindow):
        return RCalendar("time", (), _minutes(node.time_from), _minutes(node.time_to))
    raise TypeError(node)


def leaf_paths(
    node: dict[str, Any], path: tuple[int, ...] = ()
) -> list[tuple[tuple[int, ...], dict[str, Any]]]:
    """``(path of indexes, comparison)`` for every comparison of a stored rule tree (JSON)."""
    if "conditions" in node:
        out: list[tuple[tuple[int, ...], dict[str, Any]]] = []
        for index, child in enumerate(node["conditions"]):
            out += leaf_paths(child, (*path, index))
        return out
    return [(path, node)] if "op" in node else []


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


__all__ = [
    "WEEKDAYS",
    "expr_of",
    "instances",
    "leaf_paths",
    "node_of",
    "seeded_writer",
    "series_of",
]
