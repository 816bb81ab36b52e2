"""Conditions listed first, the action after: "1. Price above the 200-day SMA. 2. RSI(2) under
10. 3. If 1 and 2 are both true, buy at the next open."

The statement names the conditions listed before it without an action ("both", "1 and 2", "all
three conditions", "all conditions") and says they are met ("true", "met", "satisfied"); the
assembly (:mod:`..assemble`) gives them its action, all required, and checks the count said.
A reference that is not to items 1..n in order ("if 2 and 3 are true") is not read.
"""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, alt, many, opt, seq, tok
from Backtest.llm.offline.grammar.base import _int, _span
from Backtest.llm.offline.grammar.operands import NUM
from Backtest.llm.offline.grammar.rules import action_phrase
from Backtest.llm.offline.lexer import Lexeme

_IF = tok("WHEN", when=lambda lx: lx.text.lower() in ("when", "if", "once", "whenever"))
_BOTH = tok("BOTH", when=lambda lx: lx.text.lower() in ("both", "both are", "both of them"))
_CONDITIONS = tok("FILTER_N", when=lambda lx: lx.text.lower() in ("conditions", "requirements"))
_ARE = tok("IS", when=lambda lx: lx.text.lower() in ("are", "is"))
_MET_IS = tok("IS", when=lambda lx: bool({"true", "met"} & set(lx.text.lower().split())))


def _items(first: Lexeme, rest: tuple[Any, ...], _and: Lexeme, last: Lexeme) -> Any:
    """ "1 and 2", "1, 2 and 3": the items 1..n in order, their count."""
    numbers = [first, *(number for _comma, number in rest), last]
    if [_int(n.value) for n in numbers] != list(range(1, len(numbers) + 1)):
        return REJECT
    return (len(numbers), first)


# (the count said, or None; its first word)
_COUNT = alt(
    seq(_BOTH, opt(_CONDITIONS), build=lambda b, _c: (2, b)),
    seq(NUM, many(seq(tok("COMMA"), NUM)), tok("AND"), NUM, build=_items),
    # "(all) 3 conditions"
    seq(NUM, _CONDITIONS, build=lambda n, _c: (_int(n.value), n) if _int(n.value) else REJECT),
    seq(_CONDITIONS, build=lambda c: (None, c)),  # "(all) conditions"
)
# its last word
_MET = alt(
    seq(opt(_ARE), opt(_BOTH), tok("MET"), build=lambda _a, _b, m: m),
    seq(_MET_IS, build=lambda m: m),
)


def _said(first: Any, last: Any, count: tuple[int | None, Lexeme], action: Any) -> Any:
    return ir.AllBefore(action, count[0], _span(first, count[1], last))


all_before = alt(
    # "If 1 and 2 are both true, buy", "Both true -> buy at the next open"
    seq(
        opt(_IF),
        _COUNT,
        _MET,
        opt(tok("COMMA", "ARROW", "COLON")),
        opt(tok("THEN")),
        action_phrase,
        build=lambda w, count, _m, _c, _t, a: _said(w, a, count, a),
    ),
    # "Buy when both are true", "go long when all three conditions are met"
    seq(
        action_phrase,
        _IF,
        _COUNT,
        _MET,
        build=lambda a, _w, count, m: _said(a, m, count, a),
    ),
)
