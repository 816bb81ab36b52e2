"""Stops, targets, trailing and time exits, sizing, sides and mirrored rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, Parser, State, alt, lazy, many, opt, seq, tok
from Backtest.llm.offline.grammar.base import IT, _int, _span
from Backtest.llm.offline.grammar.comparisons import _distance_pct, after_bars
from Backtest.llm.offline.grammar.conditions import cond
from Backtest.llm.offline.grammar.operands import IND, NUM, PCT, UNIT, operand
from Backtest.llm.offline.grammar.rules import (
    _not_a_price,
    _order,
    action_phrase,
    order_phrase,
    when_clause,
)
from Backtest.llm.offline.lexer import Lexeme


def _distance_atr(mult: Lexeme, ind: Lexeme, period: Lexeme | None) -> Any:
    if ind.value[0] != "ATR":
        return REJECT
    return ir.Distance(
        atr=mult.value, atr_period=_int(period.value) if period is not None else None
    )


# "after 10 days at most": a time exit
time_limit = seq(after_bars, build=lambda b: ir.TimeExit(b[0]))

distance = alt(
    seq(tok("PCT", when=lambda lx: lx.value >= 0), build=_distance_pct),
    seq(NUM, opt(tok("TIMES")), IND, build=lambda n, _t, i: _distance_atr(n, i, None)),
    seq(
        NUM,
        opt(tok("TIMES")),
        IND,
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        build=lambda n, _t, i, _l, p, _r: _distance_atr(n, i, p),
    ),
    seq(tok("TIMES"), NUM, IND, build=lambda _t, n, i: _distance_atr(n, i, None)),
)
FROM_ENTRY = opt(
    alt(
        seq(tok("CMP", "FROM"), tok("ENTRY_N", "ENTRY_PRICE")),
        # "3% above your short entry": a short's entry (the strategy must trade shorts only)
        seq(
            tok("CMP"),
            tok("BUY", "SHORT", when=lambda lx: lx.text.lower() in ("long entry", "short entry")),
        ),
    )
)
LINK = opt(tok("OF", "AT", "ARROW", "COLON", "IS", "TO", "BY"))
PLACE = opt(tok("PLACE", "WITH"))


def _risk(kind: str) -> Any:
    def build(*items: Any) -> Any:
        found = next(
            i
            for i in items
            if isinstance(i, ir.Distance | Lexeme)
            and (isinstance(i, ir.Distance) or i.kind == "PCT")
        )
        value = found if isinstance(found, ir.Distance) else _distance_pct(found)
        where = next(
            (
                i
                for i in items
                if isinstance(i, tuple) and i and isinstance(i[0], Lexeme) and i[0].kind == "CMP"
            ),
            None,
        )
        if where is None or where[0].value not in ("<", ">"):
            return ir.Risk(kind, value)
        lexemes = [i for i in items if isinstance(i, Lexeme)]
        named = where[1]
        side = {"BUY": "long", "SHORT": "short"}.get(named.kind) if len(where) > 1 else None
        return ir.Risk(kind, value, where[0].value, _span(*lexemes, where), side)

    return build


def _unless_hit(items: tuple[Any, ...]) -> Any:
    """ "if neither hits" / "if that doesn't hit": the negation is what the words say;
    "if that hits, sell after 10 days" says something else and is not read."""
    who, negated, bars = items[2], items[3], items[-2]
    if (who.kind == "NEITHER") == (negated is not None) or not _int(bars.value):
        return REJECT
    return ir.TimeExit(int(bars.value), unless_hit=True)


STOP = tok("STOP")
HIGHLOW = tok("HIGHEST", "LOWEST")


def _trail_since_entry(
    trail: Lexeme, d: ir.Distance, cmp: Lexeme, extreme: Lexeme, *rest: Lexeme
) -> Any:
    below = cmp.value == "<"
    if below != (extreme.kind == "HIGHEST"):
        return REJECT  # "below the lowest close": no trail
    return ir.Risk("trailing", d, cmp.value, _span(trail, *rest))


_EXTREME_CLOSE = seq(
    HIGHLOW, tok("PRICE", when=lambda lx: lx.text.lower() == "close"), build=lambda h, _p: h
)


def _each_side(long_word: str, short_word: str, extreme: Any = None) -> Any:
    """ "below (longs) / above (shorts)"; with ``extreme``, "below the highest close (longs) /
    above the lowest close (shorts)" (the highest for the side below, the lowest above)."""

    def side(word: str, who: str, highest: bool) -> Any:
        parts = [tok("CMP", when=lambda lx: lx.text.lower() == word)]
        if extreme is not None:
            parts.append(
                seq(extreme, build=lambda h: h if (h.kind == "HIGHEST") == highest else REJECT)
            )
        kind = "BUY" if who == "longs" else "SHORT"
        parts += [tok("LPAR"), tok(kind, when=lambda lx: lx.text.lower() == who), tok("RPAR")]
        return seq(*parts)

    return seq(
        side(long_word, "longs", long_word == "below"),
        tok("SLASH"),
        side(short_word, "shorts", short_word == "below"),
    )


def _signal_bar_order(who: Lexeme, *items: Any) -> Any:
    """ "Long entries use a limit order at Close * 0.98 (read on the signal bar), cancelled if
    not filled within 1 bar" (understood_as): the order of one side's entries, kept so many
    bars."""
    kind, price, bars = items[1], items[4], items[-2]
    if _int(bars.value) is None:
        return REJECT
    side = "sell" if who.kind == "SHORT" else "buy"
    order = replace(_order(kind, price), side=side, valid_bars=int(bars.value))
    return ir.OrderStmt(order, None)


NEGATIVE_PCT = tok("PCT", when=lambda lx: lx.value < 0)


def _signed(kind: str, pct: Lexeme) -> ir.Risk:
    """ "SL -2%" / "TP +6%": the sign says below or above the entry, the distance is 2% / 6%."""
    return ir.Risk(kind, ir.Distance(percent=abs(pct.value)))


def _sold_at(kind: str, side: str, items: tuple[Lexeme, ...]) -> ir.Risk:
    distance = ir.Distance(percent=abs(items[-1].value))
    return ir.Risk(kind, distance, side, _span(*items))


TARGET = tok("TARGET")
# the risk a stop, target or trailing-stop word sets (also for "Target: none")
RISK_KIND = {"STOP": "stop", "TARGET": "target", "TRAIL": "trailing"}


def _no_risk(_no: Lexeme, what: Lexeme) -> Lexeme:
    return Lexeme(what.kind, RISK_KIND[what.kind], _no.start, what.end, what.text)


_NO_RISK = seq(
    tok("NO", when=lambda lx: lx.text.lower() in ("no", "without")),
    tok("STOP", "TARGET", "TRAIL"),
    build=_no_risk,
)
TRAIL = seq(tok("TRAIL"), opt(STOP), build=lambda t, _s: t)
risk_stmt = alt(
    seq(PLACE, PCT, STOP, FROM_ENTRY, build=_risk("stop")),
    seq(STOP, opt(tok("COLON")), NEGATIVE_PCT, build=lambda _s, _c, p: _signed("stop", p)),
    seq(
        TARGET,
        opt(tok("COLON")),
        tok("PLUS"),
        PCT,
        build=lambda _t, _c, _p, p: _signed("target", p),
    ),
    # "Sell at +8%": a profit on the long, above the entry (a short's is refused: wrong side)
    seq(tok("SELL"), tok("AT"), tok("PLUS"), PCT, build=lambda *i: _sold_at("target", ">", i)),
    seq(PLACE, STOP, LINK, distance, FROM_ENTRY, build=_risk("stop")),
    seq(PLACE, distance, STOP, FROM_ENTRY, build=_risk("stop")),
    # "(exit) on a 3% stop", "or at a 6% target"
    seq(opt(tok("EXIT", "SELL", "COVER")), tok("ON", "AT"), distance, STOP, build=_risk("stop")),
    seq(
        opt(tok("EXIT", "SELL", "COVER")), tok("ON", "AT"), distance, TARGET, build=_risk("target")
    ),
    # "exit at a 10% profit", "cover at a 5% loss" (a percent only)
    seq(
        tok("EXIT", "SELL", "COVER"),
        tok("AT"),
        PCT,
        tok("PROFIT", "LOSS", when=lambda lx: lx.text.lower() in ("profit", "loss")),
        build=lambda _e, _a, p, w: ir.Risk(
            "target" if w.kind == "PROFIT" else "stop", _distance_pct(p)
        ),
    ),
    # "exit on a 5% trailing stop", "sell with a 3 ATR trailing stop"
    seq(
        opt(tok("EXIT", "SELL", "COVER")),
        tok("ON", "WITH"),
        distance,
        TRAIL,
        build=_risk("trailing"),
    ),
    # "Buy to cover with a trailing stop of 2.5 ATR(14)", "sell with a trailing stop of 5%"
    seq(
        tok("EXIT", "SELL", "COVER"),
        tok("WITH"),
        TRAIL,
        LINK,
        distance,
        build=_risk("trailing"),
    ),
    seq(PLACE, PCT, TARGET, build=_risk("target")),
    seq(PLACE, TARGET, LINK, distance, FROM_ENTRY, build=_risk("target")),
    seq(PLACE, distance, TARGET, build=_risk("target")),
    seq(
        TARGET,
        tok("AT", "ON", "WHEN"),
        operand,
        build=lambda _t, _a, x: REJECT if _not_a_price(x) else ir.TargetAt(x),
    ),
    seq(PLACE, PCT, TRAIL, build=_risk("trailing")),
    # understood_as with both sides traded: "Stop loss 3% below (longs) / above (shorts) the
    # entry price", "Take profit 6% above (longs) / below (shorts) the entry price", "Trailing
    # stop 3% below the highest close (longs) / above the lowest close (shorts) since entry"
    seq(
        STOP,
        distance,
        _each_side("below", "above"),
        tok("ENTRY_PRICE"),
        build=lambda _s, d, _w, _e: ir.Risk("stop", d),
    ),
    seq(
        TARGET,
        distance,
        _each_side("above", "below"),
        tok("ENTRY_PRICE"),
        build=lambda _t, d, _w, _e: ir.Risk("target", d),
    ),
    seq(
        TRAIL,
        distance,
        _each_side("below", "above", _EXTREME_CLOSE),
        tok("SINCE_ENTRY"),
        build=lambda _t, d, _w, _e: ir.Risk("trailing", d),
    ),
    # "Trailing stop 10% below the highest close since entry" (understood_as): a long's trail;
    # "above the lowest close" a short's
    seq(
        TRAIL,
        distance,
        tok("CMP", when=lambda lx: lx.text.lower() in ("below", "above")),
        HIGHLOW,
        tok("PRICE", when=lambda lx: lx.text.lower() == "close"),
        tok("SINCE_ENTRY"),
        build=_trail_since_entry,
    ),
    # "a trailing stop 3 x ATR(14) from the highest close since entry": the compiled trail is
    # pulled toward each close and never loosened, the trail of the highest close (a long's);
    # "from the lowest close" a short's; "from the highest high" is not it, and stays refused
    seq(
        TRAIL,
        distance,
        tok("FROM"),
        HIGHLOW,
        tok("PRICE", when=lambda lx: lx.text.lower() == "close"),
        tok("SINCE_ENTRY"),
        build=lambda t, d, _f, h, *rest: ir.Risk(
            "trailing", d, "<" if h.kind == "HIGHEST" else ">", _span(t, *rest)
        ),
    ),
    # "trail it with a 3 ATR(14) stop": "it" is the position, the only thing a stop trails
    seq(
        tok("TRAIL"),
        IT,
        tok("WITH"),
        distance,
        opt(alt(STOP, TRAIL)),
        build=_risk("trailing"),
    ),
    seq(tok("RIDE"), tok("WITH"), distance, TRAIL, build=_risk("trailing")),
    # "Trail a 10% stop", "trail a 3 ATR(20) stop": the verb, then what trails
    seq(
        tok("TRAIL", when=lambda lx: lx.text.lower() == "trail"),
        distance,
        STOP,
        build=_risk("trailing"),
    ),
    seq(PLACE, TRAIL, LINK, distance, build=_risk("trailing")),
    seq(PLACE, distance, TRAIL, build=_risk("trailing")),
    seq(
        tok("HOLD"),
        opt(tok("FOR")),  # "hold 4 bars"
        NUM,
        UNIT,
        # "hold 4 bars, then sell", "Hold for 1 bar and exit"
        opt(seq(opt(tok("COMMA")), tok("THEN", "AND"), tok("SELL", "EXIT"))),
        build=lambda _h, _f, n, _u, _t: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    # "Hold at most 5 bars", "Never hold more than 5 bars": a time exit (a longest hold; a
    # shortest one, "hold more than 5 bars", is not expressible)
    seq(
        tok("HOLD"),
        opt(tok("FOR")),
        tok("CMP", when=lambda lx: lx.value == "<="),
        NUM,
        UNIT,
        build=lambda _h, _f, _c, n, _u: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(
        tok("NEVER", "DONT"),
        tok("HOLD"),
        opt(tok("FOR")),
        tok("CMP", when=lambda lx: lx.text.lower() == "more than"),
        NUM,
        UNIT,
        build=lambda _n, _h, _f, _c, n, _u: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(  # "Get out one day later"
        tok("EXIT", "SELL", "COVER"),
        NUM,
        UNIT,
        tok("LATER"),
        build=lambda _e, n, _u, _l: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(opt(tok("EXIT", "SELL", "COVER")), time_limit, build=lambda _e, t: t),
    seq(  # "Exit 5 bars after entry"
        tok("EXIT", "SELL", "COVER"),
        NUM,
        UNIT,
        tok("AFTER"),
        tok("ENTRY_N", when=lambda lx: lx.text.lower() == "entry"),
        build=lambda _e, n, _u, _a, _n: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    # "Exit any trade after 5 bars" (understood_as; "any" is filler)
    seq(tok("EXIT"), tok("TRADE"), time_limit, build=lambda _e, _t, t: t),
    seq(
        tok("HIGHEST"),
        NUM,
        UNIT,
        tok("BARS_IN_TRADE"),
        build=lambda _h, n, _u, _b: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(
        tok("TIMESTOP"),
        LINK,
        NUM,
        UNIT,
        build=lambda _t, _l, n, _u: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    # "...; max 10 bars", "max 10 days": a longest hold (only a whole clause; "max" before
    # anything else stays a highest value)
    seq(
        tok("HIGHEST", when=lambda lx: lx.text.lower() in ("max", "maximum")),
        NUM,
        tok("UNIT", when=lambda lx: lx.text.lower() in ("bar", "bars", "day", "days")),
        build=lambda _m, n, _u: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(  # "10 day max hold"
        NUM,
        UNIT,
        tok("TIMESTOP"),
        build=lambda n, _u, _t: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(tok("NO"), tok("EXIT_N"), build=lambda _n, _e: ir.NoExit()),
    # understood_as: "There is no exit rule: a position stays open until the end of the data"
    seq(
        tok("IS"),
        tok("NO"),
        tok("EXIT_N", when=lambda lx: lx.text.lower() == "exit rule"),
        tok("COLON"),
        tok("TRADE", when=lambda lx: lx.text.lower() == "position"),
        tok("IS", when=lambda lx: lx.text.lower() == "stays"),
        tok("TO_THE_END"),
        build=lambda *_a: ir.NoExit(),
    ),
    # "No stops, no targets", "no stop loss": none on purpose (checked against the settings)
    seq(
        _NO_RISK,
        many(seq(tok("COMMA", "AND"), opt(tok("AND")), _NO_RISK, build=lambda _c, _a, k: k)),
        opt(tok("FOR_NOW")),
        build=lambda first, rest, _n: ir.NoRisk(
            tuple(k.value for k in (first, *rest)), _span(first, *rest)
        ),
    ),
    seq(  # "if neither gets hit within 8 bars just close it": a time exit beside stop/target
        tok("WHEN"),
        tok("NEITHER"),
        opt(tok("IS", "TURNS")),
        tok("TOUCH"),
        tok("IN"),
        NUM,
        UNIT,
        opt(tok("COMMA")),
        tok("EXIT", "SELL"),
        build=lambda *items: (
            ir.TimeExit(int(items[5].value), unless_hit=True) if _int(items[5].value) else REJECT
        ),
    ),
    seq(  # "and if that doesn't hit, sell after 10 days": a time exit beside the stop/target
        opt(tok("AND")),
        tok("WHEN"),
        alt(tok("THAT", "NEITHER"), IT),
        opt(tok("NOT")),
        opt(tok("IS", "TURNS")),
        tok("TOUCH"),
        opt(tok("COMMA")),
        tok("EXIT", "SELL", "COVER"),
        tok("AFTER"),
        NUM,
        UNIT,
        build=lambda *items: _unless_hit(items),
    ),
    # "and exit after 7 days if neither has been hit": the same, the condition said last
    seq(
        opt(tok("AND")),
        tok("EXIT", "SELL", "COVER"),
        tok("AFTER"),
        NUM,
        UNIT,
        tok("WHEN"),
        alt(tok("THAT", "NEITHER"), IT),
        opt(tok("NOT")),
        opt(tok("IS", "TURNS")),
        tok("TOUCH"),
        build=lambda *items: _unless_hit((None, None, items[6], items[7], items[3], None)),
    ),
    seq(  # "That's the only exit" (after a stop or a time exit)
        tok("THAT"),
        tok("IS"),
        tok("ONLY"),
        tok("EXIT", "EXIT_N"),
        build=lambda *_a: ir.NoExit(),
    ),
    seq(
        tok("HOLD"),
        NUM,
        UNIT,
        opt(seq(tok("THEN"), tok("SELL", "EXIT"))),
        build=lambda _h, n, _u, _t: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(tok("HOLD"), tok("BUY"), tok("WHILE"), cond, build=lambda _h, _b, _w, x: ir.HoldWhile(x)),
)
# "tp 8% sl 3%", "tp 4% / trailing 2%": a stop, target or trail led by its keyword, straight
# after another one (checked in :mod:`.sentence`)
keyed_risk = seq(
    alt(STOP, TARGET, TRAIL),
    opt(alt(tok("COLON"), tok("ARROW", when=lambda lx: lx.text == "="))),  # "SL=3% TP=6%"
    distance,
    build=lambda k, _c, d: ir.Risk(RISK_KIND[k.kind], d),
)
no_exit_except = alt(
    seq(
        tok("NO"),
        tok("EXIT_N"),
        tok("EXCEPT", "WITH"),
        lazy(lambda: risk_stmt),
        build=lambda _n, _e, _x, r: (ir.NoExit(), r),
    ),
    # "the only exit is an 8% trailing stop": that stop, and no exit rule (a stop, a target or
    # a trail; "the only exit is when ..." is no risk and stays refused)
    seq(
        tok("ONLY"),
        tok("EXIT", when=lambda lx: lx.text.lower() == "exit"),
        tok("IS"),
        lazy(lambda: risk_stmt),
        build=lambda o, _e, _i, r: (ir.NoExit(only=r.kind, span=_span(o, r)), r),
    ),
    # "Exit: only a trailing stop of 3 x ATR(14), nothing else": the same under an exit heading
    seq(
        tok("EXIT", when=lambda lx: lx.text.lower() == "exit"),
        tok("COLON"),
        tok("ONLY"),
        lazy(lambda: risk_stmt),
        opt(tok("COMMA")),
        build=lambda e, _c, _o, r, _m: (ir.NoExit(only=r.kind, span=_span(e, r)), r),
    ),
)


def _each_time(state: State, i: int) -> list[tuple[Any, int]]:
    """ "each time" / "every time" closing a size ("Trade 200 shares each time", "25% of equity
    each time"): each trade. Only at the end of the sentence or before a comma: before a
    condition ("each time RSI < 30") it is "whenever", which this never reads."""
    lexeme = state.at(i)
    if lexeme is None or lexeme.kind != "WHEN":
        return []
    if " ".join(lexeme.text.lower().split()) not in ("each time", "every time"):
        return []
    after = state.at(i + 1)
    if after is not None and after.kind != "COMMA":
        return []
    return [(lexeme, i + 1)]


PER_TRADE = alt(tok("PERTRADE"), Parser(_each_time, "EACH_TIME"))


size_stmt = alt(
    # "Position size: half of the account", "Size is a third of equity"
    seq(
        tok("SIZE"),
        LINK,
        tok("HALF_OF"),
        tok("EQUITY"),
        opt(PER_TRADE),
        build=lambda _s, _l, h, _e, _t: ir.Size("equity_fraction", h.value),
    ),
    seq(
        opt(tok("PLACE")),
        tok("HALF_OF"),
        tok("EQUITY"),
        opt(PER_TRADE),
        build=lambda _p, h, _e, _t: ir.Size("equity_fraction", h.value),
    ),
    seq(
        opt(tok("PLACE")),
        PCT,
        tok("OF"),
        tok("EQUITY"),
        opt(PER_TRADE),
        build=lambda _p, pct, _o, _e, _t: ir.Size("equity_fraction", pct.value / 100),
    ),
    seq(  # "25% size"
        PCT,
        tok("SIZE", when=lambda lx: lx.text.lower() in ("size", "position size", "allocation")),
        opt(PER_TRADE),
        build=lambda pct, _s, _t: ir.Size("equity_fraction", pct.value / 100),
    ),
    seq(
        tok("SIZE"),
        opt(PER_TRADE),
        LINK,
        PCT,
        opt(seq(tok("OF"), tok("EQUITY"))),
        opt(PER_TRADE),
        build=lambda _s, _t, _l, pct, _e, _t2: ir.Size("equity_fraction", pct.value / 100),
    ),
    # "size each trade so it risks 1% of equity", "size each trade to risk 1% of equity"
    seq(
        tok("SIZE", when=lambda lx: lx.text.lower() == "size"),
        PER_TRADE,
        alt(tok("TO"), IT),
        tok("RISK"),
        PCT,
        opt(seq(tok("OF"), tok("EQUITY"))),
        build=lambda _s, _t, _i, _r, pct, _e: ir.Size("risk_percent", pct.value, None),
    ),
    seq(
        opt(seq(tok("SIZE"), tok("COLON"))),  # "Position sizing: risk 0.5% ..."
        tok("RISK"),
        PCT,
        opt(seq(tok("OF"), tok("EQUITY"))),
        opt(PER_TRADE),
        opt(seq(tok("WITH"), PCT, STOP, build=lambda _w, p, _s: _distance_pct(p))),
        build=lambda _h, _r, pct, _e, _t, stop: ir.Size("risk_percent", pct.value, stop),
    ),
    seq(
        opt(tok("PLACE", "TRADE", "BUY")),
        NUM,
        tok("SHARES"),
        # "200 shares each": each trade
        opt(alt(PER_TRADE, tok("EVERY", when=lambda lx: lx.text.lower() == "each"))),
        build=lambda _p, n, _s, _t: ir.Size("units", n.value),
    ),
    seq(  # "Size: 100 units" (understood_as), "size 200 shares"
        tok("SIZE", when=lambda lx: lx.text.lower() == "size"),
        opt(tok("COLON")),
        NUM,
        tok("SHARES"),
        build=lambda _s, _c, n, _u: ir.Size("units", n.value),
    ),
    seq(  # understood_as: "Size: risk 2% of equity per trade (the loss if the stop loss is
        # hit), never more than the equity can buy"
        tok("SIZE", when=lambda lx: lx.text.lower() == "size"),
        tok("COLON"),
        tok("RISK"),
        PCT,
        tok("OF"),
        tok("EQUITY"),
        tok("PERTRADE"),
        tok("LPAR"),
        tok("RISK_MEANING"),
        tok("RPAR"),
        opt(tok("COMMA")),
        tok("EQUITY_CAP"),
        build=lambda *items: ir.Size("risk_percent", items[3].value, None),
    ),
    # "all-in on each trade": every trade all in
    seq(tok("ALL_IN"), opt(PER_TRADE), build=lambda _a, _t: ir.Size("equity_fraction", 1.0)),
)
order_stmt = alt(
    seq(opt(tok("PLACE")), order_phrase, when_clause, build=lambda _p, o, x: ir.OrderStmt(o, x)),
    # "When the 10 SMA is above the 30 SMA, place a buy stop 0.5 ATR(14) above today's high"
    seq(
        when_clause,
        tok("COMMA"),
        tok("PLACE"),
        order_phrase,
        build=lambda x, _c, _p, o: ir.OrderStmt(o, x),
    ),
)
_FLIP = tok("TURNS", when=lambda lx: lx.text.lower() == "flip")
_EVERY_SIGNAL = alt(
    tok("OUTPUT", when=lambda lx: lx.text.lower() == "signal"),
    tok("CROSSNOUN", when=lambda lx: lx.text.lower() in ("crossover", "cross over")),
    tok("CROSS", when=lambda lx: lx.text.lower() == "cross"),
)
_SHORTS = tok("SHORT", when=lambda lx: lx.text.lower() in ("short", "shorts"))
_LONGS = tok("BUY", when=lambda lx: lx.text.lower() in ("longs", "long trades"))
_NEVER_LONG = tok("BUY", when=lambda lx: lx.text.lower() in ("go long", "buy", "long", "longs"))
_NEVER_SHORT = tok(
    "SHORT", when=lambda lx: lx.text.lower() in ("go short", "short", "shorts", "sell short")
)
# "... with this one", "in this system": the strategy itself
_THIS_ONE = alt(
    seq(
        tok("WITH", "IN", "ON"),
        tok("THAT", when=lambda lx: lx.text.lower() in ("this", "that")),
        opt(tok("ONE")),
    ),
    # "... of this setup"
    seq(
        tok("OF"),
        tok("THAT", when=lambda lx: lx.text.lower() in ("this", "that")),
        alt(tok("SIGNAL_N", when=lambda lx: lx.text.lower() == "setup"), tok("ONE")),
    ),
)
# "Don't go long", "don't take the long side of this setup": a whole statement, as "never go
# long" (with a condition it is a filter, read elsewhere)
_DONT_LONG = tok("BUY", when=lambda lx: lx.text.lower() in ("go long", "take the long side"))
_DONT_SHORT = tok("SHORT", when=lambda lx: lx.text.lower() in ("go short", "take the short side"))
# "Long trades only", "Short trades only": the side traded
_SIDE_TRADES = alt(
    tok("BUY", when=lambda lx: lx.text.lower() == "long trades"),
    tok("SHORT", "SHORTING", when=lambda lx: lx.text.lower() == "short trades"),
)
# "Keep it long only", "Trade the short side only": the side traded, said with a verb
_SIDE_VERB = opt(
    alt(tok("HOLD", when=lambda lx: lx.text.lower() == "keep it"), tok("TRADE", "ENTER"))
)
side_stmt = alt(
    seq(tok("NO"), tok("SHORTING"), build=lambda _n, _s: ir.Side("long")),
    # "Only long, no short please", "No longs at all", "I only want shorts": a whole statement
    # ("no shorts when RSI < 30" holds back some shorts: its condition is left unplaced)
    seq(tok("NO"), _SHORTS, opt(_THIS_ONE), build=lambda _n, _s, _t: ir.Side("long")),
    seq(tok("NO"), _LONGS, opt(_THIS_ONE), build=lambda _n, _s, _t: ir.Side("short")),
    # "Never go long with this one.", "Never short.": a whole statement, as "no longs" ("never
    # buy when RSI > 80" has a condition: a filter, read elsewhere)
    seq(tok("NEVER"), _NEVER_LONG, opt(_THIS_ONE), build=lambda _n, _l, _t: ir.Side("short")),
    seq(tok("NEVER"), _NEVER_SHORT, opt(_THIS_ONE), build=lambda _n, _s, _t: ir.Side("long")),
    seq(
        tok("ONLY"),
        tok("SHORT", "BUY", when=lambda lx: lx.text.lower() in ("shorts", "longs")),
        build=lambda _o, s: ir.Side("short" if s.kind == "SHORT" else "long"),
    ),
    # "I only want to test the short side of this one" (the wish is filler)
    seq(
        tok("ONLY"),
        tok("SIDE_N"),
        opt(_THIS_ONE),
        build=lambda _o, s, _t: ir.Side(str(s.value)),
    ),
    seq(tok("DONT"), _DONT_LONG, opt(_THIS_ONE), build=lambda _n, _l, _t: ir.Side("short")),
    seq(tok("DONT"), _DONT_SHORT, opt(_THIS_ONE), build=lambda _n, _s, _t: ir.Side("long")),
    seq(
        _SIDE_TRADES,
        tok("ONLY"),
        build=lambda s, _o: ir.Side("long" if s.kind == "BUY" else "short"),
    ),
    # "Short only - don't take the long side of this setup": the side said twice, agreeing
    seq(
        tok("LONGONLY"),
        tok("MINUS", "COMMA"),
        tok("DONT"),
        _DONT_SHORT,
        opt(_THIS_ONE),
        build=lambda *_a: ir.Side("long"),
    ),
    seq(
        tok("SHORTONLY"),
        tok("MINUS", "COMMA"),
        tok("DONT"),
        _DONT_LONG,
        opt(_THIS_ONE),
        build=lambda *_a: ir.Side("short"),
    ),
    seq(_SIDE_VERB, tok("LONGONLY"), build=lambda _v, _l: ir.Side("long")),
    seq(_SIDE_VERB, tok("SHORTONLY"), build=lambda _v, _s: ir.Side("short")),
    seq(opt(tok("TRADE")), tok("BOTHWAYS"), build=lambda _t, _b: ir.Side("both")),
    seq(
        tok("REVERSE"),
        opt(tok("ON", "WHEN", "AT")),
        tok("OPPOSITE"),
        build=lambda *_a: ir.Side("reverse"),
    ),
    seq(tok("REVERSE"), build=lambda _r: ir.Side("reverse")),
    # "always in the market ... (flip)", "always in, just flip": a sentence of that one word
    # reverses the position on the opposite signal
    seq(_FLIP, build=lambda _f: ir.Side("reverse")),
    seq(tok("LPAR"), _FLIP, tok("RPAR"), build=lambda *_a: ir.Side("reverse")),
    # understood_as: "An opposite entry signal closes the open position and reverses it"
    seq(
        tok("OPPOSITE", when=lambda lx: lx.text.lower() == "opposite"),
        tok("ENTRY_N", when=lambda lx: lx.text.lower() == "entry signal"),
        tok("CLOSES", when=lambda lx: lx.text.lower() == "closes"),
        tok("PRICE", when=lambda lx: lx.text.lower() == "the open"),
        tok("TRADE", when=lambda lx: lx.text.lower() == "position"),
        tok("AND"),
        tok("REVERSE", when=lambda lx: lx.text.lower() == "reverses"),
        IT,
        build=lambda *_a: ir.Side("reverse"),
    ),
    # "flip on every cross", "flip on each signal", "each signal flips the position": every
    # entry signal reverses the position
    seq(
        tok("TURNS", when=lambda lx: lx.text.lower().startswith("flip")),
        tok("ON", "AT"),
        tok("EVERY"),
        _EVERY_SIGNAL,
        build=lambda *_a: ir.Side("reverse"),
    ),
    seq(
        tok("EVERY", when=lambda lx: lx.text.lower() in ("each", "every")),
        _EVERY_SIGNAL,
        tok("TURNS", when=lambda lx: lx.text.lower().startswith("flip")),
        tok(
            "TRADE",
            when=lambda lx: lx.text.lower() in ("the position", "position"),
        ),
        build=lambda *_a: ir.Side("reverse"),
    ),
    seq(  # "just flip on the opposite signal"
        tok("TURNS", when=lambda lx: lx.text.lower().startswith("flip")),
        tok("ON", "AT"),
        tok("OPPOSITE"),
        build=lambda *_a: ir.Side("reverse"),
    ),
)

# understood_as: "Long entries use a limit order at Close * 0.98 (read on the signal bar),
# cancelled if not filled within 1 bar"
signal_bar_order = seq(
    alt(
        tok("BUY", when=lambda lx: lx.text.lower() == "long entries"),
        tok("SHORT", when=lambda lx: lx.text.lower() == "short entries"),
    ),
    tok("PLACE", when=lambda lx: lx.text.lower() == "use"),
    tok("LIMIT", "STOPORDER"),
    opt(tok("ORDER")),
    tok("AT"),
    operand,
    tok("LPAR"),
    tok("SIGNAL_READ"),
    tok("RPAR"),
    opt(tok("COMMA")),
    tok("UNFILLED"),
    NUM,
    UNIT,
    build=_signal_bar_order,
)


_BACK_WAY = {
    "up": "crosses_above",
    "over": "crosses_above",
    "above": "crosses_above",
    "down": "crosses_below",
    "under": "crosses_below",
    "below": "crosses_below",
}


def _mirror(action: ir.Action, opposite: Lexeme, line: Any = None) -> Any:
    """ "the cross back down": the way written must be the mirror's (checked when built);
    "the cross back over signal": so must the line named."""
    words = opposite.text.lower().split()
    direction = _BACK_WAY.get(words[-1]) if "cross" in opposite.text.lower() else None
    if line is not None and direction is None:
        return REJECT  # "on the opposite signal": a line after no crossing
    return ir.Mirror(action, "cross" in opposite.text.lower(), direction, _span(opposite), line)


mirror_stmt = alt(
    seq(action_phrase, tok("ON", "WHEN"), tok("OPPOSITE"), build=lambda a, _o, x: _mirror(a, x)),
    # "cover on the cross back over signal": the line crossed back over, the counterpart's
    seq(
        action_phrase,
        tok("ON", "WHEN"),
        tok("OPPOSITE", when=lambda lx: "cross back" in lx.text.lower()),
        operand,
        build=lambda a, _o, x, line: _mirror(a, x, line),
    ),
    seq(
        tok("OPPOSITE"), tok("ARROW", "COLON"), action_phrase, build=lambda x, _c, a: _mirror(a, x)
    ),
    seq(
        tok("REVERSE"), tok("FOR", "TO", "ON"), action_phrase, build=lambda _r, _f, a: ir.Mirror(a)
    ),
)
