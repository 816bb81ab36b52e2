"""The position beside a price line: "Long above the 20 SMA, flat below it".

With no subject, the side of a price-scale line is the close's (a level such as "long above
30" has no subject to compare and stays refused); "it" after such a rule, in the same sentence,
is that same line (not the close), and only there. "Only taking longs above the 200 SMA" uses
:data:`price_side` as a restriction (:mod:`.sentence`).
"""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, alt, seq, tok
from Backtest.llm.offline.grammar.base import _span
from Backtest.llm.offline.grammar.operands import operand
from Backtest.llm.offline.grammar.rules import _rule, action_phrase
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.vocabulary import PRICE_SCALE

SIDE_CMP = alt(
    tok("CMP", when=lambda lx: lx.value in ("<", ">") and " " not in lx.text.strip()),
    # "Cover back above VWAP"
    tok("MOTION", when=lambda lx: lx.text.lower() in ("back above", "back below", "back under")),
)


def _price_line(x: Any) -> bool:
    return isinstance(x, ir.Mention) and x.name in PRICE_SCALE and not x.plural


def _side_rule(action: ir.Action, cmp: Lexeme, line: Any) -> Any:
    if not _price_line(line):
        return REJECT
    return _rule(action, ir.Cmp(ir.Price("Close"), cmp.value, line, span=_span(cmp, line)))


price_side = seq(action_phrase, SIDE_CMP, operand, build=_side_rule)


def _side_pair(first: Any, _sep: Any, action: ir.Action, cmp: Lexeme, _it: Any) -> Any:
    if first is REJECT or cmp.value == first.cond.op:
        return REJECT  # "long above X, flat above it": both on one side contradicts itself
    line = first.cond.right
    return (first, _rule(action, ir.Cmp(ir.Price("Close"), cmp.value, line, span=_span(cmp))))


price_sides = seq(
    price_side,
    tok("COMMA", "AND"),
    action_phrase,
    SIDE_CMP,
    tok("PRON", when=lambda lx: lx.text.lower() == "it"),
    build=_side_pair,
)
