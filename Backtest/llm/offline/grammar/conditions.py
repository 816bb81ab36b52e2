"""Calendar conditions and lists of conditions joined by and/or."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import (
    REJECT,
    Parser,
    alt,
    lazy,
    longest,
    many,
    opt,
    seq,
    tok,
)
from Backtest.llm.offline.grammar.base import IT, _int, _span
from Backtest.llm.offline.grammar.comparisons import (
    as_state,
    change_atom,
    comparison,
    risk_atom,
    sign_atom,
    streak,
    trend,
    zone,
)
from Backtest.llm.offline.grammar.operands import NUM, UNIT
from Backtest.llm.offline.grammar.patterns import (
    candle,
    event_atom,
    gap,
    inside_day,
    inside_defined_by,
)
from Backtest.llm.offline.lexer import Lexeme


# ---- calendar ---------------------------------------------------------------------------------
def _list(item: Parser, joiners: tuple[str, ...] = ("AND", "OR", "COMMA")) -> Parser:
    return seq(
        item,
        many(seq(many(tok(*joiners), 1), item, build=lambda _j, x: x)),
        build=lambda first, rest: (first, *rest),
    )


weekday_list = alt(
    seq(_list(tok("WEEKDAY")), build=lambda days: days),
    # "mon/tue only": days after slashes are a list too (a slash never joins weekdays otherwise)
    seq(_list(tok("WEEKDAY"), ("SLASH",)), build=lambda days: days),
    seq(tok("WEEKEND"), build=lambda w: (w,)),
)


def _days(items: tuple[Lexeme, ...]) -> tuple[str, ...]:
    values: list[str] = []
    for lexeme in items:
        values += list(lexeme.value) if isinstance(lexeme.value, tuple) else [lexeme.value]
    return tuple(values)


# "in the months (of) May through October": the months named (the words say nothing more)
THE_MONTHS = seq(
    tok("MONTH_N", when=lambda lx: lx.text.lower() == "the months"),
    opt(tok("OF")),
    build=lambda m, _o: m,
)


def _month_span(first: Lexeme, last: Lexeme, *spans: Any) -> Any:
    start, end = first.value, last.value
    months = []
    month = start
    while True:
        months.append(month)
        if month == end:
            break
        month = month % 12 + 1
    return ir.Calendar("months", tuple(months), span=_span(first, last, *spans))


TIME = tok("TIME")
# "... and we're in November through April": the date is in those months ("we are in" read
# only before months here; "we're in a trade" is not a date and stays refused)
WE_ARE_IN = tok("IMIN", when=lambda lx: not lx.text.lower().startswith("i"))
# "is" / "is not" after "the day" or "the month": whether the calendar is negated
IS_OR_NOT = alt(
    seq(tok("IS"), build=lambda _i: False),
    seq(tok("NOT", when=lambda lx: lx.text.lower() == "is not"), build=lambda _n: True),
)
_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekday_span(first: Lexeme, last: Lexeme, *spans: Any) -> Any:
    """ "mon-thu", "Monday through Thursday": the days from the first to the last, in the week's
    order (a range that wraps, "fri-mon", or of one day is refused)."""
    if not isinstance(first.value, str) or not isinstance(last.value, str):
        return REJECT
    start, end = _WEEK.index(first.value), _WEEK.index(last.value)
    if start >= end:
        return REJECT
    return ir.Calendar("weekdays", _WEEK[start : end + 1], span=_span(first, last, *spans))


calendar = alt(
    # "mon-thu", "Monday to Thursday", "from Monday through Thursday", "between Monday and
    # Thursday"
    seq(
        opt(tok("ON", "FROM")),
        tok("WEEKDAY"),
        tok("TO", "UNTIL", "MINUS"),
        tok("WEEKDAY"),
        build=lambda o, a, _t, b: _weekday_span(a, b, o),
    ),
    seq(
        opt(tok("ON")),
        tok("BETWEEN"),
        tok("WEEKDAY"),
        tok("AND"),
        tok("WEEKDAY"),
        build=lambda o, w, a, _t, b: _weekday_span(a, b, o, w),
    ),
    seq(
        opt(tok("ON")),
        weekday_list,
        build=lambda o, d: ir.Calendar("weekdays", _days(d), span=_span(o, d)),
    ),
    # "on any day except Monday": the weekdays named are excluded
    seq(
        opt(tok("ON")),
        tok("ANYDAYEXCEPT"),
        weekday_list,
        build=lambda o, a, d: ir.Calendar("weekdays", _days(d), negate=True, span=_span(o, a, d)),
    ),
    seq(
        opt(alt(tok("IN"), WE_ARE_IN)),
        opt(THE_MONTHS),
        _list(tok("MONTH")),
        build=lambda i, _t, m: ir.Calendar("months", tuple(x.value for x in m), span=_span(i, m)),
    ),
    # "in any month other than August and September": the months named are excluded
    seq(
        opt(tok("IN")),
        tok("ANYMONTHEXCEPT"),
        longest(_list(tok("MONTH"))),  # the list read whole: "other than A and B" is neither
        build=lambda i, a, m: ir.Calendar(
            "months", tuple(x.value for x in m), negate=True, span=_span(i, a, m)
        ),
    ),
    seq(
        opt(alt(tok("FROM", "BETWEEN", "IN"), WE_ARE_IN)),
        opt(THE_MONTHS),
        tok("MONTH"),
        tok("TO", "UNTIL", "MINUS", "AND"),
        tok("MONTH"),
        build=lambda f, _m, a, _t, b: _month_span(a, b, f),
    ),
    seq(
        tok("BETWEEN", "FROM"),
        TIME,
        tok("AND", "TO", "UNTIL", "MINUS"),
        TIME,
        build=lambda b, t1, _a, t2: (
            ir.Calendar("time", time_from=t1.value, time_to=t2.value, span=_span(b, t2))
            if t1.value < t2.value
            else REJECT
        ),
    ),
    # "10:30-15:00", "10:30–15:00": a window written as a range, no word before it (a time
    # is never a number to subtract from)
    seq(
        TIME,
        tok("MINUS"),
        TIME,
        build=lambda t1, _m, t2: (
            ir.Calendar("time", time_from=t1.value, time_to=t2.value, span=_span(t1, t2))
            if t1.value < t2.value
            else REJECT
        ),
    ),
    seq(
        tok("BEFORE"),
        TIME,
        build=lambda b, t: ir.Calendar("time", time_from=0, time_to=t.value, span=_span(b, t)),
    ),
    seq(
        tok("AFTER"),
        TIME,
        build=lambda a, t: ir.Calendar("time", time_from=t.value, time_to=1440, span=_span(a, t)),
    ),
    seq(
        tok("AT"),
        TIME,
        build=lambda a, t: ir.Calendar("time", time_from=t.value, time_to=1440, span=_span(a, t)),
    ),
    # "after 10:00 and before 15:00": one window, read as "after 10:00" and "before 15:00" are
    seq(
        tok("AFTER"),
        TIME,
        tok("AND"),
        tok("BEFORE"),
        TIME,
        build=lambda a, t1, _n, _b, t2: (
            ir.Calendar("time", time_from=t1.value, time_to=t2.value, span=_span(a, t2))
            if t1.value < t2.value
            else REJECT
        ),
    ),
    seq(
        tok("BEFORE"),
        TIME,
        tok("OR"),
        tok("AFTER"),
        TIME,
        build=lambda b, t1, _o, _a, t2: (
            ir.Calendar(
                "time", time_from=t1.value, time_to=t2.value, negate=True, span=_span(b, t2)
            )
            if t1.value < t2.value
            else REJECT
        ),
    ),
    # understood_as's wording: "the day is Monday or Friday", "the day is not Friday"
    seq(
        tok("TODAY", when=lambda lx: lx.text.lower() == "the day"),
        IS_OR_NOT,
        longest(weekday_list),
        build=lambda t, n, d: ir.Calendar("weekdays", _days(d), negate=n, span=_span(t, d)),
    ),
    # "the month is November or December", "the month is not September"
    seq(
        tok("MONTH_N", when=lambda lx: lx.text.lower() == "the month"),
        IS_OR_NOT,
        longest(_list(tok("MONTH"))),
        build=lambda t, n, m: ir.Calendar(
            "months", tuple(x.value for x in m), negate=n, span=_span(t, m)
        ),
    ),
    # "the time of day is from 09:45 to before 15:00"
    seq(
        tok("TIMEOFDAY_N"),
        tok("IS"),
        tok("FROM"),
        TIME,
        tok("TO"),
        opt(tok("BEFORE")),
        TIME,
        build=lambda t, _i, _f, t1, _t, _b, t2: (
            ir.Calendar("time", time_from=t1.value, time_to=t2.value, span=_span(t, t2))
            if t1.value < t2.value
            else REJECT
        ),
    ),
)

cond_ref0 = lazy(lambda: cond)


def _inside_definition(x: Any) -> Any:
    """The bracket after "inside day" must define exactly an inside day: today's high below
    yesterday's and today's low above yesterday's, nothing more and nothing else."""
    return x if inside_defined_by(x) else REJECT


# "Inside day setup (high below prior high, low above prior low)": the name and its definition
# ("Inside day (...)" without "setup" is the name restated by its bracket, :mod:`.sentence`)
inside_with_definition = seq(
    tok("INSIDE", when=lambda lx: not lx.text.lower().replace("’", "'").endswith("'s")),
    tok("SIGNAL_N", "TURNS", when=lambda lx: lx.text.lower() == "setup"),
    tok("LPAR"),
    cond_ref0,
    tok("RPAR"),
    build=lambda _d, _s, _l, x, _r: _inside_definition(x),
)


# ---- condition lists --------------------------------------------------------------------------
def _breakout(n: Lexeme, word: Lexeme) -> Any:
    """ "a 20-day breakout": the close above the highest high of the 20 bars before ("a 20-day
    breakdown": below the lowest low)."""
    period = _int(n.value)
    if period is None or period < 2:
        return REJECT
    up = word.value == "up"
    extreme = ir.Channel("max" if up else "min", "High" if up else "Low", period, True)
    return ir.Cmp(ir.Price("Close"), ">" if up else "<", extreme, "motion", span=_span(n, word))


breakout = seq(NUM, tok("BREAKOUT"), build=_breakout)
atom = alt(
    comparison,
    breakout,
    trend,
    streak,
    calendar,
    zone,
    event_atom,
    sign_atom,
    risk_atom,
    change_atom,
    gap,
    inside_day,
    inside_with_definition,
    candle,
)


def points(x: Any, up: bool) -> bool:
    """Every part of a definition points one way: above / rising (``up``) or below / falling."""
    items = x.items if isinstance(x, ir.Group) and x.logic == "all" else (x,)
    for item in items:
        if isinstance(item, ir.Cmp) and item.op in ("<", "<=", ">", ">="):
            if (item.op in (">", ">=")) != up:
                return False
        elif isinstance(item, ir.Trend):
            if (item.direction == "rising") != up:
                return False
        else:
            return False
    return True


def _defined(term: Lexeme, x: Any) -> Any:
    """The definition must point the way the term does ("the trend is up (close above the 200
    SMA)", "volatility is low, meaning ATR(14) is below ..."); else the text contradicts itself."""
    return x if points(x, term.value == "up") else REJECT


def _last2(_a: Any, b: Any) -> Any:
    return b


def _same_streak(x: Any, close: Lexeme) -> bool:
    """The bracket restates a streak of closes in the same direction."""
    rising = close.value == ">"
    return (
        isinstance(x, ir.Trend)
        and isinstance(x.of, ir.Price)
        and x.of.field == "Close"
        and (x.direction == "rising") == rising
    )


def _holdable(x: Any) -> Any:
    """A condition that can hold on several bars in a row: a line that moved above another
    ("moves above the 30 SMA for 3 days") is above it on each; a crossing said as one ("crosses
    above 30 for 3 days", "a golden cross", "turns positive") happens on one bar, and is
    refused."""
    if isinstance(x, ir.Cmp) and x.op in ("crosses_above", "crosses_below"):
        return as_state(x) if x.kind == "motion" else REJECT
    if isinstance(x, ir.Event) or (isinstance(x, ir.Sign) and x.turn):
        return REJECT  # "a golden cross for 3 days", "turns positive for 3 days": one bar each
    return x


def _held(x: Any, _for: Lexeme, n: Lexeme, *rest: Any) -> Any:
    if _int(n.value) is None or n.value < 2:
        return REJECT
    x = _holdable(x)
    if x is REJECT:
        return REJECT
    if isinstance(x, ir.Trend) and x.bars == 1:
        # "has been rising for 3 bars": rising on each of them, the one reading of both ways
        # to attach "for 3 bars" (which were refused as ambiguous)
        return ir.Trend(x.of, x.direction, int(n.value), x.span)
    return ir.Held(x, int(n.value))


citem_ref = lazy(lambda: citem)

cond_ref = lazy(lambda: cond)
citem: Parser = alt(
    atom,
    seq(tok("NOT"), citem_ref, build=lambda _n, x: ir.Not(as_state(x))),
    seq(
        tok("EITHER"),
        citem_ref,
        tok("OR"),
        citem_ref,
        build=lambda _e, a, _o, b: ir.Group("any", (a, b)),
    ),
    seq(tok("LPAR"), cond_ref, tok("RPAR"), build=lambda _l, x, _r: x),
    # "the trend is up (close above the 200-day SMA)", "volatility is low, meaning ATR(14) is
    # below its 50-day average": the trader's definition is the condition, the term nothing
    seq(
        opt(tok("PRICE", when=lambda lx: lx.value == "Close")),
        opt(tok("IS")),
        tok("VAGUE"),
        tok("LPAR"),
        cond_ref,
        tok("RPAR"),
        build=lambda _p, _i, v, _l, x, _r: _defined(v, x),
    ),
    seq(  # "pulls back to the 20 EMA in an uptrend (50 EMA above 200 EMA)"
        atom,
        tok("VAGUE", when=lambda lx: lx.text.lower().startswith("in ")),
        tok("LPAR"),
        cond_ref,
        tok("RPAR"),
        build=lambda x, v, _l, d, _r: (
            REJECT if _defined(v, d) is REJECT else ir.Group("all", (x, d))
        ),
    ),
    seq(
        opt(tok("PRICE", when=lambda lx: lx.value == "Close")),
        opt(tok("IS")),
        tok("VAGUE"),
        opt(tok("COMMA")),
        tok("DEFINE"),
        cond_ref,
        build=lambda _p, _i, v, _c, _d, x: _defined(v, x),
    ),
    seq(
        atom, tok("LPAR"), cond_ref, tok("RPAR"), build=lambda x, _l, note, _r: ir.Restate(x, note)
    ),
    seq(  # "three red bars in a row (close lower than the open each day)": on each of them
        atom,
        tok("LPAR"),
        cond_ref,
        tok("EVERY", when=lambda lx: lx.text.lower() in ("each", "every")),
        tok("UNIT", when=lambda lx: lx.text.lower() in ("day", "bar", "session")),
        tok("RPAR"),
        build=lambda x, _l, note, _e, _u, _r: (
            ir.Restate(x, ir.Held(note, x.bars)) if isinstance(x, ir.Held) else REJECT
        ),
    ),
    seq(  # "5 up days in a row (each close higher than the one before)": the same streak
        atom,
        tok("LPAR"),
        tok("EVERY", when=lambda lx: lx.text.lower() in ("each", "every")),
        alt(
            tok("CLOSEVERB", when=lambda lx: lx.value in ("<", ">")),
            # "(each close > the one before)": strictly, as the streak ("<=" is another rule)
            seq(
                tok("PRICE", when=lambda lx: lx.value == "Close"),
                tok("CMP", when=lambda lx: lx.value in ("<", ">")),
                build=lambda _p, c: c,
            ),
        ),
        alt(
            seq(tok("ONE"), tok("BEFORE"), build=lambda o, b: b),
            seq(tok("PREV"), tok("PRICE", when=lambda lx: lx.value == "Close"), build=_last2),
        ),
        tok("RPAR"),
        build=lambda x, _l, _e, c, _b, _r: x if _same_streak(x, c) else REJECT,
    ),
    seq(  # "a close above yesterday's high on volume at least 2x the 20-day average volume"
        atom,
        tok("ON"),
        atom,
        build=lambda x, _o, v: (
            ir.Group("all", (x, v))
            if isinstance(v, ir.Cmp)
            and isinstance(v.left, ir.Price)
            and v.left.field == "Volume"
            and not isinstance(x, ir.Calendar)
            else REJECT
        ),
    ),
    seq(  # "the 50sma is rising (higher than it was the day before)": the one-bar rise, again
        atom,
        tok("LPAR"),
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        IT,
        tok("IS", when=lambda lx: lx.text.lower() == "was"),
        tok(
            "PREV",
            when=lambda lx: lx.text.lower() in ("the day before", "the bar before"),
        ),
        tok("RPAR"),
        build=lambda x, _l, c, _p, _i, _b, _r: (
            x
            if isinstance(x, ir.Trend)
            and x.bars == 1
            and (x.direction == "rising") == (c.value == ">")
            else REJECT
        ),
    ),
    # "sma(50) is no longer rising (lower than the bar before)": the one-bar move the rule's
    # negated trend restates, its subject left out; checked against the rule as any restatement is
    # (a "not rising" restated as falling is read as the restatement says, noted)
    seq(
        atom,
        tok("LPAR"),
        opt(IT),
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        opt(seq(IT, tok("IS", when=lambda lx: lx.text.lower() == "was"), build=lambda i, _w: i)),
        tok(
            "PREV",
            when=lambda lx: lx.text.lower() in ("the day before", "the bar before"),
        ),
        tok("RPAR"),
        # ("rising (higher than the day before)" is read by the rules above)
        build=lambda x, _l, _s, c, _w, b, _r: _trend_restated(x, c, b),
    ),
    seq(  # "%K crosses above %D (that's the fast line crossing the slow line)"
        atom,
        tok("LPAR"),
        tok("THAT"),
        tok("IS"),
        cond_ref,
        tok("RPAR"),
        build=lambda x, _l, _t, _i, note, _r: ir.Restate(x, note),
    ),
    seq(atom, tok("FOR"), NUM, opt(tok("ROW")), UNIT, build=_held),
    seq(atom, tok("FOR"), NUM, UNIT, tok("ROW"), build=_held),
    seq(atom, NUM, UNIT, tok("ROW"), build=lambda x, n, u, r: _held(x, r, n)),
    # "RSI(14) is under 30 on two consecutive days" ("on 2 days" alone says nothing of a row)
    seq(atom, tok("ON"), NUM, tok("ROW"), UNIT, build=lambda x, o, n, _r, _u: _held(x, o, n)),
    seq(
        atom,
        opt(tok("ON", "IN")),
        tok("TIMEFRAME", when=lambda lx: lx.text.lower() != "h"),
        build=lambda x, _o, _t: x,
    ),
)


def _trend_restated(x: Any, c: Lexeme, said: Lexeme) -> Any:
    """The rule's negated one-bar trend ("no longer rising") with the bracket's one-bar move,
    to check (a plain trend with its bracket is read by the rules above)."""
    trend = x.cond if isinstance(x, ir.Not) else None
    if not isinstance(trend, ir.Trend) or trend.bars != 1:
        return REJECT
    direction = "rising" if c.value == ">" else "falling"
    return ir.Restate(x, ir.Trend(trend.of, direction, 1, _span(c, said)))


def _only(joiners: list[Lexeme], *_rest: Any) -> str:
    return ",while" if any(j.kind == "COMMA" for j in joiners) else "and"


CONN = alt(
    seq(tok("AND"), build=lambda _a: "and"),
    seq(tok("OR"), build=lambda _o: "or"),
    seq(tok("COMMA"), build=lambda _c: ","),
    seq(tok("COMMA"), tok("AND"), build=lambda _c, _a: "and"),
    seq(tok("COMMA"), tok("OR"), build=lambda _c, _o: "or"),
    # "cover when RSI < 50, or when I have 1.5% of profit": the other way out, its "when" said
    # again (only after "or")
    seq(opt(tok("COMMA")), tok("OR"), tok("WHEN"), build=lambda _c, _o, _w: "or"),
    seq(tok("WHILE", "WITH"), build=lambda _w: "while"),  # "and", of a state (see _cond)
    seq(tok("PLUS"), build=lambda _p: "+"),  # shorthand for "and", see _plus_joins
    seq(tok("AND"), tok("WHILE", "WITH"), build=lambda _a, _w: "while"),
    # "A or B, as long as C" / ", with C" / ", but only if C": the comma sets C off, for all
    # that comes before it
    seq(tok("COMMA"), tok("WHILE", "WITH"), build=lambda _c, _w: ",while"),
    seq(many(tok("AND", "COMMA")), tok("ONLY"), opt(tok("WHEN")), build=_only),
)


def _cond(first: Any, rest: tuple[tuple[str, Any], ...]) -> Any:
    if not rest:
        return first
    # "A while the 10 SMA moves above the 30 SMA": and, where the line is (not its crossing)
    rest = tuple(("and", as_state(x)) if j == "while" else (j, x) for j, x in rest)
    if rest[-1][0] == ",while":
        return _set_off(_cond(first, rest[:-1]), as_state(rest[-1][1]))
    items = [first, *(x for _, x in rest)]
    if not all(_plus_joins(a, b) for a, (j, b) in zip(items, rest, strict=False) if j == "+"):
        return REJECT
    rest = tuple(("and" if j in (",while", "+") else j, x) for j, x in rest)
    for a, b in zip(items, items[1:], strict=False):
        both_calendar = isinstance(a, ir.Calendar) and isinstance(b, ir.Calendar)
        if both_calendar and a.kind == b.kind and a.kind != "time" and a.negate == b.negate:
            # "in November and December" is one list, not two conditions ("the month is
            # January or March and the month is not May" is: one list is negated)
            return REJECT
    joiners = {j for j, _ in rest} - {","}
    if len(joiners) > 1:
        return ir.Group("mixed", (first, *(x for _, x in rest)))
    logic = "any" if joiners == {"or"} else "all"
    return ir.Group(logic, (first, *(x for _, x in rest)))


def _plus_joins(before: Any, after: Any) -> bool:
    """ "+" is "and" only where no sum can be read: after a streak or a bracket ("4 down closes
    in a row + above 200sma", "inside bar (high < prev high, low > prev low) + close < 50sma"),
    before a comparison with its subject left out, or before a comparison of the bar's price
    where no chain with a sum in the middle can be meant (:func:`_no_chain`). "close >
    sma(20) + atr(14) > sma(50)" may be such a chain, and is left to be refused."""
    subjectless = isinstance(after, ir.Cmp) and after.left is None
    price_first = (
        isinstance(after, ir.Cmp)
        and type(after.left) is ir.Price
        and after.left.ago == 0
        and _no_chain(before, after)
    )
    return isinstance(before, (ir.Trend, ir.Restate)) or subjectless or price_first


_UP_OPS = frozenset({">", ">=", "above", "crosses_above"})


def _no_chain(before: Any, after: ir.Cmp) -> bool:
    """Whether "A op B + close op C" cannot be the chain "A op (B + close) op C": the price's
    test is a crossing or a move ("obv > its 50 ema + close crosses above the 50 sma"), the
    test before it is not a static comparison ("mfi(10) x above 20 + vol > its 20d avg"), it
    compares volume (a sum of volume and a price is none: "vol > 1.5x its 50d avg + close more
    than 2% above yday's close"), or the two go opposite ways (a chain that turns round is no
    English: "rsi(3) < 15 + close > 200sma")."""
    if after.kind != "static":
        return True
    if not isinstance(before, ir.Cmp) or before.kind != "static":
        return isinstance(before, ir.Cmp)
    if isinstance(before.left, ir.Price) and before.left.field == "Volume":
        return True
    return (before.op in _UP_OPS) != (after.op in _UP_OPS)


def _set_off(head: Any, tail: Any) -> Any:
    """ "A or B, as long as C" is all(any(A; B); C); marked so that a sentence with several
    rules refuses it ("Buy when A, sell when B, as long as C": C may be meant for both)."""
    if head is REJECT:
        return REJECT
    if isinstance(head, ir.Group) and head.logic == "mixed":
        return ir.Group("mixed", (head, tail))
    plain_all = type(head) is ir.Group and head.logic == "all"
    return ir.UnlessGroup("all", (*(head.items if plain_all else (head,)), tail))


# "on each of the last 5 bars, Close is above SMA(20)" (understood_as): the whole condition
# after the comma held on each bar (understood_as brackets it when more follows)
EACH_OF_LAST = seq(
    tok("ON"),
    tok("EVERY", when=lambda lx: lx.text.lower() == "each"),
    tok("WINDOW", when=lambda lx: lx.text.lower() == "of the last"),
    NUM,
    UNIT,
    build=lambda *items: _int(items[3].value) or REJECT,
)
_cond_list: Parser = seq(citem, many(seq(CONN, citem, build=lambda j, x: (j, x))), build=_cond)
# "... and RSI(14) is under 30 on the same day", "... and ADX(14) is above 25 on that bar": after
# conditions joined by "and", the tail says they hold together on the signal bar, which every
# condition list means; after one condition or an "or" it may name another bar, and is refused
_SAME_BAR = alt(
    seq(
        tok("ON"),
        tok("THAT", when=lambda lx: lx.text.lower() == "the same"),
        alt(
            tok("UNIT", when=lambda lx: lx.text.lower() in ("day", "bar", "session")),
            tok("CLOSES", when=lambda lx: lx.text.lower() == "candle"),
        ),
    ),
    seq(
        tok("ON"),
        tok(
            "TODAY",
            when=lambda lx: lx.text.lower() in ("the same bar", "same day"),
        ),
    ),
    seq(
        tok("ON"),
        tok("THATBAR", when=lambda lx: lx.text.lower() in ("that bar", "that day")),
    ),
)


def _same_bar(x: Any, *_tail: Any) -> Any:
    if type(x) is ir.Group and x.logic == "all" and len(x.items) > 1:
        return x
    return REJECT


cond: Parser = alt(
    _cond_list,
    seq(_cond_list, _SAME_BAR, build=_same_bar),
    seq(
        EACH_OF_LAST,
        tok("COMMA"),
        cond_ref,
        build=lambda n, _c, x: (
            ir.Held(_holdable(x), n) if n >= 2 and _holdable(x) is not REJECT else REJECT
        ),
    ),
)
