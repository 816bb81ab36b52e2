"""Actions, orders and when-clauses: the rules that trigger entries and exits."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, Parser, alt, many, opt, seq, tok
from Backtest.llm.offline.grammar.base import _span
from Backtest.llm.offline.grammar.comparisons import _pct_cmp, as_state, break_atom, zone
from Backtest.llm.offline.grammar.conditions import (
    _days,
    _set_off,
    breakout,
    calendar,
    cond,
    points,
    weekday_list,
)
from Backtest.llm.offline.grammar.operands import (
    NUM,
    PCT,
    PLUS_WORD,
    _fold,
    atr_distance,
    channel,
    ind_pair,
    operand,
    product,
)
from Backtest.llm.offline.grammar.patterns import candle_run, event_atom
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.vocabulary import PRICE_SCALE

_WAY_CROSS_NOUNS = frozenset({"cross up", "cross down"})

# ---- statements -------------------------------------------------------------------------------
ACTION_KINDS = ("BUY", "SHORT", "SELL", "EXIT", "COVER", "ENTER", "TRADE", "ENTRY_N", "EXIT_N")
_VERBS = {
    "BUY": "buy",
    "SHORT": "short",
    "SELL": "sell",
    "EXIT": "exit",
    "COVER": "cover",
    "ENTER": "enter",
    "TRADE": "trade",
    "ENTRY_N": "entry_n",
    "EXIT_N": "exit_n",
}
order_kind = tok("LIMIT", "STOPORDER")


def _order(kind: Lexeme, price: Any) -> ir.Order:
    side = "sell" if "sell" in kind.text.lower() else "buy" if "buy" in kind.text.lower() else None
    order_type = "limit" if kind.kind == "LIMIT" else "stop"
    if price is None:
        return ir.Order(order_type, None, side=side)
    if isinstance(price, tuple):  # (pct, op, operand)
        pct, op, base = price
        return ir.Order(order_type, base, pct, op, side)
    return ir.Order(order_type, price, side=side)


# "that day's close" in an order's price: the signal bar's, where the order is placed
signal_bar_price = seq(
    tok("THATBAR"),
    tok("PRICE", when=lambda lx: lx.value in ("Open", "High", "Low", "Close")),
    build=lambda t, p: ir.Price(p.value, 0, _span(t, p)),
)
# "a limit order to sell short 1% above that close": the same, "day's" left out
signal_bar_price = alt(
    signal_bar_price,
    seq(
        tok("THAT", when=lambda lx: lx.text.lower() == "that"),
        tok("PRICE", when=lambda lx: lx.value in ("Open", "High", "Low", "Close")),
        build=lambda t, p: ir.Price(p.value, 0, _span(t, p)),
    ),
)
# "a buy stop at that inside day's high": the signal bar's, checked against the rule's condition
# (parser.py: the condition must define the inside day)
signal_bar_price = alt(
    signal_bar_price,
    seq(
        opt(tok("THAT", when=lambda lx: lx.text.lower() == "that")),
        tok("INSIDE", when=lambda lx: lx.text.lower().replace("’", "'").endswith("'s")),
        tok("PRICE", when=lambda lx: lx.value in ("Open", "High", "Low", "Close")),
        build=lambda t, d, p: ir.InsideBarPrice(p.value, 0, _span(t, d, p)),
    ),
)
# "at that close minus half of the 14-day ATR", "that bar's high plus a quarter of the 14-day
# ATR": the signal bar's price, and an offset
order_price = alt(
    operand,
    signal_bar_price,
    seq(
        signal_bar_price,
        many(seq(tok("PLUS", "MINUS"), product, build=lambda o, f: (o, f)), 1),
        build=_fold,
    ),
    seq(
        signal_bar_price,
        alt(tok("PLUS", "MINUS"), PLUS_WORD),
        atr_distance,
        build=lambda x, o, d: ir.Arith("-" if o.kind == "MINUS" else "+", x, d),
    ),
)


def _atr_beyond_price(_at: Any, width: Any, cmp: Lexeme, base: Any) -> Any:
    if cmp.value not in ("<", ">") or isinstance(base, ir.Num):
        return REJECT
    if isinstance(base, ir.Mention) and base.name not in PRICE_SCALE:
        return REJECT  # "0.5 ATR above the RSI" mixes units
    return ir.Arith("+" if cmp.value == ">" else "-", base, width)


price_spec = alt(
    seq(opt(tok("AT")), order_price, build=lambda _a, x: x),
    # "a buy stop 0.5 ATR(14) above today's high", "half an ATR(14) below that bar's low"
    seq(opt(tok("AT")), atr_distance, tok("CMP"), order_price, build=_atr_beyond_price),
    seq(
        opt(tok("AT")),
        PCT,
        tok("CMP"),
        order_price,
        build=lambda _a, p, c, x: (p.value, c.value, x) if c.value in ("<", ">") else REJECT,
    ),
)


def _words(lexeme: Lexeme) -> str:
    return " ".join(lexeme.text.lower().split())  # a phrase may wrap onto the next line


_OPEN_SHORT = tok("SHORT", when=lambda lx: _words(lx) in ("sell short", "go short", "short"))
_OPEN_LONG = tok("BUY", when=lambda lx: _words(lx) in ("go long", "buy"))


def _sided(order: ir.Order, side: str) -> Any:
    """The side said after the order must agree with one its name says ("a buy stop ... to go
    short" contradicts itself)."""
    if order.side not in (None, side):
        return REJECT
    return replace(order, side=side)


order_phrase = alt(
    seq(order_kind, opt(tok("ORDER")), opt(price_spec), build=lambda k, _o, p: _order(k, p)),
    # "a limit order to buy 1% below the close" ("to sell" is left out: after a long entry it
    # may be a take-profit rather than a short)
    seq(
        order_kind,
        opt(tok("ORDER")),
        tok("TO"),
        tok("BUY", when=lambda lx: lx.text.lower() == "buy"),
        opt(price_spec),
        build=lambda k, _o, _t, _b, p: replace(_order(k, p), side="buy"),
    ),
    # "a limit order to sell short 1% above that close" (a short said outright, never "to sell")
    seq(
        order_kind,
        opt(tok("ORDER")),
        tok("TO"),
        _OPEN_SHORT,
        opt(price_spec),
        build=lambda k, _o, _t, _s, p: _sided(_order(k, p), "sell"),
    ),
    # "a sell-stop order at today's low to go short", "a buy stop at today's high to go long"
    seq(
        order_kind,
        opt(tok("ORDER")),
        price_spec,
        tok("TO"),
        alt(_OPEN_SHORT, _OPEN_LONG),
        build=lambda k, _o, p, _t, s: _sided(_order(k, p), "buy" if s.kind == "BUY" else "sell"),
    ),
)
STOCK = tok("PRICE", when=lambda lx: "stock" in lx.text.lower())
CLOSE_VERB = tok("PRICE", when=lambda lx: lx.text.lower() == "close")
action_mod = alt(
    seq(NUM, tok("SHARES"), build=lambda n, _s: ("units", n.value)),
    seq(alt(tok("SHARES"), STOCK), build=lambda _s: ("object", None)),
    # "sell the position when ...", "sell all positions": what is sold, no new rule
    seq(
        tok("TRADE", when=lambda lx: "position" in lx.text.lower()),
        build=lambda _p: ("position", None),
    ),
    seq(tok("TICKER"), build=lambda t: ("ticker", t.value)),
    seq(opt(tok("AT", "ON")), tok("NEXTBAR"), build=lambda _a, _n: ("nextbar", None)),
    seq(opt(tok("WITH", "AT")), order_phrase, build=lambda _w, o: ("order", o)),
    seq(
        opt(tok("WITH")),
        PCT,
        tok("OF"),
        tok("EQUITY"),
        build=lambda _w, p, _o, _e: ("fraction", p.value),
    ),
    seq(opt(tok("AT")), tok("MARKET"), build=lambda _a, _m: ("market", None)),
)


def _action(_place: Any, verb: Lexeme, mods: tuple[Any, ...]) -> Any:
    if "dip" in verb.text.lower():
        return REJECT  # "buy the dip" says no condition: read only with its definition
    units = fraction = order = None
    traded = any(kind in ("object", "ticker") for kind, _ in mods)
    ticker = next((value for kind, value in mods if kind == "ticker"), None)
    for kind, value in mods:
        if kind == "units":
            units = value
        elif kind == "fraction":
            fraction = value
        elif kind == "order":
            order = value
    verb_name = _VERBS[verb.kind]
    return ir.Action(
        verb_name, units, fraction, order, _span(verb), traded, verb.text.lower(), ticker
    )


action_phrase = alt(
    seq(opt(tok("PLACE")), tok(*ACTION_KINDS), many(action_mod), build=_action),
    # "Exit (cover) when ..." (understood_as, short side): the cover
    seq(
        tok("EXIT", when=lambda lx: lx.text.lower() == "exit"),
        tok("LPAR"),
        tok("COVER", when=lambda lx: lx.text.lower() == "cover"),
        tok("RPAR"),
        build=lambda e, _l, c, r: ir.Action("cover", span=_span(e, r), word="cover"),
    ),
    seq(
        opt(tok("PLACE")),
        order_phrase,
        build=lambda p, o: ir.Action(
            "short" if o.side == "sell" else "buy", order=o, span=_span(p)
        ),
    ),
)
PLAIN_INTRO = alt(
    tok("WHEN"),
    tok("AFTER"),  # "after 4 up closes in a row, go short"
    tok("WHILE"),
)
ONLY_INTRO = alt(seq(tok("ONLY"), opt(tok("WHEN"))), seq(tok("WHEN"), tok("ONLY")))
INTRO = alt(PLAIN_INTRO, ONLY_INTRO)


def _when(intro: Any, x: Any, unless: Any) -> Any:
    if not (isinstance(intro, Lexeme) and intro.kind in ("WHEN", "AFTER")):
        x = as_state(x)  # "while the 10 SMA moves above the 30 SMA", "only when ...": a state
    if unless is None:
        return x
    comma, exception = unless
    if comma is not None:
        return ir.UnlessGroup("all", (x, ir.Not(as_state(exception))))
    return ir.Group("all", (x, ir.Not(as_state(exception))))


# "unless C", "but never when C": an exception to the rule
UNLESS = alt(tok("UNLESS"), seq(opt(tok("AND")), tok("NEVER"), tok("WHEN"), build=lambda *a: a))
EXCEPTION = seq(opt(tok("COMMA")), UNLESS, cond, build=lambda c, _u, x: (c, x))


def _when_clause(intro: Parser) -> Parser:
    return alt(
        seq(
            intro,
            cond,
            # "..., unless RSI(14) is over 75": the comma only sets the exception off
            opt(EXCEPTION),
            build=_when,
        ),
        seq(intro, cond, calendar, build=lambda _i, x, c: ir.Group("all", (x, c))),
        # "Sell when the close crosses below the 10-day EMA, in any month": every date, as with
        # none said; never beside a date of the rule's own ("in March, in any month")
        seq(
            intro,
            cond,
            opt(tok("COMMA")),
            tok("ANYDATE"),
            build=lambda _i, x, _c, _a: REJECT if _dated(x) else x,
        ),
    )


def _dated(x: Any) -> bool:
    """A date or time anywhere in the condition (groups, negations, restatements)."""
    if isinstance(x, ir.Calendar):
        return True
    if isinstance(x, tuple):
        return any(map(_dated, x))
    if is_dataclass(x):
        return any(_dated(getattr(x, f.name)) for f in fields(x))
    return False


plain_when = _when_clause(PLAIN_INTRO)
only_when = _when_clause(ONLY_INTRO)
when_clause = alt(plain_when, only_when)


def _not_a_price(x: Any) -> bool:
    """ "take profit at 4 ATR" is a distance: a number or an ATR is no price to exit at, nor is
    "4 ATR(14)", a product of the two."""
    if isinstance(x, ir.Num):
        return True
    if isinstance(x, ir.Arith) and x.op in ("*", "/"):
        # "take profit at 3 ATR(14)": a multiple of an ATR is a distance too
        return _not_a_price(x.left) and _not_a_price(x.right)
    return isinstance(x, ir.Mention) and x.name not in PRICE_SCALE


def _first_time(action: Any, x: Any) -> Any:
    """ "Go long the first time the 15 EMA closes above the 40 EMA": on the bar it crosses (a
    comparison of two things only; any other condition is refused). An entry only: "sell the
    first time the close is above the 5 SMA" is the first bar of the trade it holds on, which
    need not be a crossing."""
    if getattr(action, "verb", None) not in ("buy", "short", "enter"):
        return REJECT
    if not isinstance(x, ir.Cmp) or x.op not in ("<", ">") or x.kind == "cross" or x.both:
        return REJECT
    if x.left is None or x.right is None:
        return REJECT
    op = "crosses_above" if x.op == ">" else "crosses_below"
    return _rule(action, replace(x, op=op, kind="cross"))


def _signal_rule(signal: Lexeme, x: Any) -> Any:
    """ "<condition> is my buy signal" (or long, sell, short signal)."""
    first = signal.text.lower().split()[0]
    verb = {"buy": "buy", "long": "buy", "sell": "sell", "short": "short"}.get(first)
    return REJECT if verb is None else _rule(ir.Action(verb, span=_span(signal)), x)


def _zone_agrees(x: Any, zone: Lexeme) -> bool:
    """A level below for oversold, above for overbought."""
    wanted = "<" if zone.kind == "OVERSOLD" else ">"
    return isinstance(x, ir.Cmp) and x.op == wanted and isinstance(x.right, ir.Num)


def _named_entry(x: Any, zone: Lexeme | None, entry: Lexeme) -> Any:
    """ "<condition> is oversold, that's my entry": the zone word must agree with the condition
    (a level below for oversold, above for overbought), else the text contradicts itself."""
    if zone is not None and not _zone_agrees(x, zone):
        return REJECT
    return _rule(ir.Action("entry_n", span=_span(entry)), x)


def _entry_cross(pair: Any, cross: Any, action: ir.Action) -> Any:
    way = {"buy": "crosses_above", "short": "crosses_below"}.get(action.verb)
    if pair is REJECT or way is None or not pair[0].numbers[0] < pair[1].numbers[0]:
        return REJECT  # "21/9 cross = long": the slower line first contradicts a bull cross
    return _rule(action, ir.Event("cross", pair[0], way, pair[1], _span(pair[0], cross)))


@dataclass(frozen=True)
class ArrowSetOff(ir.UnlessGroup):
    """ "A -> buy, as long as C": C may also be meant for a rule after it in the sentence, which
    is then refused (:mod:`.sentence`)."""


def _arrow_set_off(action: ir.Action, x: Any, tail: Any) -> Any:
    both = _set_off(x, tail)
    if not isinstance(both, ir.UnlessGroup):
        return REJECT  # "A or B and C -> buy, as long as D": never guessed
    return _rule(action, ArrowSetOff(both.logic, both.items))


def _percent_subject(x: Any) -> bool:
    """ "3% under the 20sma" is a distance from a line, never a percentage compared with it."""
    return isinstance(x, ir.Cmp) and isinstance(x.left, ir.Num) and x.left.percent


def _rule(action: ir.Action, x: Any) -> Any:
    if action.word == "out" and _calendar_only(x):
        return REJECT  # "Out on Fridays": flat that day, or no trades that day? never guessed
    return ir.Rule(action, x, _span(action, x))


def _after_if(action: ir.Action, event: Any, x: Any) -> Any:
    """ "Buy after E if C": both; an "or" on either side ("if A or B") is never grouped."""
    if any(isinstance(y, ir.Group) and y.logic != "all" for y in (event, x)):
        return REJECT
    return _rule(action, ir.Group("all", (event, x)))


def _new_extreme(extreme: Any) -> Any:
    if not isinstance(extreme, ir.Channel) or not extreme.previous:
        return REJECT
    return ir.Cmp(ir.Price("Close"), ">" if extreme.kind == "max" else "<", extreme, "motion")


def _channel_of(x: Any, period: float) -> bool:
    """The definition is one comparison with the N-day high or low the label named."""
    return isinstance(x, ir.Cmp) and any(
        isinstance(side, ir.Channel) and side.period == period for side in (x.left, x.right)
    )


def _fronted(rule: Any) -> Any:
    return rule if rule is REJECT else replace(rule, fronted=True)


def _calendar_only(x: Any) -> bool:
    if isinstance(x, ir.Group):
        return all(map(_calendar_only, x.items))
    return isinstance(x, ir.Calendar)


_EVENT_OR_BREAK = alt(event_atom, break_atom)
_NAMED_ACTIONS = ("BUY", "SELL", "SHORT", "COVER", "EXIT", "ENTRY_N", "EXIT_N")
_NAMED_ACTION_WORDS = frozenset({"buy", "sell", "short", "cover", "exit", "entry", "long entry"})
rule_stmt = alt(
    seq(action_phrase, plain_when, build=_rule),
    # "Buy after 4 higher closes in a row if the 20-day SMA is rising": "if" after the event
    # adds its condition (both must hold); only "if", only after "after"
    seq(
        action_phrase,
        tok("AFTER"),
        cond,
        tok("WHEN", when=lambda lx: lx.text.lower() == "if"),
        cond,
        build=lambda a, _f, x, _i, y: _after_if(a, x, y),
    ),
    # "Buy only when ADX(14) is above 25": with other buy rules it restricts them, never adds
    # an alternative trigger
    seq(
        action_phrase,
        only_when,
        build=lambda a, x: ir.Rule(a, x, _span(a, x), only=True),
    ),
    seq(
        when_clause,
        opt(tok("COMMA", "COLON")),  # "if rsi < 30: buy"
        opt(tok("THEN")),
        action_phrase,
        build=lambda x, _c, _t, a: _rule(a, x),
    ),
    # "when adx(14) goes above 20, buy, except in december": the exception after the action
    # holds for the whole rule (as after an arrow rule)
    seq(
        plain_when,
        tok("COMMA"),
        action_phrase,
        EXCEPTION,
        build=lambda x, _c, a, e: _rule(a, _when(None, x, e)),
    ),
    seq(cond, tok("ARROW"), action_phrase, build=lambda x, _a, a: _rule(a, x)),
    # "When SuperTrend flips up -> go long": "when" or "if" and the arrow (not "as long as X, Y
    # -> sell", where X may belong to the rule before)
    seq(
        tok("WHEN", when=lambda lx: lx.text.lower() in ("when", "if", "whenever")),
        cond,
        tok("ARROW"),
        action_phrase,
        build=lambda w, x, _a, a: _rule(a, _when(w, x, None)),
    ),
    # "close < sma(20)*0.97 -> buy (3% under the 20sma)": the bracket restates the condition,
    # checked to say exactly the same (else refused as saying something else)
    seq(
        cond,
        tok("ARROW"),
        action_phrase,
        tok("LPAR"),
        alt(
            seq(cond, build=lambda n: REJECT if _percent_subject(n) else n),
            # "(3% under the 20sma)": the subject is the condition's own
            seq(
                PCT,
                tok("CMP", when=lambda lx: lx.value in ("<", ">")),
                operand,
                build=lambda p, c, y: _pct_cmp(None, None, p, c, y),
            ),
        ),
        tok("RPAR"),
        build=lambda x, _a, a, _l, note, _r: _rule(a, ir.Restate(x, note)),
    ),
    # "rsi(9) crosses above 30 between 09:45 and 11:30 -> buy": the window (or day, month) for
    # the whole condition, as in "buy when ... between 09:45 and 11:30"
    seq(
        cond,
        calendar,
        tok("ARROW"),
        action_phrase,
        build=lambda x, c, _a, a: (
            REJECT
            if isinstance(x, ir.Calendar) or (isinstance(x, ir.Group) and x.logic != "all")
            else _rule(a, ir.Group("all", (x, c)))
        ),
    ),
    # "ema 9/21 cross = long": the pair's crossing with no way said takes it from the entry
    # (the faster line up for a long, down for a short; an exit's way is never guessed)
    seq(
        ind_pair,
        tok("CROSS", when=lambda lx: lx.text.lower() in ("cross", "crossover")),
        tok("ARROW"),
        action_phrase,
        build=lambda pair, c, _a, a: _entry_cross(pair, c, a),
    ),
    # "either A or B -> buy, as long as C": C set off after the arrow rule holds for all of it,
    # as "A or B, as long as C -> buy" (in a sentence of one rule only: :func:`_set_off`)
    seq(
        cond,
        tok("ARROW"),
        action_phrase,
        tok("COMMA"),
        tok("WHILE"),
        cond,
        build=lambda x, _a, a, _c, _w, c: _arrow_set_off(a, x, c),
    ),
    # "stoch %k < 10 = buy, but never when volume < its 20d avg": the exception after the rule
    seq(
        cond,
        tok("ARROW"),
        action_phrase,
        EXCEPTION,
        build=lambda x, _a, a, e: _rule(a, _when(None, x, e)),
    ),
    # "..., crossing back under = exit": a bare crossing with its direction mirrors the one
    # crossing of the counterpart rule, and must be its opposite (else refused)
    seq(
        tok("CROSS", when=lambda lx: lx.value in ("crosses_above", "crosses_below")),
        tok("ARROW"),
        action_phrase,
        build=lambda c, _a, a: ir.Mirror(a, True, c.value, _span(c)),
    ),
    # "cross back = out": the opposite of the counterpart rule's one crossing ("back" says it)
    seq(
        tok("CROSS", when=lambda lx: lx.value == "cross" and "back" in lx.text.lower()),
        tok("ARROW"),
        action_phrase,
        build=lambda c, _a, a: ir.Mirror(a, True, None, _span(c)),
    ),
    # "W%R(14) under -80 = oversold = buy": the zone only names the condition (and must agree)
    seq(
        cond,
        tok("ARROW"),
        tok("OVERSOLD", "OVERBOUGHT"),
        tok("ARROW"),
        action_phrase,
        build=lambda x, _a, z, _b, a: _rule(a, x) if _zone_agrees(x, z) else REJECT,
    ),
    # "CCI(20) under -150 is oversold, that's my entry" (the zone only names the condition)
    seq(
        cond,
        opt(seq(tok("IS"), tok("OVERSOLD", "OVERBOUGHT"), build=lambda _i, z: z)),
        tok("COMMA"),
        tok("THAT"),
        opt(tok("IS")),
        tok("ENTRY_PRICE", "ENTRY_N"),
        build=lambda x, z, _c, _t, _i, e: _named_entry(x, z, e),
    ),
    # "Three down closes in a row and I buy", "RSI(2) above 95 ..., then I short"
    seq(
        cond,
        opt(tok("COMMA")),
        tok("THEN", "AND"),
        action_phrase,
        build=lambda x, _c, _t, a: REJECT if isinstance(x, ir.Calendar) else _rule(a, x),
    ),
    seq(  # "Entry is the close crossing above the 50 EMA, exit is ..."
        tok("ENTRY_N", "EXIT_N", "EXIT"),
        tok("IS"),
        opt(tok("WHEN")),
        cond,
        build=lambda h, _i, _w, x: _rule(ir.Action(_VERBS[h.kind], span=_span(h)), x),
    ),
    seq(  # "The exit is happening when CCI crosses down the +100 line": the same
        tok("ENTRY_N", "EXIT_N", "EXIT"),
        tok("IS", when=lambda lx: lx.text.lower() == "is"),
        tok("HAPPENING"),
        tok("WHEN"),
        cond,
        build=lambda h, _i, _h, _w, x: _rule(ir.Action(_VERBS[h.kind], span=_span(h)), x),
    ),
    seq(  # "CCI(20) crossing up through -100 is my buy signal"
        cond,
        tok("IS"),
        tok("POSITIVE", "NEGATIVE", when=lambda lx: lx.text.lower().endswith(" signal")),
        build=lambda x, _i, s: _signal_rule(s, x),
    ),
    seq(
        action_phrase,
        tok("COLON", "ARROW"),
        opt(tok("WHEN")),
        cond,
        build=lambda a, _c, _w, x: _rule(a, x),
    ),
    seq(action_phrase, tok("ON"), event_atom, build=lambda a, _o, x: _rule(a, x)),
    # "buy every monday": on each of those days, as "buy on mondays" (right after the side word
    # only: "but not every friday" is not "never on a friday")
    seq(
        action_phrase,
        opt(tok("ON")),
        tok("EVERY", when=lambda lx: lx.text.lower() in ("every", "each")),
        weekday_list,
        build=lambda a, o, e, d: _rule(a, ir.Calendar("weekdays", _days(d), span=_span(o, e, d))),
    ),
    # "buy 3 red days in a row": after the run of candles, as "buy after 3 red days in a row"
    seq(action_phrase, candle_run, build=lambda a, x: _rule(a, x)),
    # "go short on cross down": the noun with its way and no article, of the pair named before
    seq(
        action_phrase,
        tok("ON"),
        tok("CROSS", when=lambda lx: lx.text.lower() in _WAY_CROSS_NOUNS),
        build=lambda a, _o, c: _rule(a, ir.Event("cross", None, c.value, None, _span(c))),
    ),
    # an event, or a break said as a noun ("Buy the breakout of the 55-day high", "short a
    # breakdown below the lower band"), and perhaps a when-clause after it
    seq(
        action_phrase,
        opt(tok("ON")),
        _EVENT_OR_BREAK,
        when_clause,
        build=lambda a, _o, x, w: _rule(a, ir.Group("all", (x, w))),
    ),
    seq(action_phrase, _EVENT_OR_BREAK, build=lambda a, x: _rule(a, x)),
    # "Long on a 12/40 EMA bullish crossover, except in May": the exception after the event
    seq(
        action_phrase,
        opt(tok("ON")),
        event_atom,
        EXCEPTION,
        build=lambda a, _o, x, e: _rule(a, _when(None, x, e)),
    ),
    seq(action_phrase, tok("AFTER", "ON"), cond, build=lambda a, _o, x: _rule(a, x)),
    # "Buy the dip (close below the 10-day SMA) while ...": the bracket defines the dip
    seq(
        tok("BUY", when=lambda lx: "dip" in lx.text.lower()),
        tok("LPAR"),
        cond,
        tok("RPAR"),
        opt(plain_when),
        build=lambda b, _l, x, _r, w: (
            _rule(
                ir.Action("buy", span=_span(b), word=b.text.lower()),
                x if w is None else ir.Group("all", (x, w)),
            )
            if points(x, up=False)  # a dip is below something, or falling
            else REJECT
        ),
    ),
    # "Buy the 50-day breakout (a close above the highest high of the previous 50 days) unless
    # ...": the bracket defines the breakout, over the same number of days
    seq(
        tok("BUY", "SHORT"),
        NUM,
        tok("UNIT", "BREAKOUT"),
        tok("LPAR"),
        cond,
        tok("RPAR"),
        opt(
            seq(opt(tok("COMMA")), tok("UNLESS"), cond, build=lambda _c, _u, x: ir.Not(as_state(x)))
        ),
        build=lambda b, n, u, _l, x, _r, unless: (
            _rule(
                ir.Action(_VERBS[b.kind], span=_span(b), word=b.text.lower()),
                x if unless is None else ir.Group("all", (x, unless)),
            )
            if _channel_of(x, n.value) and (u.kind != "BREAKOUT" or points(x, up=u.value == "up"))
            else REJECT
        ),
    ),
    # "sell on the first close above ...": an exit fires on the first bar anyway
    seq(
        tok("SELL", "EXIT", "COVER"),
        tok("ON"),
        tok("FIRST"),
        cond,
        build=lambda a, _o, _f, x: _rule(_action(None, a, ()), x),
    ),
    # "sell on the first close that is lower than the previous day's close": the same, the
    # comparison said after "that" (of the close, and only a plain comparison)
    seq(
        tok("SELL", "EXIT", "COVER"),
        tok("ON"),
        tok("FIRST"),
        tok("PRICE", when=lambda lx: lx.text.lower() == "close"),
        tok("THAT", when=lambda lx: lx.text.lower() in ("that", "which")),
        cond,
        build=lambda a, _o, _f, c, _t, x: (
            _rule(_action(None, a, ()), replace(x, left=ir.Price("Close", span=_span(c))))
            if isinstance(x, ir.Cmp) and x.left is None and x.kind == "static"
            else REJECT
        ),
    ),
    # "exit on the first up close", "cover on a down day": the close beyond the one before
    seq(
        tok("SELL", "EXIT", "COVER"),
        tok("ON"),
        opt(tok("FIRST")),
        tok("UPWORD", "DOWNWORD"),
        alt(
            tok("PRICE", when=lambda lx: lx.text.lower() == "close"),
            tok("UNIT", when=lambda lx: lx.text.lower() in ("day", "bar")),
        ),
        build=lambda a, _o, _f, d, c: _rule(
            _action(None, a, ()), ir.Trend(ir.Price("Close"), d.value, 1, _span(d, c))
        ),
    ),
    # "Buy on a new 20-day high", "Sell on a new 10-day low": the close beyond the prior N bars
    seq(action_phrase, tok("ON"), channel, build=lambda a, _o, c: _rule(a, _new_extreme(c))),
    # "Buy new 100-day closing highs" (the plural: each new one)
    seq(
        action_phrase,
        NUM,
        tok("UNIT"),
        tok("CLOSINGEXT", when=lambda lx: lx.text.lower().endswith("s")),
        build=lambda a, n, _u, e: (
            _rule(a, _new_extreme(ir.Channel(e.value, "Close", n.value, True, _span(n, e))))
            if float(n.value).is_integer() and n.value >= 2
            else REJECT
        ),
    ),
    seq(  # "I'm buying closes under the lower band": the bar that closes there
        action_phrase,
        cond,
        build=lambda a, x: (
            _rule(a, x)
            if isinstance(x, ir.Cmp) and x.kind == "close" and x.left is None
            else REJECT
        ),
    ),
    seq(  # "Buy RSI(2) below 10, sell RSI(2) above 90": a comparison with its own subject
        action_phrase,
        cond,
        build=lambda a, x: (
            _rule(a, x)
            if isinstance(x, ir.Cmp) and x.kind == "static" and isinstance(x.left, ir.Mention)
            else REJECT
        ),
    ),
    seq(  # "When RSI(2) < 10 i'm in" (never "I am in while ...", which says how long)
        _when_clause(tok("WHEN")),
        opt(tok("COMMA")),
        tok("IMIN"),
        build=lambda x, _c, i: _rule(ir.Action("enter", span=_span(i), word=i.text.lower()), x),
    ),
    seq(  # "Buy signal: RSI(14) < 30", "Sell signal: ..."
        tok("POSITIVE", "NEGATIVE", when=lambda lx: lx.text.lower().endswith(" signal")),
        tok("COLON"),
        cond,
        build=lambda s, _c, x: _signal_rule(s, x),
    ),
    seq(  # "go long on a close above ...": the "on" is inside the action phrase
        tok(*ACTION_KINDS, when=lambda lx: lx.text.lower().split()[-1] == "on"),
        cond,
        build=lambda a, x: _rule(_action(None, a, ()), x),
    ),
    seq(
        action_phrase,
        tok("AT"),
        operand,
        build=lambda a, _at, level: _rule(
            a, ir.Cmp(None, "touch", level, "touch", span=_span(level))
        ),
    ),
    seq(action_phrase, calendar, build=lambda a, c: _rule(a, c)),
    seq(action_phrase, breakout, build=_rule),  # "buy the 50-day breakout" ("the" is filler)
    seq(cond, opt(tok("COLON")), action_phrase, build=lambda x, _c, a: _rule(a, x)),
    # "rsi 2 under 10, buy": a condition set off before its bare action
    seq(
        cond,
        tok("COMMA"),
        action_phrase,
        build=lambda x, _c, a: REJECT if isinstance(x, ir.Calendar) else _fronted(_rule(a, x)),
    ),
    seq(  # "Williams %R(14) under -90 is my buy" ("my" is filler)
        cond,
        tok("IS"),
        tok(*_NAMED_ACTIONS, when=lambda lx: lx.text.lower() in _NAMED_ACTION_WORDS),
        build=lambda x, _i, a: _rule(_action(None, a, ()), x),
    ),
    # "..., crossing below is my sell": the crossing of the pair just named, the other way
    seq(
        tok(
            "CROSS",
            when=lambda lx: (
                lx.text.lower().startswith("crossing ")
                and lx.value in ("crosses_above", "crosses_below")
            ),
        ),
        tok("IS"),
        tok(*_NAMED_ACTIONS, when=lambda lx: lx.text.lower() in _NAMED_ACTION_WORDS),
        build=lambda c, _i, a: _rule(
            _action(None, a, ()), ir.Cmp(None, c.value, None, "cross", span=_span(c))
        ),
    ),
    seq(action_phrase, zone, build=lambda a, x: _rule(a, x)),
    seq(tok("TARGET"), when_clause, build=lambda t, x: _rule(ir.Action("exit", span=_span(t)), x)),
    seq(CLOSE_VERB, when_clause, build=lambda c, x: _rule(ir.Action("exit", span=_span(c)), x)),
    seq(action_phrase, tok("FIRSTTIME"), cond, build=lambda a, _f, x: _first_time(a, x)),
    # "Close on the bearish crossover": leave the trade on a crossing (an event only)
    seq(
        CLOSE_VERB,
        tok("ON"),
        event_atom,
        build=lambda c, _o, x: _rule(ir.Action("exit", span=_span(c)), x),
    ),
    seq(
        when_clause,
        opt(tok("COMMA")),
        action_phrase,
        calendar,
        build=lambda x, _c, a, cal: _rule(a, ir.Group("all", (x, cal))),
    ),
)
