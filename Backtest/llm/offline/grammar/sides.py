"""The position beside a price line: "Long above the 20 SMA, flat below it".

With no subject, the side of a price-scale line is the close's (a level such as "long above
30" has no subject to compare and stays refused); "it" after such a rule, in the same sentence,
is that same line (not the close), and only there. "Only taking longs above the 200 SMA" uses
:data:`price_side` as a restriction (:mod:`.sentence`).
"""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, alt, opt, seq, tok
from Backtest.llm.offline.grammar.base import IT, _span
from Backtest.llm.offline.grammar.operands import operand
from Backtest.llm.offline.grammar.rules import _rule, action_phrase, rule_stmt
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
    # "flat below it", or just "flat below" (the same line)
    opt(IT),
    build=_side_pair,
)


def _states(x: Any) -> bool:
    """Only levels (no crossing, no streak): "otherwise" of a level is the other side of it."""
    if isinstance(x, ir.Group) and x.logic in ("all", "any") and type(x) is ir.Group:
        return all(map(_states, x.items))
    return (
        isinstance(x, ir.Cmp)
        and x.kind in ("static", "close")
        and x.op in ("<", "<=", ">", ">=")
        and not x.both
    )


def _otherwise(rule: Any, _c: Any, _o: Any, verb: Lexeme) -> Any:
    if not isinstance(rule, ir.Rule) or rule.only or rule.action.verb not in ("buy", "short"):
        return REJECT
    if not _states(rule.cond):
        return REJECT  # "long on the cross, otherwise flat": not crossing is every other bar
    wanted = {"SELL": "buy", "COVER": "short"}.get(verb.kind, rule.action.verb)
    if wanted != rule.action.verb:
        return REJECT  # "short when A, otherwise sell": another short? never guessed
    exit_action = ir.Action("exit", span=_span(verb), word=verb.text.lower())
    return (rule, _rule(exit_action, ir.Not(rule.cond)))


# "Long when the 12 EMA is above the 26 EMA, otherwise flat": the exit is the other side
_OUT = alt(
    tok("EXIT", "SELL", "COVER"),
    # "otherwise stay flat", "otherwise stay out" (elsewhere: don't trade)
    tok("AVOID", when=lambda lx: lx.text.lower() in ("stay flat", "stay out", "sit out")),
)
otherwise_flat = alt(
    seq(alt(rule_stmt, price_side), opt(tok("COMMA")), tok("OTHERWISE"), _OUT, build=_otherwise),
    # "Long when MACD > 0 and RSI > 50, flat otherwise"
    seq(
        alt(rule_stmt, price_side),
        opt(tok("COMMA")),
        _OUT,
        tok("OTHERWISE"),
        build=lambda rule, c, verb, o: _otherwise(rule, c, o, verb),
    ),
)


def _regime(first: Any, second_action: ir.Action, cmp: Lexeme) -> Any:
    """A filter per side of one line: the two sides and the two comparisons must differ."""
    if first is REJECT:
        return REJECT
    verbs = (first.action.verb, second_action.verb)
    if sorted(verbs) != ["buy", "short"] or cmp.value == first.cond.op:
        return REJECT
    line = first.cond.right
    other = ir.Cmp(ir.Price("Close"), cmp.value, line, span=_span(cmp))
    return (ir.Filter(first.cond, verbs[0]), ir.Filter(other, verbs[1]))


_IT = opt(IT)
# "only buy", "only short" ("only short" and "only long" are one lexeme each)
_ONLY_ACTION = alt(
    seq(tok("ONLY"), action_phrase, build=lambda _o, a: a),
    seq(
        tok(
            "SHORTONLY",
            "LONGONLY",
            when=lambda lx: lx.text.lower() in ("only short", "only long"),
        ),
        build=lambda w: ir.Action(
            "short" if w.kind == "SHORTONLY" else "buy", span=_span(w), word=w.text.lower()
        ),
    ),
)
# "Only buy above the 200-day SMA and only short below it", "Above the 200-day SMA we only buy,
# below it we only short": each side's entries restricted to its side of the line
regime_sides = alt(
    seq(
        _ONLY_ACTION,
        SIDE_CMP,
        operand,
        tok("COMMA", "AND"),
        _ONLY_ACTION,
        SIDE_CMP,
        _IT,
        build=lambda action, cmp, line, _s, action2, cmp2, _it: _regime(
            _side_rule(action, cmp, line), action2, cmp2
        ),
    ),
    seq(
        SIDE_CMP,
        operand,
        _ONLY_ACTION,
        tok("COMMA", "AND"),
        SIDE_CMP,
        _IT,
        _ONLY_ACTION,
        build=lambda cmp, line, action, _s, cmp2, _it, action2: _regime(
            _side_rule(action, cmp, line), action2, cmp2
        ),
    ),
)
