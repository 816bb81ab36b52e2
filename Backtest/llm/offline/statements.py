"""Checks and rewrites of read statements (the grammar's IR), between reading a sentence and
building the spec: a price said "the day before" against a line of no day of its own is found
(and refused by the parser), and an "inside day's" price is read only in a rule that requires
the inside day."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any, cast

from Backtest.llm.offline import ir
from Backtest.llm.offline.grammar.patterns import defines_inside


def _walk(x: object) -> list[object]:
    """``x`` and every IR node inside it."""
    out: list[object] = [x]
    if isinstance(x, tuple):
        for y in x:
            out += _walk(y)
    elif is_dataclass(x) and not isinstance(x, type):
        for f in fields(x):
            out += _walk(getattr(x, f.name))
    return out


def inside_prices(x: object) -> list[tuple[int, int]]:
    """Where each "inside day's" price inside ``x`` was said."""
    return [y.span for y in _walk(x) if isinstance(y, ir.InsideBarPrice)]


def _plain(x: Any) -> Any:
    """``x`` with each "inside day's" price made the signal bar's plain price."""
    if isinstance(x, ir.InsideBarPrice):
        return ir.Price(x.field, x.ago, x.span)
    if isinstance(x, tuple):
        return tuple(_plain(y) for y in x)
    if is_dataclass(x) and not isinstance(x, type):
        changed = {f.name: _plain(getattr(x, f.name)) for f in fields(x) if f.init}
        return replace(x, **changed)
    return x


def settle_inside(statement: ir.Statement) -> ir.Statement | None:
    """ "a buy stop at the inside day's high": read only in a rule (or order) whose own
    condition requires the inside day; None when it does not."""
    if not inside_prices(statement):
        return statement
    cond = getattr(statement, "cond", None)
    if not isinstance(statement, (ir.Rule, ir.OrderStmt)) or not defines_inside(cond):
        return None
    return cast(ir.Statement, _plain(statement))


def days_against_lines(
    x: object,
) -> list[tuple[ir.Price, ir.Mention | ir.Channel | ir.AvgOf]]:
    """ "yesterday's close was above the 20-day SMA": yesterday's SMA (as a trader means) or
    today's? "... above the 20-day high": the 20 days before yesterday or before today (which
    holds yesterday's own high)? A price said with a word for the day before, compared with an
    indicator line, a channel or an average of no day of its own, is never guessed."""
    found: list[tuple[ir.Price, ir.Mention | ir.Channel | ir.AvgOf]] = []
    for node in _walk(x):
        if not isinstance(node, ir.Cmp):
            continue
        for price, line in ((node.left, node.right), (node.right, node.left)):
            if (
                isinstance(price, ir.Price)
                and price.day_word
                and price.ago
                and (
                    isinstance(line, ir.Mention)
                    and not line.ago
                    or isinstance(line, ir.Channel | ir.AvgOf)
                )
            ):
                found.append((price, line))
    return found
