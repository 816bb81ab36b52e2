"""Declarations, headings, filters and the sentence: every statement of one sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, is_dataclass, replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, Parser, State, alt, lazy, many, opt, seq, tok
from Backtest.llm.offline.grammar.base import IT, _span
from Backtest.llm.offline.grammar.comparisons import as_state
from Backtest.llm.offline.grammar.conditions import calendar, cond
from Backtest.llm.offline.grammar.listed import all_before
from Backtest.llm.offline.grammar.operands import (
    IND,
    NUM,
    OUTPUT,
    UNIT,
    _pair,
    _with_output,
    ind_pair,
    ind_single,
)
from Backtest.llm.offline.grammar.rules import (
    _VERBS,
    ACTION_KINDS,
    INTRO,
    ArrowSetOff,
    _action,
    _calendar_only,
    action_phrase,
    order_phrase,
    plain_when,
    rule_stmt,
    when_clause,
)
from Backtest.llm.offline.grammar.settings import (
    RISK_KIND,
    distance,
    keyed_risk,
    mirror_stmt,
    no_exit_except,
    risk_stmt,
    side_stmt,
    signal_bar_order,
    size_stmt,
    time_limit,
)
from Backtest.llm.offline.grammar.sides import (
    otherwise_flat,
    price_side,
    price_sides,
    regime_sides,
)
from Backtest.llm.offline.lexer import Lexeme


def _two_listed(count: Lexeme, ind: Lexeme, first: Lexeme, second: Lexeme) -> Any:
    """ "two weighted moving averages, 10 and 30 days", "two EMA, the 9 and the 21": the pair,
    when two are counted and their periods differ."""
    if count.value != 2 or first.value == second.value:
        return REJECT
    return _pair(ind, first.value, second.value, second)


decl_item = alt(
    seq(ind_single, build=lambda m: (m,)),
    seq(
        NUM,
        IND,
        tok("COMMA", "COLON"),
        NUM,
        tok("AND"),
        NUM,
        opt(UNIT),
        build=lambda c, i, _s, a, _a, b, _u: _two_listed(c, i, a, b),
    ),
    seq(tok("RELATIVE"), ind_single, build=lambda _r, m: (m,)),
    ind_pair,
    seq(ind_single, OUTPUT, build=lambda m, o: (_with_output(m, o),)),
)


def _decl(_place: Any, first: Any, rest: tuple[Any, ...]) -> Any:
    mentions: list[ir.Mention] = []
    count = None
    for group in (first, *rest):
        for mention in group:
            if mention is REJECT:
                return REJECT
            if mention.plural and len(mention.numbers) == 1 and not mentions and count is None:
                count = int(mention.numbers[0])  # "two moving averages"
                mentions.append(ir.Mention(mention.name, (), plural=True, span=mention.span))
                continue
            mentions.append(mention)
    return ir.Declare(tuple(mentions), count)


decl_stmt = seq(
    # "Indicator is Williams %R with period 14", "Indicators: RSI(14) and ATR(14)": a label,
    # read only before the indicators it names ("the indicator is above 50" stays refused)
    opt(alt(tok("PLACE", "WITH"), seq(tok("INDICATOR_N"), tok("IS", "COLON")))),
    decl_item,
    many(seq(many(tok("COMMA", "AND"), 1), decl_item, build=lambda _s, d: d)),
    build=_decl,
)

# "ATR is the 14 period one": the period of an indicator named without one (declared, so a
# different period from the one the rules use is refused as unused)
period_decl = seq(
    IND,
    tok("IS"),
    NUM,
    opt(UNIT),
    tok("ONE", when=lambda lx: lx.text.lower() == "one"),
    build=lambda i, _is, n, _u, _o: ir.Declare(
        (ir.Mention(i.value[0], (n.value,), span=_span(i, n)),), None
    ),
)
heading = alt(
    seq(
        tok("ENTRY_N", "EXIT_N", "FILTER_N", *ACTION_KINDS),
        opt(tok("COLON")),
        build=lambda h, c: ir.Heading(_VERBS.get(h.kind, "filter"), c is not None, _span(h, c)),
    ),
    seq(  # "Short setup:" (a "sell setup" could be either side, so it is not read)
        tok("SHORT", "BUY"),
        tok("SIGNAL_N", when=lambda lx: lx.text.lower() == "setup"),
        tok("COLON"),
        build=lambda h, _s, c: ir.Heading(_VERBS[h.kind], True, _span(h, c)),
    ),
)
timeframe = seq(
    opt(tok("ON", "IN", "WITH", "PLACE", "FOR")),
    opt(NUM),
    tok("TIMEFRAME"),
    build=lambda o, n, t: (
        REJECT
        if not _hours_said(o, n, t)
        else ir.Timeframe(t.text if n is None else f"{n.text} {t.text}")
    ),
)


def _hours_said(before: Lexeme | None, n: Lexeme | None, frame: Lexeme) -> bool:
    """ "1h", "4h candles", "on the 1h": hours as a bar size only right after their number, and
    never after "for" / "within" ("RSI < 30 for 3h", "within 4h" are durations)."""
    if " ".join(frame.text.lower().split()) not in ("h", "h candles", "h bars", "h timeframe"):
        return True
    return n is not None and (before is None or before.kind == "ON")


timeframe = alt(
    timeframe,
    seq(timeframe, tok("OF"), tok("TICKER"), build=lambda t, _o, _k: t),
)


_SYMBOL_FIELDS = frozenset({"market", "symbol", "ticker", "instrument", "asset", "stock"})
_BAR_UNITS = frozenset({"d", "day", "days", "h", "hour", "hours", "w", "week", "m", "min"})
PERIODS = tok("UNIT", when=lambda lx: lx.text.lower() in ("period", "periods", "lengths"))
DAYS = tok("UNIT", when=lambda lx: lx.text.lower() in ("day", "days", "bar", "bars"))
_PAIR_SEP = tok("SLASH", "AND", "COMMA")


def _cross_pair(ind: Lexeme, first: Lexeme, second: Lexeme) -> Any:
    pair = _pair(ind, first.value, second.value, second)
    return REJECT if pair is REJECT else ir.Crossover(pair)


strategy_stmt = alt(
    # "MACD zero line strat", "ROC zero-line cross": a name (a rule must compare it with zero)
    seq(
        ind_single,
        tok("ZEROLINE"),
        opt(alt(tok("CROSS", when=lambda lx: lx.value == "cross"), tok("CROSSNOUN"))),
        build=lambda m, z, c: ir.ZeroLine(m, _span(m, z, c)),
    ),
    seq(
        opt(ind_single),
        tok("CROSSNOUN"),
        opt(
            seq(
                tok("WITH", "OF", "FOR"),
                alt(ind_pair, seq(ind_single, build=lambda m: (m,))),
                build=lambda _w, p: p,
            )
        ),
        build=lambda m, _c, pair: ir.Crossover(((m,) if m else ()) + (pair or ())),
    ),
    seq(
        ind_pair,
        tok("CROSSNOUN", "GOLDEN", "CROSS"),
        build=lambda pair, c: ir.Crossover(pair, "golden" if c.kind == "GOLDEN" else "cross"),
    ),
    seq(tok("GOLDEN"), build=lambda _g: ir.Crossover((), "golden")),
    seq(
        tok("GOLDEN"),
        tok("SLASH", "AND", "OR"),
        tok("DEATH"),
        build=lambda _g, _s, _d: ir.Crossover((), "golden"),
    ),
    # "sma crossover 50/200", "ema cross 9 21": the two periods after the noun
    seq(
        IND,
        alt(tok("CROSSNOUN"), tok("CROSS", when=lambda lx: lx.text.lower() == "cross")),
        NUM,
        opt(tok("SLASH", "AND")),
        NUM,
        build=lambda i, _c, a, _s, b: _cross_pair(i, a, b),
    ),
    # "sma 50 200 cross", "ema 9 21 crossover": the two periods with no sign between
    seq(
        IND,
        NUM,
        NUM,
        alt(tok("CROSSNOUN"), tok("CROSS", when=lambda lx: lx.text.lower() == "cross")),
        build=lambda i, a, b, _c: _cross_pair(i, a, b),
    ),
    # "moving average crossover with 10 and 50 day periods", "..., with periods of 10 and 50"
    seq(
        IND,
        tok("CROSSNOUN"),
        opt(tok("COMMA")),
        opt(tok("WITH")),
        alt(
            seq(NUM, _PAIR_SEP, NUM, opt(DAYS), PERIODS, build=lambda a, _s, b, _d, _p: (a, b)),
            seq(
                PERIODS,
                opt(tok("OF")),
                NUM,
                _PAIR_SEP,
                NUM,
                opt(DAYS),
                build=lambda _p, _o, a, _s, b, _d: (a, b),
            ),
        ),
        build=lambda i, _c, _k, _w, pair: _cross_pair(i, *pair),
    ),
)
filter_action = opt(alt(tok(*ACTION_KINDS), tok("PLACE")))


def _filter(negate: bool) -> Any:
    def build(*items: Any) -> Any:
        verb = next(
            (_VERBS[i.kind] for i in items if isinstance(i, Lexeme) and i.kind in _VERBS), None
        )
        x = next(i for i in items if isinstance(i, _COND_TYPES))
        return ir.Filter(ir.Not(as_state(x)) if negate else as_state(x), verb)

    return build


_COND_TYPES = (
    ir.Cmp,
    ir.Trend,
    ir.Zone,
    ir.Sign,
    ir.Event,
    ir.Calendar,
    ir.Held,
    ir.RiskAtom,
    ir.Not,
    ir.Group,
    ir.Restate,
)
NEG = tok("DONT", "NEVER", "NO")


def _only_calendar(action: ir.Action, x: ir.Calendar, _only: Lexeme) -> ir.Filter:
    """ "Be long from November to April only": "only" restricts the entries, it is no trigger."""
    return ir.Filter(x, action.verb if action.verb in ("buy", "short") else None)


_PERIOD_OF = {"weekdays": "day", "months": "month"}


def _restated(
    x: ir.Calendar, _comma: Any, _no: Any, _entries: Any, _that: Any, unit: Lexeme
) -> Any:
    """ "Avoid September, no new entries that month": the tail says the same again; it must name
    the calendar's own period ("that day" after a month is no restatement)."""
    return x if _own_period(x, unit) else REJECT


def _own_period(cal: Any, unit: Lexeme) -> bool:
    """ "that month" after months, "that day" after weekdays: the calendar's own period."""
    return _PERIOD_OF.get(cal.kind) == unit.text.lower().rstrip("s")


restated_calendar = alt(
    calendar,
    seq(
        calendar,
        tok("COMMA"),
        tok("NO"),
        tok("ENTRY_N", "ENTER", "TRADE"),
        tok("THAT"),
        tok("MONTH_N", "UNIT"),
        build=_restated,
    ),
)


def _held_back(cal: Any, what: Lexeme, that: Any) -> Any:
    """ "Except in September: no new buys that month": the entries held back in the calendar's
    days ("that month" must name its own period)."""
    if that is not None and not _own_period(cal, that[1]):
        return REJECT
    return ir.Filter(ir.Not(as_state(cal)), _VERBS.get(what.kind))


# "Except in September: no new buys that month", "In September: no new entries": the calendar
# first, then the entries it holds back
calendar_first = seq(
    alt(
        seq(
            tok("UNLESS", when=lambda lx: lx.text.lower() == "except in"),
            calendar,
            build=lambda _e, cal: cal,
        ),
        calendar,
    ),
    tok("COLON"),
    tok("NO"),
    tok("BUY", "SHORT", "ENTRY_N", "ENTER", "TRADE"),
    opt(seq(tok("THAT"), tok("MONTH_N", "UNIT"))),
    build=lambda cal, _c, _n, what, that: _held_back(cal, what, that),
)


def _filter_stmt() -> Parser:
    """The filter statement itself, for a label before one (defined below)."""
    return filter_stmt


filter_stmt = alt(
    seq(action_phrase, calendar, tok("ONLY"), build=_only_calendar),
    # "Only buy on Fridays, when the close is below the 5-day SMA": the days and the condition,
    # as "buy only when ... on Fridays" (restricting any other rule of the same action)
    seq(
        tok("ONLY"),
        tok("BUY", "SHORT"),
        calendar,
        tok("COMMA"),
        plain_when,
        build=lambda _o, a, cal, _c, x: (
            REJECT
            if x is REJECT or isinstance(x, ir.Calendar)
            else ir.Rule(_action(None, a, ()), ir.Group("all", (cal, x)), _span(a, x), only=True)
        ),
    ),
    seq(tok("ONLY"), filter_action, calendar, build=_filter(False)),
    seq(tok("ONLY"), filter_action, when_clause, build=_filter(False)),
    seq(  # "Only taking longs above the 200 SMA"
        tok("ONLY"),
        price_side,
        build=lambda _o, r: (
            ir.Filter(r.cond, r.action.verb) if r.action.verb in ("buy", "short") else REJECT
        ),
    ),
    # "rsi2 < 5 buy, rsi2 > 70 sell. only above 200sma": a sentence of its own that restricts
    # entries; with both sides traded it is refused in :mod:`..build` (which entries?)
    seq(
        tok("ONLY"),
        opt(tok("WHEN", "WHILE")),
        cond,
        build=lambda _o, _w, x: (
            ir.Filter(x, "bare")
            if isinstance(x, _COND_TYPES) and not isinstance(x, ir.Event)
            else REJECT
        ),
    ),
    seq(NEG, opt(tok(*ACTION_KINDS)), restated_calendar, build=_filter(True)),
    seq(NEG, tok(*ACTION_KINDS), when_clause, build=_filter(True)),
    seq(tok("AVOID"), opt(tok(*ACTION_KINDS)), restated_calendar, build=_filter(True)),
    calendar_first,
    seq(
        tok("FILTER_N"),
        tok("COLON", "IS", "ARROW"),
        opt(tok("THAT")),
        opt(INTRO),
        cond,
        build=_filter(False),
    ),
    # "Filter: never open a new trade on a Friday": the label before a whole filter statement
    seq(tok("FILTER_N"), tok("COLON"), lazy(_filter_stmt), build=lambda _f, _c, s: s),
    # "Trend filter ADX(14) > 25": the label needs no colon before a condition
    seq(tok("FILTER_N", when=lambda lx: "filter" in lx.text.lower()), cond, build=_filter(False)),
)

cond_stmt = alt(
    seq(cond, build=lambda x: REJECT if isinstance(x, ir.Event) else ir.CondOnly(x)),
    seq(tok("WHEN"), cond, build=lambda _w, x: ir.CondOnly(x)),
)


def _time_or_rule(verb: Lexeme, _after: Any, n: Lexeme, _u: Any, _or: Any, _w: Any, x: Any) -> Any:
    """ "out after 3 bars or rsi 2 over 70": a time exit and an exit rule, alternatives (the
    exit verb is said once, for both)."""
    if not float(n.value).is_integer() or n.value < 1 or isinstance(x, ir.Calendar | ir.Group):
        return REJECT
    action = _action(None, verb, ())
    return (ir.TimeExit(int(n.value)), ir.Rule(action, x, _span(verb, x)))


time_or_rule = seq(
    tok("EXIT", "SELL", "COVER"),
    tok("AFTER"),
    NUM,
    UNIT,
    tok("OR"),
    opt(tok("WHEN")),
    cond,
    build=_time_or_rule,
)


def _numbers(separator: str, more: int) -> Parser:
    """A number and at least ``more`` others, each after a ``separator`` ("12/26/9",
    "14,3,3"); value: the number lexemes."""
    return seq(
        NUM,
        many(seq(tok(separator), NUM, build=lambda _s, n: n), more),
        build=lambda first, rest: (first, *rest),
    )


def _bracketed(inside: Parser, build: Any) -> Parser:
    """ "(...)" around ``inside``; ``build(value, brackets_span)`` makes the statements."""
    return seq(tok("LPAR"), inside, tok("RPAR"), build=lambda lp, x, rp: build(x, _span(lp, rp)))


def _params_note(numbers: tuple[Lexeme, ...], *spans: Any) -> Any:
    values = tuple(n.value for n in numbers)
    return (ir.ParamsNote(values, span=_span(*numbers, *spans)),)


SLASHED = _numbers("SLASH", 2)
_PERIOD_WORDS = frozenset({"period", "periods", "period length", "lookback", "length"})
PERIOD_WORD = tok("UNIT", when=lambda lx: lx.text.lower() in _PERIOD_WORDS)
# "Standard 12/26/9" ("standard" is filler), "(12,26,9)": checked against the one indicator;
# "Standard 12/26/9 settings" likewise
# numbers after spaces ("12 26 9"): three at least (two may be a pair of averages)
SPACED = seq(NUM, many(NUM, 2), build=lambda first, rest: (first, *rest))
_LISTED = alt(SLASHED, _numbers("COMMA", 1), SPACED)
params_note = alt(
    seq(SLASHED, opt(tok("SETTINGS")), build=_params_note),
    # "Use the standard 12, 26, 9 settings" ("the standard" is filler): the same check
    seq(
        opt(tok("PLACE", when=lambda lx: lx.text.lower() == "use")),
        _LISTED,
        tok("SETTINGS"),
        build=lambda _u, listed, s: _params_note(listed, s),
    ),
    _bracketed(_numbers("COMMA", 1), _params_note),
    # "default settings (12 26 9)", "settings: 12, 26, 9", "settings 12/26/9": the same check
    seq(
        tok("SETTINGS"),
        opt(tok("COLON", "IS")),
        alt(
            seq(_LISTED, build=lambda x: (x, None)),
            seq(tok("LPAR"), _LISTED, tok("RPAR"), build=lambda _l, x, rp: (x, rp)),
        ),
        build=lambda s, _c, listed: _params_note(listed[0], s, listed[1]),
    ),
)
_STOCH_KEYS = {"%k": 0, "slowing": 1, "%d": 2}


def _stoch_settings(settings: Lexeme | None, _c: Any, first: Any, rest: Any) -> Any:
    """ "Settings: %K 14, slowing 3, %D 3" (in any order): the stochastic's three settings, as
    "(14,3,3)" - checked against the stochastic the rules use, never applied."""
    items = (first, *rest)
    keys = [_STOCH_KEYS[key.text.lower()] for key, _n in items]
    if sorted(keys) != [0, 1, 2]:
        return REJECT
    numbers = tuple(n for _key, n in sorted(zip(keys, (n for _k, n in items), strict=True)))
    values = tuple(n.value for n in numbers)
    stoch = ir.Mention("STOCH", values, span=_span(settings or first[0]))
    return (ir.ParamsNote(values, stoch, span=_span(settings or first[0], *numbers)),)


_STOCH_KEY = alt(
    tok("OUTPUT", when=lambda lx: lx.text.lower() in ("%k", "%d")),
    tok("SMOOTHING", when=lambda lx: lx.text.lower() == "slowing"),
)
_STOCH_SETTING = seq(_STOCH_KEY, NUM, build=lambda k, n: (k, n))
stoch_settings = seq(
    # "Settings:" before them is usually set aside as a title first
    opt(tok("SETTINGS", when=lambda lx: lx.text.lower() in ("settings", "setting"))),
    opt(tok("COLON")),
    _STOCH_SETTING,
    many(seq(tok("COMMA"), _STOCH_SETTING, build=lambda _c, kn: kn), 2),
    build=_stoch_settings,
)
# "... under 20 (Stoch 14,3,3)": the parameters of an indicator the sentence's rule uses
named_params_note = _bracketed(
    ind_single,
    lambda m, span: (
        (ir.ParamsNote(m.numbers, m, span),) if m is not REJECT and m.numbers else REJECT
    ),
)
# "... flips positive (standard 12/26/9), ...": as "Standard 12/26/9", a check only
slash_params_note = _bracketed(SLASHED, _params_note)
# "RSI < 30 (14 period)" after a rule: checked like "Standard 14 period", never applied
period_bracket_note = _bracketed(
    seq(NUM, opt(tok("MINUS")), PERIOD_WORD, build=lambda n, _m, _u: n),
    lambda n, span: (ir.PeriodNote(n.value, span),),
)
# "Use the standard MACD settings": a check that the rules' MACD has the catalogue defaults
# (12/26/9), never applied; a MACD with other parameters is refused as unused
standard_settings = seq(
    opt(tok("PLACE", "WITH")),
    tok("STDSETTINGS"),
    build=lambda _p, s: (ir.ParamsNote((), ir.Mention(s.value, span=_span(s)), _span(s)),),
)


def _atr_period_note(risk: Any, _l: Any, period: Lexeme, _r: Any) -> Any:
    """ "a 3 ATR trailing stop (ATR 14)": the period of the stop's ATR, said after it (a period
    already given must be the same)."""
    distance = getattr(risk, "distance", None)
    if not isinstance(risk, ir.Risk) or distance is None or distance.atr is None:
        return REJECT
    if not float(period.value).is_integer() or period.value < 1:
        return REJECT
    if distance.atr_period not in (None, int(period.value)):
        return REJECT
    return (replace(risk, distance=replace(distance, atr_period=int(period.value))),)


_ATR = tok("IND", when=lambda lx: lx.value[0] == "ATR")
atr_period_note = seq(
    risk_stmt,
    tok("LPAR"),
    alt(
        seq(_ATR, NUM, build=lambda _a, n: n),
        seq(NUM, opt(UNIT), _ATR, build=lambda n, _u, _a: n),
    ),
    tok("RPAR"),
    build=_atr_period_note,
)
# "go long (and close any short)": the entry closes the other side's position, as an opposite
# entry does when both sides are traded (read as that; a verb of the other side is refused)
_closes_other = seq(
    opt(tok("LPAR")),
    tok("AND"),
    tok("PRICE", when=lambda lx: lx.text.lower() in ("close", "closes")),
    tok("BUY", "SHORT", when=lambda lx: lx.text.lower() in ("long", "longs", "short", "shorts")),
    opt(tok("RPAR")),
    build=lambda lpar, _a, _c, other, rpar: other if (lpar is None) == (rpar is None) else REJECT,
)


def _and_close_other(rule: Any, other: Lexeme) -> Any:
    verb = getattr(getattr(rule, "action", None), "verb", None)
    if (verb, other.kind) not in (("buy", "SHORT"), ("short", "BUY")):
        return REJECT
    return (rule, ir.Side("reverse"))


_risk_of_it = seq(
    tok("STOP", "TARGET"),
    distance,
    tok("CMP", when=lambda lx: lx.value in ("<", ">") and " " not in lx.text.strip()),
    IT,
    build=lambda k, d, cmp, it: ir.Risk(RISK_KIND[k.kind], d, cmp.value, _span(k, it)),
)


def _of_the_entry(first: Any, _comma: Lexeme, _and: Any, second: ir.Risk) -> Any:
    """The second risk's "it" is the entry the first one is placed from."""
    if not isinstance(first, ir.Risk) or first.side_of_entry is None:
        return REJECT
    return (first, replace(second, entry_side=first.entry_side))


def _order_after(rule: Any, _comma: Lexeme, _with: Any, order: ir.Order) -> Any:
    """An order said after an entry rule's condition: the entry's own (an exit, a rule with an
    order already, or an order of the other side is refused)."""
    action = getattr(rule, "action", None)
    if not isinstance(rule, ir.Rule) or action is None or action.order is not None:
        return REJECT
    side = {"buy": "buy", "short": "sell"}.get(action.verb)
    if side is None or order.side not in (None, side):
        return REJECT
    return (replace(rule, action=replace(action, order=order)),)


stmt = alt(
    standard_settings,
    stoch_settings,
    atr_period_note,
    # "**Risk:** 3% stop under the entry": the label over a stop or target
    seq(
        tok("RISK", when=lambda lx: lx.text.lower() == "risk"),
        tok("COLON"),
        risk_stmt,
        build=lambda _r, _c, s: (s,),
    ),
    seq(  # "Standard 14 period" ("standard" is filler): checked against the one indicator
        NUM,
        PERIOD_WORD,
        build=lambda n, u: (ir.PeriodNote(n.value, _span(n, u)),),
    ),
    seq(  # "Use 14 periods": the same check, noted (the one indicator's period is never set)
        tok("PLACE", when=lambda lx: lx.text.lower() == "use"),
        NUM,
        PERIOD_WORD,
        build=lambda p, n, u: (ir.PeriodNote(n.value, _span(p, n, u), said=True),),
    ),
    seq(rule_stmt, build=lambda s: (s,)),
    seq(rule_stmt, _closes_other, build=_and_close_other),
    # "buy 50 shares when rsi(3) < 15, limit order 1% below the close": the entry's order
    seq(rule_stmt, tok("COMMA"), opt(tok("WITH")), order_phrase, build=_order_after),
    seq(all_before, build=lambda s: (s,)),
    params_note,
    time_or_rule,
    price_sides,
    otherwise_flat,
    seq(price_side, build=lambda s: (s,)),
    regime_sides,
    seq(cond_stmt, build=lambda s: (s,)),
    seq(filter_stmt, build=lambda s: (s,)),
    seq(risk_stmt, build=lambda s: (s,)),
    # "Put a 5% stop loss on every trade", "stop loss 5% per trade": the stop of each trade,
    # which is what a stop is (a size "per trade" is read by size_stmt, not here)
    seq(risk_stmt, tok("PERTRADE"), build=lambda s, _p: (s,)),
    # "Stop 2 x ATR(14) above the entry, target 3 x ATR(14) below it": "it" is the entry the
    # risk before it named (only there)
    seq(risk_stmt, tok("COMMA"), opt(tok("AND")), _risk_of_it, build=_of_the_entry),
    seq(  # "Use a 3% stop loss on both sides": the stop, and both sides traded (checked)
        risk_stmt,
        tok("ON", "FOR"),
        tok("BOTHWAYS", when=lambda lx: lx.text.lower() == "both sides"),
        build=lambda s, _o, _b: (s, ir.Side("both")),
    ),
    no_exit_except,
    seq(size_stmt, build=lambda s: (s,)),
    seq(signal_bar_order, build=lambda s: (s,)),
    seq(side_stmt, build=lambda s: (s,)),
    # "Exercise 9 (long and short).": the side in a bracket of its own, after a heading
    seq(tok("LPAR"), side_stmt, tok("RPAR"), build=lambda _l, s, _r: (s,)),
    seq(mirror_stmt, build=lambda s: (s,)),
    seq(decl_stmt, build=lambda s: (s,)),
    seq(period_decl, build=lambda s: (s,)),
    seq(timeframe, build=lambda s: (s,)),
    seq(
        tok("ON", "FOR", "IN", "OF"),
        tok("TICKER"),
        build=lambda _o, t: (ir.Timeframe(t.text, symbol=True),),
    ),
    # the fields of a rule list: "Market: AAPL" (the symbol, chosen when run), "Direction: long
    # only", "Target: none"
    seq(
        tok("PRICE", "UNKNOWN", when=lambda lx: lx.text.lower() in _SYMBOL_FIELDS),
        tok("COLON"),
        tok("TICKER"),
        build=lambda _f, _c, t: (ir.Timeframe(t.text, symbol=True),),
    ),
    seq(
        tok("OUTPUT", "UNKNOWN", when=lambda lx: lx.text.lower() in ("direction", "side")),
        tok("COLON"),
        alt(
            seq(side_stmt, build=lambda s: s),
            seq(
                tok("BUY", "SHORT", when=lambda lx: lx.text.lower() in ("long", "short")),
                build=lambda w: ir.Side("long" if w.kind == "BUY" else "short"),
            ),
        ),
        build=lambda _f, _c, s: (s,),
    ),
    seq(  # "Timeframe: 1D", "Timeframe: 4 hours": the bar size (chosen when run)
        tok("TIMEFRAME", when=lambda lx: lx.text.lower() == "timeframe"),
        tok("COLON"),
        NUM,
        tok("UNIT", when=lambda lx: lx.text.lower() in _BAR_UNITS),
        build=lambda _t, _c, n, u: (ir.Timeframe(f"{n.text}{u.text}"),),
    ),
    seq(
        tok("STOP", "TARGET", "TRAIL"),
        tok("COLON"),
        tok("NONE"),
        build=lambda k, _c, n: (ir.NoRisk((RISK_KIND[k.kind],), _span(k, n)),),
    ),
    seq(strategy_stmt, build=lambda s: (s,)),
    seq(  # "Long/short on the 50/200 SMA": both sides, and the pair the rules refer to
        tok("BOTHWAYS"),
        tok("ON", "WITH"),
        ind_pair,
        # "... on the 10/30 EMA cross": the crossing noun names nothing more
        opt(alt(tok("CROSSNOUN"), tok("CROSS", when=lambda lx: lx.text.lower() == "cross"))),
        build=lambda _b, _o, pair, _c: (ir.Side("both"), ir.Crossover(pair)),
    ),
)
SEP = alt(
    tok("COMMA", "AND", "THEN", "COLON", "WITH"),
    seq(tok("COMMA", "AND"), tok("THEN", "AND")),
)


_HEADING_CLASH = {
    "sell": frozenset({"enter", "trade", "entry_n"}),
    "exit": frozenset({"enter", "trade", "entry_n"}),
    "exit_n": frozenset({"enter", "trade", "entry_n", "buy", "short"}),
    "cover": frozenset({"enter", "trade", "entry_n"}),
    "entry_n": frozenset({"sell", "exit", "exit_n", "cover"}),
    "enter": frozenset({"sell", "exit", "exit_n", "cover"}),
}


def _headed(heading_stmt: Any, colon: Any, rest: Any) -> Any:
    said = heading_stmt.colon or colon is not None
    exits = heading_stmt.verb in ("exit", "exit_n", "sell", "cover")
    if said and exits and rest and all(isinstance(r, ir.Risk) for r in rest):
        # "Exit: a trailing stop 3 x ATR(14) from the highest close since entry": the exit
        # heading over a stop, target or trailing stop (each an exit)
        return rest
    if not rest or not isinstance(rest[0], ir.Rule):
        return REJECT  # "Long the breakout: buy when ...": a label before a full rule
    if not heading_stmt.colon and colon is None:
        # "Sell the position when ...": a verb, not a heading, so "the position when ..." is
        # no rule of its own (read that way it became an entry)
        return REJECT
    if rest[0].action.verb in _HEADING_CLASH.get(heading_stmt.verb, frozenset()):
        return REJECT  # "Exit: enter when ...": the heading and the rule disagree
    return rest


_EXIT_VERBS = frozenset({"sell", "exit", "cover", "exit_n"})
_ENTRY_VERBS = frozenset({"buy", "short", "enter", "trade", "entry_n"})


def _last(*items: Any) -> Any:
    return items[-1]


def _is_exit(statement: Any) -> bool:
    if isinstance(statement, ir.TimeExit | ir.Risk | ir.NoExit):
        return True
    return isinstance(statement, ir.Rule) and statement.action.verb in _EXIT_VERBS


def _has_calendar(cond: Any) -> bool:
    """Whether a condition names a weekday, a month or a time of day anywhere in it."""
    if isinstance(cond, ir.Calendar):
        return True
    if is_dataclass(cond):
        return any(_has_calendar(getattr(cond, f.name)) for f in fields(cond))
    if isinstance(cond, tuple):
        return any(_has_calendar(item) for item in cond)
    return False


def _whole_rule(statement: Any) -> bool:
    return isinstance(statement, ir.Rule)


def _cond_first(rule: ir.Rule) -> bool:
    """ "MFI(14) < 20 buy": the condition written before the action."""
    cond_span = getattr(rule.cond, "span", None)
    if not cond_span or cond_span == (0, 0) or rule.action.span == (0, 0):
        return True  # not known: as if condition-first (so that a slash is refused)
    return bool(cond_span[0] < rule.action.span[0])


def _after(statements: list[Any], starts: set[int]) -> list[Any]:
    return [x for i, x in enumerate(statements) if i not in starts]


def _sentence(lead: Any, first: Any, rest: tuple[Any, ...], tail: Any) -> Any:
    statements = list(first)
    starts = {0}  # where a statement may be a fronted rule: the start, or after a slash
    for group in rest:
        if isinstance(group, _AnyTime) and not (
            isinstance(statements[-1], ir.Rule | ir.Mirror)
            and statements[-1].action.verb in _EXIT_VERBS
            and not _has_calendar(getattr(statements[-1], "cond", None))
        ):
            return REJECT  # "buy (any month)": the entries' months are what a filter restricts
        if isinstance(group, _OrExit) and not _is_exit(statements[-1]):
            return REJECT  # "Buy when ... or on a 3% stop": a stop order? never guessed
        if (
            isinstance(group, _AfterThen)
            and isinstance(statements[-1], ir.TimeExit)
            and any(isinstance(x, ir.Rule) and x.action.verb in _EXIT_VERBS for x in group)
        ):
            # "Hold for 5 bars, then exit when RSI > 70": a shortest hold before the exit rule,
            # which is not expressible (never a time exit beside it)
            return REJECT
        if isinstance(group, _AfterColon) and getattr(statements[-1], "fronted", False):
            return REJECT  # "long: A, short: B" is never "long: (A, short): B"
        if isinstance(group, _RiskRun) and not isinstance(statements[-1], ir.Risk):
            return REJECT  # "tp 8% sl 3%": only a stop or target follows another unjoined
        if isinstance(group, _SlashRisk) and not (
            isinstance(statements[-1], ir.Risk) or _whole_rule(statements[-1])
        ):
            return REJECT  # "... = sell / trail 4%": after a stop or a whole rule only
        if isinstance(group, _SlashRule):
            if not (_whole_rule(statements[-1]) and _whole_rule(group[0])):
                return REJECT  # "RSI < 30 / MFI < 20": the slash joins two whole rules only
            if _cond_first(group[0]) and not _cond_first(statements[-1]):
                return REJECT  # "Buy when A / B sell": is the slash an "or" of A and B?
            starts.add(len(statements))
        statements += list(group)
    bare_only = any(isinstance(x, ir.Filter) and x.verb == "bare" for x in statements)
    if bare_only and (len(statements) > 1 or lead is not None):
        return REJECT  # "sell when ..., and only when C": C may be meant for both rules
    if any(isinstance(x, ir.Rule) and x.fronted for x in _after(statements, starts)):
        return REJECT  # "Buy when A, B, sell": is B the buy's or the sell's condition?
    rules = [x for x in statements if isinstance(x, ir.Rule | ir.CondOnly)]
    if len(rules) > 1 and isinstance(rules[-1].cond, ir.UnlessGroup):
        return REJECT  # "Buy when A, sell when B, unless C": C may be meant for both rules
    if len(rules) > 1 and any(isinstance(x.cond, ArrowSetOff) for x in rules):
        return REJECT  # "A -> buy, as long as C, B -> sell": C may be meant for both rules
    if getattr(tail, "kind", None) == "WHICHEVER" and not any(map(_is_exit, statements)):
        return REJECT  # "whichever comes first" only joins exits (which are alternatives anyway)
    if lead is not None and lead.kind == "OTHERWISE":
        first_rule = statements[0]
        if not isinstance(first_rule, ir.Rule) or first_rule.action.verb not in _ENTRY_VERBS:
            return REJECT  # "Otherwise sell": an "else" branch, which is not expressible
        statements.insert(0, ir.Otherwise(_span(lead)))
    if lead is not None and lead.kind == "THEN" and not isinstance(statements[0], ir.Rule):
        return REJECT  # "X. Then Y." of bare conditions is a sequence, which is not expressible
    if (
        lead is not None
        and lead.kind == "OR"
        and statements
        and isinstance(statements[0], ir.CondOnly)
    ):
        statements[0] = ir.CondOnly(statements[0].cond, "or")
    return tuple(statements)


class _OrExit(tuple[Any, ...]):
    """Statements joined by 'or': only read after an exit (checked by :func:`_sentence`)."""


class _RiskRun(tuple[Any, ...]):
    """ "sl 3%" straight after "tp 8%" (or after a slash): only read after a stop or target."""


class _SlashRisk(tuple[Any, ...]):
    """ "/ sl 3%": a stop or target after a slash, read after a stop or a whole rule."""


class _AnyTime(tuple[Any, ...]):
    """ "x down = sell (any month)": an exit rule said to hold all year, which every exit rule
    does (entry filters restrict entries only); only read after an exit rule."""


class _SlashRule(tuple[Any, ...]):
    """ "MFI(14) < 20 buy / MFI(14) > 80 sell": a whole rule after a slash, a new sentence."""


def _slash_rule(_slash: Lexeme, statement: Any) -> Any:
    return _SlashRule(statement)


class _AfterThen(tuple[Any, ...]):
    """Statements after ", then": after a time exit, a sequence (see :func:`_sentence`)."""


class _AfterColon(tuple[Any, ...]):
    """Statements after a colon: never after a fronted rule (see :func:`_sentence`)."""


def _colon_joined(sep: Any, statements: Any) -> Any:
    parts = sep if isinstance(sep, tuple) else (sep,)
    if any(isinstance(p, Lexeme) and p.kind == "COLON" for p in parts):
        return _AfterColon(statements)
    return statements


def _then_joined(sep: Any, statements: Any) -> Any:
    parts = sep if isinstance(sep, tuple) else (sep,)
    if any(isinstance(p, Lexeme) and p.kind == "THEN" for p in parts):
        return _AfterThen(statements)
    return _colon_joined(sep, statements)


def _exit_or(_or: Lexeme, statement: Any) -> Any:
    return _OrExit((statement,)) if isinstance(statement, ir.Risk | ir.TimeExit) else REJECT


# "Exit after 10 bars or on a 3% stop": exits are alternatives anyway, so 'or' joins them;
# "Cover back above VWAP or after 8 bars": a rule's exit or a time exit
exit_or = alt(
    seq(tok("OR"), lazy(lambda: risk_stmt), build=_exit_or),
    # "Exit after 7 days, or earlier at a 6% profit target": a stop or target before the time
    seq(
        opt(tok("COMMA")),
        tok("OR"),
        alt(tok("EARLIER"), tok("AGO", when=lambda lx: lx.text.lower() == "earlier")),
        opt(tok("AT", "ON")),
        lazy(lambda: risk_stmt),
        build=lambda _c, o, _e, _a, r: _exit_or(o, r),
    ),
    seq(tok("OR"), time_limit, build=_exit_or),
    # "..., sell when RSI > 70, or exit after 5 days"
    seq(
        opt(tok("COMMA")),
        tok("OR"),
        tok("EXIT", "SELL", "COVER"),
        time_limit,
        build=lambda _c, o, _e, t: _exit_or(o, t),
    ),
)
tf_stmt = alt(
    seq(timeframe, build=lambda s: (s,)),
    seq(
        tok("ON", "FOR", "IN", "OF"),
        tok("TICKER"),
        build=lambda _o, t: (ir.Timeframe(t.text, symbol=True),),
    ),
)


def _calendar_first(cal: Any, _comma: Any, rule: Any, _tail: Any) -> Any:
    """ "On a Monday, if the close is lower than the day before, buy.": the calendar opens a
    sentence of one rule and holds for it (never for a rule of another sentence)."""
    if not isinstance(rule, ir.Rule) or rule is REJECT or rule.fronted:
        return REJECT
    if _calendar_only(rule.cond):
        return REJECT  # "On Mondays, buy on Fridays": nothing to add the calendar to
    cond = ir.Group("all", (cal, rule.cond))
    return (ir.Rule(rule.action, cond, _span(cal, rule), rule.only),)


def _dashed_label(decl: Any, _dash: Lexeme, rest: Any) -> Any:
    """Only before a whole rule ("sma 20 - sma 50 > 0 -> buy" stays a difference: the reading
    with fewer statements is taken)."""
    if rest is REJECT or not rest or not isinstance(rest[0], ir.Rule):
        return REJECT
    return (decl, *rest)


def _calendar_label(cal: Any, _only: Any, _colon: Any, rest: Any) -> Any:
    """ "mon/tue only: close < bb lower (20,2) -> long": the label restricts the entries, as "only
    on Mondays and Tuesdays" does (refused with both sides traded: which entries?)."""
    if rest is REJECT or not any(isinstance(x, ir.Rule) for x in rest):
        return REJECT
    if any(isinstance(x, ir.Rule) and x.action.verb not in _ENTRY_VERBS for x in rest):
        return REJECT  # "mondays only: sell when ...": only the exits those days? never guessed
    return (ir.Filter(cal, "bare"), *rest)


sentence = alt(
    seq(calendar, tok("COMMA"), rule_stmt, opt(tok("COMMA", "COLON")), build=_calendar_first),
    seq(calendar, tok("ONLY"), tok("COLON"), lazy(lambda: sentence_body), build=_calendar_label),
    # "Stoch 14 3 3 - long when ...": a dash after the indicators named, as a colon
    seq(decl_stmt, tok("MINUS"), lazy(lambda: sentence_body), build=_dashed_label),
    seq(
        opt(  # "... . Then buy when ...": no sequence, a joiner
            alt(
                tok("AND", "OR", "TO", "THEN"),
                seq(tok("OTHERWISE"), opt(tok("COMMA")), build=lambda o, _c: o),
            )
        ),
        stmt,
        many(
            alt(
                seq(SEP, stmt, build=_then_joined),
                tf_stmt,
                exit_or,
                seq(
                    tok("LPAR"),
                    tok("ANYTIME"),
                    tok("RPAR"),
                    build=lambda *_a: _AnyTime(),
                ),
                named_params_note,
                period_bracket_note,
                slash_params_note,
                seq(keyed_risk, build=lambda r: _RiskRun((r,))),
                seq(tok("SLASH"), keyed_risk, build=lambda _s, r: _SlashRisk((r,))),
                seq(tok("SLASH"), stmt, build=_slash_rule),
            )
        ),
        opt(alt(tok("COMMA", "COLON"), seq(opt(tok("COMMA")), tok("WHICHEVER"), build=_last))),
        build=_sentence,
    ),
    seq(heading, build=lambda h: (h,)),
    seq(heading, opt(tok("COLON")), lazy(lambda: sentence_body), build=_headed),
)
sentence_body: Parser = seq(
    stmt,
    many(alt(seq(SEP, stmt, build=_colon_joined), tf_stmt)),
    opt(tok("COMMA", "COLON")),
    build=lambda first, rest, tail: _sentence(None, first, rest, tail),
)


class SentenceReadings:
    """Complete readings of one sentence, best first, or where reading stopped."""

    def __init__(self, readings: list[tuple[Any, ...]], stopped_at: int) -> None:
        self.readings = readings
        self.stopped_at = stopped_at


def read_sentence(lexemes: Sequence[Lexeme]) -> SentenceReadings:
    """Every complete reading, fewest statements first; ``stopped_at`` when there is none."""
    state = State(lexemes)
    results = sentence(state, 0)
    complete = [value for value, end in results if end == len(lexemes)]
    complete.sort(key=len)
    return SentenceReadings(complete, state.furthest)
