"""Numbers, indicator mentions, prices, channels and arithmetic operands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, Parser, alt, lazy, many, opt, seq, tok
from Backtest.llm.offline.grammar.base import _int, _span
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.vocabulary import MOVING_AVERAGES, PRICE_SCALE

# ---- numbers and operands -----------------------------------------------------------------------
NUM = tok("NUM")
PCT = tok("PCT")
number = alt(
    seq(NUM, build=lambda n: ir.Num(n.value, _span(n))),
    seq(PCT, build=lambda p: ir.Num(p.value, _span(p), percent=True)),
    seq(tok("MINUS"), NUM, build=lambda m, n: ir.Num(-n.value, _span(m, n))),
    seq(tok("PLUS"), NUM, build=lambda p, n: ir.Num(n.value, _span(p, n))),
)

# "fast 12", "slow 26", "signal 9": a setting named by its label (checked against the indicator)
named_param = alt(
    # "%K length 14, %K smoothing 3, %D length 3": a stochastic's settings by their labels
    seq(
        tok("OUTPUT", when=lambda lx: lx.value in ("k", "d")),
        alt(tok("UNIT", when=lambda lx: lx.text.lower() in ("length", "period")), tok("SMOOTHING")),
        NUM,
        build=lambda o, w, n: (
            "label",
            f"{o.value}_{'smoothing' if w.kind == 'SMOOTHING' else 'length'}",
            n.value,
        ),
    ),
    seq(
        tok("RELATIVE", when=lambda lx: lx.text.lower() in ("fast", "slow")),
        opt(tok("UNIT")),
        NUM,
        build=lambda r, _u, n: ("label", r.text.lower(), n.value),
    ),
    seq(
        tok("OUTPUT", when=lambda lx: lx.text.lower() == "signal"),
        opt(tok("UNIT")),
        NUM,
        build=lambda _o, _u, n: ("label", "signal", n.value),
    ),
)
# Indicator parameters inside brackets: "(20, 2)", "(20 periods, 2.5 std dev)",
# "(20 EMA, 2x ATR(10))"
param = alt(
    seq(NUM, opt(tok("UNIT")), build=lambda n, _u: ("num", n.value)),
    seq(tok("UNIT"), NUM, build=lambda _u, n: ("num", n.value)),
    seq(NUM, tok("DEV"), build=lambda n, _d: ("dev", n.value)),
    seq(NUM, tok("IND"), build=lambda n, i: ("ind", i.value[0], n.value)),
    # "supertrend (atr 12, mult 3)", "(atr period 12, ...)": the same, the number after
    seq(tok("IND"), opt(tok("UNIT")), NUM, build=lambda i, _u, n: ("ind", i.value[0], n.value)),
    seq(
        NUM,
        opt(tok("TIMES")),
        tok("IND"),
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        build=lambda n, _t, i, _l, p, _r: ("mult", i.value[0], n.value, p.value),
    ),
    seq(NUM, tok("TIMES"), tok("IND"), build=lambda n, _t, i: ("mult", i.value[0], n.value, None)),
    # "(20 EMA, 10 ATR, 2x)": a multiple alone is the channel's ATR multiple (as "multiplier 2")
    seq(NUM, tok("TIMES"), build=lambda n, _t: ("mult", None, n.value, None)),
    # "multiplier 2": the channel's ATR multiple (refused for an indicator without one)
    seq(tok("MULT"), NUM, build=lambda _m, n: ("mult", None, n.value, None)),
    # "(20 EMA, ATR 10, 2x multiplier)": the same, the number first
    seq(NUM, opt(tok("TIMES")), tok("MULT"), build=lambda n, _t, _m: ("mult", None, n.value, None)),
    seq(tok("PRICE"), build=lambda p: ("source", p.value)),
    named_param,
)
# a parameter said with its name: "ATR period 10", "multiplier 3"
params = seq(
    param,
    many(seq(tok("COMMA", "SLASH"), param, build=lambda _s, p: p)),
    build=lambda first, rest: (first, *rest),
)


def _tunable(name: str) -> int:
    from Backtest.spec.catalogue import lookup_indicator

    info = lookup_indicator(name)
    return len([p for p in info.parameters if not p.name.endswith("matype")])


def _mention(ind: Lexeme, items: Sequence[Any] = (), pre: float | None = None, *spans: Any) -> Any:
    name, plural = ind.value
    if len([i for i in items if i[0] == "num"]) + (pre is not None) > _tunable(name):
        return REJECT  # "EMA (12, 26)" is two EMAs, not one with two periods
    numbers: list[float] = [] if pre is None else [pre]
    labelled: list[tuple[str, float]] = []
    source: ir.Operand | None = None
    for item in items:
        kind = item[0]
        if kind == "num":
            numbers.append(item[1])
        elif kind == "dev":
            labelled.append(("deviation", item[1]))
        elif kind == "ind":
            labelled.append((f"{item[1]}_period", item[2]))
        elif kind == "mult":
            labelled.append(("multiplier", item[2]))
            if item[3] is not None:
                labelled.append((f"{item[1]}_period", item[3]))
        elif kind == "source":
            source = ir.Price(item[1])
        elif kind == "label":
            if any(label == item[1] for label, _ in labelled):
                return REJECT  # "fast 12, fast 26": which?
            labelled.append((item[1], item[2]))
    if len({label for label, _ in labelled}) < len(labelled):
        return REJECT  # "multiplier 3 and multiplier 2": which?
    return ir.Mention(
        name,
        tuple(numbers),
        tuple(labelled),
        source,
        plural=plural,
        span=_span(ind, *spans),
    )


IND = tok("IND")
UNIT = tok("UNIT")


def _listed_after(separator: str) -> Parser:
    """ "stochastics 5,3,3", "macd 8/17/9": an indicator and its parameters after ``separator``
    (two averages' periods, "ema 9/21", are a pair: :data:`ind_pair`; an average has one
    parameter, so never both)."""
    return seq(
        IND,
        NUM,
        many(seq(tok(separator), NUM, build=lambda _s, n: n), 1),
        build=lambda i, n, rest: _listed(i, (n, *rest)),
    )


# "an ATR period of 10", "ATR length 12", "a multiplier of 3": a channel's setting by its name
# A setting said with its name: "ATR period 10", "an ATR length of 14", "multiplier 3", "a
# factor of 2.5" (checked against the indicator: "RSI with a multiplier of 3" is refused)
_said_setting = alt(
    seq(
        tok("IND"),
        opt(tok("UNIT")),
        opt(tok("OF")),
        NUM,
        build=lambda i, _u, _o, n: ("ind", i.value[0], n.value),
    ),
    seq(tok("MULT"), opt(tok("OF")), NUM, build=lambda _m, _o, n: ("mult", None, n.value, None)),
)
ind_single = alt(
    seq(IND, build=lambda i: _mention(i)),
    seq(IND, tok("LPAR"), tok("RPAR"), build=lambda i, _l, r: _mention(i, (), None, r)),
    seq(NUM, opt(UNIT), IND, build=lambda n, _u, i: _mention(i, (), n.value, n)),
    seq(
        NUM,
        opt(UNIT),
        IND,
        tok("LPAR"),
        params,
        tok("RPAR"),
        build=lambda n, _u, i, _l, p, r: _mention(i, p, n.value, n, r),
    ),
    seq(IND, tok("LPAR"), params, tok("RPAR"), build=lambda i, _l, p, r: _mention(i, p, None, r)),
    seq(IND, NUM, opt(UNIT), build=lambda i, n, _u: _mention(i, (("num", n.value),), None, n)),
    _listed_after("COMMA"),
    # "Stoch 14 3 3", "macd 12 26 9": parameters after spaces, only as many as the indicator has
    # ("stoch 14 3" or "sma 20 50" may be anything, and are refused)
    seq(
        IND,
        NUM,
        many(NUM, 1),
        build=lambda i, n, rest: (
            _listed(i, (n, *rest)) if 1 + len(rest) == _tunable(i.value[0]) else REJECT
        ),
    ),
    _listed_after("SLASH"),
    # "MACD with 12, 26, 9": as "MACD 12, 26, 9" (never more numbers than it has settings)
    seq(
        IND,
        tok("WITH"),
        NUM,
        many(seq(tok("COMMA"), NUM, build=lambda _s, n: n), 1),
        build=lambda i, _w, n, rest: _listed(i, (n, *rest)),
    ),
    # "MACD with fast 12, slow 26, signal 9": every setting named by its label
    seq(
        IND,
        opt(tok("WITH", "COMMA")),
        named_param,
        many(seq(opt(tok("COMMA", "AND")), named_param, build=lambda _c, p: p), 1),
        build=lambda i, _w, first, rest: _mention(i, (first, *rest)),
    ),
    # "SuperTrend with ATR period 10 and multiplier 3", "SuperTrend with an ATR period of 10 and
    # a multiplier of 3", "SuperTrend settings: ATR length 14, factor 2.5": settings each said
    # with its name (never a bare number); one alone only after "with"
    seq(
        IND,
        opt(
            alt(
                tok("WITH", "COLON"),  # "SuperTrend: ATR period 10, multiplier 3"
                seq(tok("SETTINGS"), opt(tok("COLON")), build=lambda s, _c: s),
            )
        ),
        _said_setting,
        many(seq(opt(tok("COMMA", "AND")), opt(tok("AND")), _said_setting, build=lambda *a: a[-1])),
        build=lambda i, w, first, rest: (
            _mention(i, (first, *rest))
            if rest or (isinstance(w, Lexeme) and w.kind == "WITH")
            else REJECT
        ),
    ),
    # "Williams %R with period 14", "RSI with a length of 9": the word, then the number
    seq(
        IND,
        tok("WITH"),
        tok("UNIT", when=lambda lx: lx.text.lower() in ("period", "length", "lookback")),
        opt(tok("OF")),
        NUM,
        build=lambda i, _w, _u, _o, n: _mention(i, (("num", n.value),), None, n),
    ),
    seq(
        IND,
        tok("OF", "WITH"),
        NUM,
        UNIT,
        build=lambda i, _o, n, u: _mention(i, (("num", n.value),), None, u),
    ),
    seq(
        IND,
        tok("WITH"),
        NUM,
        tok("DEV"),
        build=lambda i, _w, n, d: _mention(i, (("dev", n.value),), None, d),
    ),
)


def _listed(ind: Lexeme, numbers: tuple[Lexeme, ...]) -> Any:
    """ "stochastics 5,3,3", "Bollinger 20,2": parameters without brackets, read as in them."""
    if len(numbers) > _tunable(ind.value[0]):
        return REJECT  # "RSI 14, 30" is no parameter list
    return _mention(ind, tuple(("num", n.value) for n in numbers), None, numbers[-1])


def _pair(ind: Lexeme, first: float, second: float, *spans: Any) -> Any:
    name, _plural = ind.value
    if _tunable(name) != 1:
        return REJECT  # "MACD 12/26" are two periods of one MACD
    span = _span(ind, *spans)
    return (
        ir.Mention(name, (first,), span=span),
        ir.Mention(name, (second,), span=span),
    )


ind_pair = alt(
    seq(
        NUM,
        opt(UNIT),
        tok("AND", "SLASH", "COMMA"),
        NUM,
        opt(UNIT),
        IND,
        build=lambda a, _u, _c, b, _v, i: _pair(i, a.value, b.value, a),
    ),
    seq(
        IND, NUM, tok("SLASH", "AND"), NUM, build=lambda i, a, _s, b: _pair(i, a.value, b.value, b)
    ),
    seq(
        IND,
        tok("LPAR"),
        NUM,
        tok("SLASH", "COMMA", "AND"),
        NUM,
        tok("RPAR"),
        build=lambda i, _l, a, _s, b, r: _pair(i, a.value, b.value, r),
    ),
)


def _with_output(mention: ir.Mention, output: Lexeme) -> Any:
    if mention.output is not None:
        return REJECT
    return replace(mention, output=output.value, span=_span(mention, output))


OUTPUT = tok("OUTPUT")
LOWER_WORD = tok("DOWNWORD", when=lambda lx: lx.text.lower() == "lower")
ind_ref = alt(
    ind_single,
    seq(
        tok("TIMEFRAME", when=lambda lx: lx.text.lower() != "h"),
        ind_single,
        build=lambda _t, m: m,
    ),
    seq(ind_single, OUTPUT, build=_with_output),
    # "the slow stochastic %K (14, 3, 3)": the parameters after the line are the indicator's
    seq(
        IND,
        OUTPUT,
        tok("LPAR"),
        params,
        tok("RPAR"),
        build=lambda i, o, _l, p, r: _line_with_params(_mention(i, p, None, r), o),
    ),
    # "bb lower (20,2)": "lower" is the lower band's word here (as in "lower bb")
    seq(
        IND,
        LOWER_WORD,
        tok("LPAR"),
        params,
        tok("RPAR"),
        build=lambda i, lo, _l, p, r: _line_with_params(_mention(i, p, None, r), _as_lower(lo)),
    ),
    # "the MACD line (12,26,9)": the line names its indicator, the brackets are its
    seq(
        tok("OUTPUT", when=lambda lx: lx.text.lower() == "macd line"),
        tok("LPAR"),
        params,
        tok("RPAR"),
        build=lambda o, _l, p, r: _line_with_params(_mention(_macd(o), p, None, o, r), o),
    ),
    # "the Donchian upper band (20)": the one period of a Donchian channel after its line
    seq(
        tok("IND", when=lambda lx: lx.value[0] == "DONCHIAN"),
        OUTPUT,
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        build=lambda i, o, _l, n, r: _with_output(_mention(i, (("num", n.value),), None, r), o),
    ),
    seq(
        OUTPUT,
        tok("IND", when=lambda lx: lx.value[0] == "DONCHIAN"),
        tok("OUTPUT", when=lambda lx: lx.value == "band"),
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        build=lambda o, i, _b, _l, n, r: _with_output(_mention(i, (("num", n.value),), None, r), o),
    ),
    seq(OUTPUT, build=lambda o: ir.Ref("output", o.value, span=_span(o))),
    seq(OUTPUT, tok("OF"), ind_single, build=lambda o, _f, m: _with_output(m, o)),
    seq(OUTPUT, ind_single, build=lambda o, m: _with_output(m, o)),
    seq(OUTPUT, ind_single, OUTPUT, build=lambda o, m, _o: _with_output(m, o)),
    seq(
        LOWER_WORD, ind_single, opt(OUTPUT), build=lambda lo, m, _o: _with_output(m, _as_lower(lo))
    ),
    seq(tok("ITS"), OUTPUT, build=lambda _i, o: ir.Ref("its_output", o.value, span=_span(o))),
    seq(tok("THAT"), OUTPUT, build=lambda _t, o: ir.Ref("its_output", o.value, span=_span(o))),
    seq(tok("THAT"), ind_single, build=lambda t, m: ir.Ref("that", mention=m, span=_span(t, m))),
    seq(
        tok("RELATIVE"),
        opt(alt(tok("ONE"), OUTPUT, tok("AVERAGE"))),
        build=lambda r, o: ir.Ref("relative", r.value, span=_span(r, o)),
    ),
    seq(
        tok("RELATIVE"),
        ind_single,
        build=lambda r, m: ir.Ref("relative", r.value, mention=m, span=_span(r, m)),
    ),
)


def _line_with_params(mention: Any, output: Lexeme) -> Any:
    return REJECT if mention is REJECT else _with_output(mention, output)


def _macd(line: Lexeme) -> Lexeme:
    return Lexeme("IND", ("MACD", False), line.start, line.end, line.text)


def _as_lower(lexeme: Lexeme) -> Lexeme:
    return Lexeme("OUTPUT", "lower", lexeme.start, lexeme.end, lexeme.text)


PRICE = tok("PRICE")


def _days(unit: Lexeme | None, ago: Lexeme) -> bool:
    """ "2 days ago" (a day, of the price and of any line beside it?), not "2 bars ago"."""
    words = f"{unit.text if unit is not None else ''} {ago.text}".lower()
    return any(word in words for word in ("day", "session"))


_DAILY = frozenset({"daily", "the daily"})


price_ref = alt(
    seq(opt(tok("TODAY")), PRICE, build=lambda t, p: ir.Price(p.value, 0, _span(t, p))),
    # "the daily close": the bar's close, on daily bars (checked: no intraday bars named)
    seq(
        tok("TIMEFRAME", when=lambda lx: lx.text.lower() in _DAILY),
        PRICE,
        build=lambda t, p: ir.Price(p.value, 0, _span(t, p), daily=True),
    ),
    seq(tok("PREV"), PRICE, build=lambda a, p: ir.Price(p.value, 1, _span(a, p), day_word=True)),
    seq(PRICE, tok("OF"), tok("TODAY"), build=lambda p, _o, t: ir.Price(p.value, 0, _span(p, t))),
    seq(
        PRICE,
        opt(tok("OF")),
        tok("PREV"),
        build=lambda p, _o, a: ir.Price(p.value, 1, _span(p, a), day_word=True),
    ),
    seq(  # "the high of / from two bars ago"
        PRICE,
        opt(tok("OF", "FROM")),
        NUM,
        opt(UNIT),
        tok("AGO"),
        build=lambda p, _o, n, u, a: (
            ir.Price(p.value, int(n.value), _span(p, a), day_word=_days(u, a))
            if _int(n.value)
            else REJECT
        ),
    ),
    seq(
        tok("WEEKDAY"), PRICE, build=lambda d, p: ir.Ref("weekday_price", d.value, span=_span(d, p))
    ),
)
pron_ref = alt(
    seq(tok("PRON"), build=lambda p: ir.Ref("it", span=_span(p))),
    seq(tok("THAT"), build=lambda p: ir.Ref("it", span=_span(p))),
    seq(tok("ITS"), tok("ONE"), build=lambda p, o: ir.Ref("it", span=_span(p, o))),
)
HIGHLOW = tok("HIGHEST", "LOWEST")


def _channel(kind_lexeme: Lexeme, field: Lexeme | None, period: Lexeme, *spans: Any) -> Any:
    kind = "max" if kind_lexeme.kind == "HIGHEST" else "min"
    name = field.value if field is not None else ("High" if kind == "max" else "Low")
    if _int(period.value) is None:
        return REJECT
    span = _span(kind_lexeme, period, *spans)
    return ir.Channel(kind, name, period.value, True, span, said=field is not None)


def _prior(channel: Any) -> Any:
    """The channel, marked as said of the bars before the current one ("the prior 20-day
    high")."""
    return replace(channel, prior=True) if isinstance(channel, ir.Channel) else channel


def _said_prior(window: Lexeme) -> bool:
    return any(word in window.text.lower() for word in ("previous", "prior", "preceding"))


def _nday(period: Lexeme, extreme: Lexeme | None, field: Lexeme) -> Any:
    if field.value not in ("High", "Low", "Close") or _int(period.value) is None:
        return REJECT
    if extreme is not None:
        kind = "max" if extreme.kind == "HIGHEST" else "min"
    else:
        kind = "max" if field.value == "High" else "min" if field.value == "Low" else ""
        if not kind:
            return REJECT  # "the 20-day close" is not a channel
    return ir.Channel(kind, field.value, period.value, True, _span(period, field))


def _prior_donchian(prev: Lexeme, *items: Any) -> Any:
    """ "the previous bar's upper Donchian band (20)": the Donchian line of the bar before, the
    N-day high (low) of the N bars before the current one; one period, the upper or lower
    line."""
    lexemes = [i for i in items if isinstance(i, Lexeme)]
    periods = [lx for lx in lexemes if lx.kind == "NUM"]
    sides = [lx.text.lower() for lx in lexemes if lx.kind in ("OUTPUT", "DOWNWORD")]
    sides = [s for s in sides if s.split()[0] in ("upper", "lower")]
    if len(periods) != 1 or len(sides) != 1 or _int(periods[0].value) is None:
        return REJECT
    kind, field = ("max", "High") if sides[0].startswith("upper") else ("min", "Low")
    return ir.Channel(kind, field, periods[0].value, True, _span(prev, *lexemes))


DONCHIAN = tok("IND", when=lambda lx: lx.value[0] == "DONCHIAN")
BAND_WORD = tok("OUTPUT", when=lambda lx: lx.value == "band")
SIDE_WORD = alt(
    tok("OUTPUT", when=lambda lx: lx.value in ("upper", "lower")),
    tok("DOWNWORD", when=lambda lx: lx.text.lower() == "lower"),
)
NUM_DAYS = seq(NUM, opt(UNIT), build=lambda n, _u: n)
BRACKET_NUM = seq(tok("LPAR"), NUM, tok("RPAR"), build=lambda _l, n, _r: n)
prior_donchian = alt(
    seq(
        tok("PREV"),
        opt(NUM_DAYS),
        SIDE_WORD,
        DONCHIAN,
        opt(BAND_WORD),
        opt(BRACKET_NUM),
        build=_prior_donchian,
    ),
    seq(tok("PREV"), opt(NUM_DAYS), DONCHIAN, SIDE_WORD, opt(BRACKET_NUM), build=_prior_donchian),
    # "the previous day's 40-day Donchian high": that bar's upper line, as with "upper band"
    seq(
        tok("PREV"),
        NUM_DAYS,
        DONCHIAN,
        tok("PRICE", when=lambda lx: lx.value in ("High", "Low")),
        build=lambda p, n, _d, f: (
            ir.Channel("max" if f.value == "High" else "min", f.value, n.value, True, _span(p, f))
            if _int(n.value) is not None
            else REJECT
        ),
    ),
)


# "the prior 55-day high": an N-day high is already that of the N bars before the current one;
# "yesterday's 20-day high" is not accepted (it could mean one bar further back).
PRIOR = tok("PREV", when=lambda lx: lx.text.lower() in ("prior", "previous", "preceding"))
channel = alt(
    seq(NUM, UNIT, PRICE, build=lambda n, _u, f: _nday(n, None, f)),
    seq(NUM, UNIT, HIGHLOW, PRICE, build=lambda n, _u, e, f: _nday(n, e, f)),
    seq(PRIOR, NUM, UNIT, PRICE, build=lambda _p, n, _u, f: _prior(_nday(n, None, f))),
    seq(PRIOR, NUM, UNIT, HIGHLOW, PRICE, build=lambda _p, n, _u, e, f: _prior(_nday(n, e, f))),
    # "a new 100-day closing high": the highest close of the N bars before
    seq(
        opt(PRIOR),
        NUM,
        UNIT,
        tok("CLOSINGEXT"),
        build=lambda _p, n, _u, e: (
            ir.Channel(e.value, "Close", n.value, True, _span(n, e))
            if _int(n.value) is not None
            else REJECT
        ),
    ),
    # "the prior 20-day Donchian low": the Donchian line is the N-day low itself
    seq(
        opt(PRIOR),
        NUM,
        UNIT,
        tok("IND", when=lambda lx: lx.value[0] == "DONCHIAN"),
        tok("PRICE", when=lambda lx: lx.value in ("High", "Low")),
        build=lambda _p, n, _u, _d, f: _nday(n, None, f),
    ),
    prior_donchian,
    seq(
        HIGHLOW,
        opt(PRICE),
        tok("WINDOW", "OF", "IN"),
        opt(tok("LAST", "PREV")),
        NUM,
        UNIT,
        build=lambda h, f, w, last, n, u: (
            _prior(_channel(h, f, n, u))
            if _said_prior(w) or (last is not None and last.kind == "PREV")
            else _channel(h, f, n, u)
        ),
    ),
)
avg_ref = alt(
    seq(tok("ITS"), tok("AVERAGE"), build=lambda i, a: ir.AvgOf(None, None, span=_span(i, a))),
    seq(
        tok("ITS"),
        NUM,
        opt(UNIT),
        alt(tok("AVERAGE"), IND),
        build=lambda i, n, _u, a: ir.AvgOf(
            None, n.value, a.value[0] if a.kind == "IND" else "SMA", _span(i, a)
        ),
    ),
    seq(tok("ITS"), IND, build=lambda i, a: ir.AvgOf(None, None, a.value[0], _span(i, a))),
    seq(
        tok("ITS"),
        IND,
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        build=lambda i, a, _l, n, r: ir.AvgOf(None, n.value, a.value[0], _span(i, r)),
    ),
    seq(
        tok("AVERAGE"),
        PRICE,
        build=lambda a, p: ir.AvgOf(ir.Price(p.value), None, span=_span(a, p)),
    ),
    seq(
        NUM,
        UNIT,
        tok("AVERAGE"),
        opt(PRICE),
        build=lambda n, _u, a, p: ir.AvgOf(
            ir.Price(p.value) if p is not None else None, n.value, span=_span(n, a, p)
        ),
    ),
    seq(tok("AVERAGE"), build=lambda a: ir.Ref("average", span=_span(a))),
    seq(tok("THAT"), tok("AVERAGE"), build=lambda t, a: ir.Ref("average", span=_span(t, a))),
)
entry_ref = seq(tok("ENTRY_N", "ENTRY_PRICE"), build=lambda e: ir.EntryPrice(_span(e)))


def _ago(series: Any, n: Lexeme, _unit: Any, _ago: Lexeme) -> Any:
    if not isinstance(series, ir.Mention) or _int(n.value) is None:
        return REJECT
    return replace(series, ago=int(n.value))


def _ago_from(series: Any, _from: Lexeme | None, n: Lexeme, unit: Any, ago: Lexeme) -> Any:
    return _ago(series, n, unit, ago)


def _prev_bar(series: Any, *_rest: Any) -> Any:
    if not isinstance(series, ir.Mention) or series.ago:
        return REJECT
    return replace(series, ago=1)


def _indexed(series: Any, left: Lexeme, n: Lexeme, right: Lexeme) -> Any:
    """ "close[1]", "high[2]", "sma(20)[1]": as in code, the value n bars back; only with the
    square bracket typed straight after the series (a spaced "close [1]" is no index)."""
    bars = 0 if n.value == 0 else _int(n.value)  # "close[0]": this bar's
    glued = (left.text, right.text) == ("[", "]") and left.start == series.span[1]
    if not glued or bars is None or not isinstance(series, ir.Price | ir.Mention):
        return REJECT
    if series.ago or type(series) not in (ir.Price, ir.Mention):
        return REJECT  # "yesterday's close[1]": which day?
    return replace(series, ago=bars, span=_span(series, right))


PREV_WINDOW = tok("WINDOW", when=lambda lx: "prev" in lx.text.lower() or "prior" in lx.text.lower())
# "the stock closes above its 20-day high": the subject's own N-day high (a price's only)
its_channel = seq(
    tok("ITS"),
    channel,
    build=lambda i, c: (
        replace(c, its=True, span=_span(i, c)) if isinstance(c, ir.Channel) else REJECT
    ),
)
# "higher than the previous 3 closes", "below the last 5 lows": each of the N bars before (the
# comparison decides which extreme, see :meth:`.conditions.Conditions._each_of`; kept out of
# ``channel``, whose readers take a high or a low)
each_of_previous = seq(
    alt(PRIOR, tok("LAST", when=lambda lx: lx.text.lower() in ("last", "past"))),
    NUM,
    alt(
        tok("CLOSES", when=lambda lx: lx.text.lower() in ("closes", "closing prices")),
        tok("PRICES"),
    ),
    build=lambda p, n, f: (
        ir.Channel("each", "Close" if f.kind == "CLOSES" else f.value, n.value, True, _span(p, f))
        if _int(n.value) not in (None, 0, 1)
        else REJECT
    ),
)
series = alt(price_ref, ind_ref, pron_ref, channel, its_channel, avg_ref, each_of_previous)


def _ind_of(mention: Any, _of: Lexeme, base: Any) -> Any:
    """ "SMA(50) of Volume", "EMA(5) of RSI(14)" (understood_as): an average of a price or an
    indicator; another indicator only of a price ("RSI(14) of High")."""
    if not isinstance(mention, ir.Mention) or mention.source is not None or mention.ago:
        return REJECT
    if mention.name in MOVING_AVERAGES:
        if mention.labelled or len(mention.numbers) != 1:
            return REJECT
        return ir.AvgOf(base, mention.numbers[0], mention.name, _span(mention, base))
    if not isinstance(base, ir.Price) or base.ago:
        return REJECT
    return replace(mention, source=base, span=_span(mention, base))


def _extreme_of(h: Lexeme, n: Lexeme, field: str, end: Any, ago: Any) -> Any:
    """ "MAX(55) of High 1 bar ago" (understood_as): the highest high of the 55 bars before the
    current one; "MAX(55) of High" counts the current bar too. Further back is not read."""
    if (ago is not None and _int(ago[0].value) != 1) or _int(n.value) is None:
        return REJECT
    kind = "max" if h.kind == "HIGHEST" else "min"
    return ir.Channel(kind, field, n.value, ago is not None, _span(h, end, ago))


_ONE_BAR_AGO = seq(NUM, UNIT, tok("AGO"), build=lambda n, u, a: (n, a))
ind_of = alt(
    seq(ind_single, tok("OF"), alt(price_ref, ind_single), build=_ind_of),
    seq(
        HIGHLOW,
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        tok("OF"),
        PRICE,
        opt(_ONE_BAR_AGO),
        build=lambda h, _l, n, _r, _o, f, ago: _extreme_of(h, n, f.value, f, ago),
    ),
    # "MAX(50) 1 bar ago": of the close (understood_as names any other price)
    seq(
        HIGHLOW,
        tok("LPAR"),
        NUM,
        tok("RPAR"),
        opt(_ONE_BAR_AGO),
        build=lambda h, _l, n, r, ago: _extreme_of(h, n, "Close", r, ago),
    ),
    # "DONCHIAN(20) upper line 1 bar ago": an output's value then
    seq(ind_ref, NUM, UNIT, tok("AGO"), build=_ago),
    # "VWAP (session)": the session VWAP, as understood_as names it
    seq(
        tok("IND", when=lambda lx: lx.value[0] == "VWAP"),
        tok("LPAR"),
        tok("UNIT", when=lambda lx: lx.text.lower() == "session"),
        tok("RPAR"),
        build=lambda i, _l, _s, r: _mention(i, (), None, r),
    ),
    # "the 3-bar % change of Close" (understood_as)
    seq(
        NUM,
        UNIT,
        tok("CHANGE", when=lambda lx: lx.text.lower() == "% change"),
        tok("OF"),
        alt(price_ref, ind_single),
        build=lambda n, _u, _c, _o, x: (
            ir.Change(x, int(n.value)) if _int(n.value) is not None else REJECT
        ),
    ),
)
series_ago = alt(
    series,
    ind_of,
    seq(alt(price_ref, ind_ref), tok("LPAR"), NUM, tok("RPAR"), build=_indexed),
    # "ATR(14) 10 bars ago", "ATR(14) from 10 bars ago": the indicator's value then
    seq(ind_single, opt(tok("FROM")), NUM, opt(UNIT), tok("AGO"), build=_ago_from),
    seq(ind_ref, PREV_WINDOW, UNIT, build=_prev_bar),
    seq(ind_ref, tok("OF"), tok("PREV"), opt(UNIT), build=_prev_bar),
)
# "today's high + 0.5 atr(14)": a multiple of an ATR with its period in brackets
atr_multiple = seq(
    NUM,
    IND,
    tok("LPAR"),
    NUM,
    tok("RPAR"),
    build=lambda n, i, _l, p, r: (
        ir.Arith("*", _mention(i, (("num", p.value),), None, r), ir.Num(n.value))
        if i.value[0] == "ATR"
        else REJECT
    ),
)


def _half_atr(_half: Lexeme, x: Any) -> Any:
    """ "the close minus half of the 14-day ATR": half an ATR (of nothing else)."""
    if isinstance(x, ir.Mention) and x.name == "ATR" and x.output is None:
        return ir.Arith("*", x, ir.Num(0.5))
    return REJECT


half_atr = seq(tok("HALF_OF"), lazy(lambda: series_ago), build=_half_atr)


def _one_bar(lexeme: Lexeme) -> bool:
    """ "the bar's", "a day's": one bar, said with a possessive."""
    words = lexeme.text.lower().replace("’", "'")
    return words in ("bar's", "day's", "session's", "candle's")


def _bar_range(when: Lexeme, word: Lexeme, note: Any) -> Any:
    ago = 1 if when.kind == "PREV" else 0
    end = note if note is not None else word
    return ir.Arith(
        "-", ir.Price("High", ago, _span(when, end)), ir.Price("Low", ago, _span(when, end))
    )


# "(high minus low)" after a bar's range: says what the range is, and must say exactly that
_HIGH_LESS_LOW = seq(
    tok("LPAR"),
    tok("PRICE", when=lambda lx: lx.value == "High"),
    tok("MINUS", when=lambda lx: lx.text != "—"),
    tok("PRICE", when=lambda lx: lx.value == "Low"),
    tok("RPAR"),
    build=lambda _l, _h, _m, _o, r: r,
)
# "today's range", "the bar's range", "yesterday's range": that bar's high less its low (a
# range of several bars, "the 20-day range", is never read)
bar_range = seq(
    alt(tok("TODAY", "PREV"), tok("UNIT", when=_one_bar)),
    tok("RANGE"),
    opt(_HIGH_LESS_LOW),
    build=_bar_range,
)


def _percent_b(bb: Lexeme | None, b: Lexeme) -> Any:
    """Bollinger %B, (Close - lower band) / (upper band - lower band), of BB(20, 2)."""
    lower = ir.Mention("BBANDS", output="lower", span=_span(bb, b))
    upper = ir.Mention("BBANDS", output="upper", span=_span(bb, b))
    width = ir.Arith("-", upper, lower)
    return ir.Arith("/", ir.Arith("-", ir.Price("Close", span=_span(b)), lower), width)


# "%B below 0", "Bollinger %B > 1": where the close is within the bands (0 lower, 1 upper)
percent_b = seq(
    opt(tok("IND", when=lambda lx: lx.value[0] == "BBANDS")), tok("PCTB"), build=_percent_b
)


def _line(owner: Any, name: str, at: Lexeme) -> Any:
    if isinstance(owner, ir.Mention):
        return replace(owner, output=name)
    return ir.Ref("output", name, span=_span(at))


def _width(owner: Any, word: Lexeme, end: Any) -> Any:
    """The band width as its definition says: (upper less lower) divided by the middle."""
    if isinstance(owner, ir.Mention) and (owner.name != "BBANDS" or owner.output is not None):
        return REJECT
    return ir.Arith(
        "/",
        ir.Arith("-", _line(owner, "upper", word), _line(owner, "lower", word)),
        _line(owner, "middle", end),
    )


_UPPER = tok("OUTPUT", when=lambda lx: lx.value == "upper")
_LOWER = alt(tok("OUTPUT", when=lambda lx: lx.value == "lower"), LOWER_WORD)
_MIDDLE = tok("OUTPUT", when=lambda lx: lx.value == "middle")
# "(upper minus lower, divided by the middle band)", ", meaning (upper band minus lower band)
# divided by the middle band,": the width defined, exactly this ratio and nothing else
# "upper minus lower, divided by the middle band": the middle line's lexeme
_RATIO_SAID = seq(
    _UPPER,
    tok("MINUS", when=lambda lx: lx.text != "—"),
    _LOWER,
    opt(tok("COMMA")),
    tok("DIVIDE"),
    _MIDDLE,
    build=lambda *items: items[-1],
)
_WIDTH_SAID = alt(
    seq(tok("LPAR"), _RATIO_SAID, tok("RPAR"), build=lambda _l, _m, r: r),
    seq(
        tok("COMMA"),
        tok("DEFINE"),
        tok("LPAR"),
        _UPPER,
        tok("MINUS", when=lambda lx: lx.text != "—"),
        _LOWER,
        tok("RPAR"),
        tok("DIVIDE"),
        _MIDDLE,
        tok("COMMA"),
        build=lambda *items: items[-1],
    ),
)
# "the Bollinger Band width (upper minus lower, divided by the middle band)", "bb(20,2) width
# (...)", "the band width, meaning (...) divided by the middle band,": read only with that
# definition (a width alone may be unscaled, in percent or the squeeze's history: refused)
band_width = alt(
    seq(
        alt(ind_single, tok("OUTPUT", when=lambda lx: lx.value == "band")),
        tok("WIDTH"),
        _WIDTH_SAID,
        build=lambda o, w, end: _width(o, w, end),
    ),
    # "... divided by the middle band; 20 periods, 2 standard deviations)": the band's numbers
    # at the end of the definition's bracket
    seq(
        tok("IND", when=lambda lx: lx.value[0] == "BBANDS"),
        tok("WIDTH"),
        tok("LPAR"),
        _RATIO_SAID,
        tok("SEP"),
        params,
        tok("RPAR"),
        build=lambda i, w, _l, _m, _s, p, r: _width(_mention(i, p, None, r), w, r),
    ),
)


factor = alt(
    seq(tok("ZEROLINE"), build=lambda z: ir.Num(0.0, _span(z))),
    percent_b,
    series_ago,
    bar_range,
    band_width,
    atr_multiple,
    half_atr,
    # "crosses up the -100 line", "the 70 level": the number, a level of the left side
    seq(
        opt(tok("PLUS")),
        NUM,
        alt(tok("OUTPUT", when=lambda lx: lx.text.lower() == "line"), tok("LEVEL")),
        build=lambda p, n, w: ir.Num(n.value, _span(p, n, w)),
    ),
    number,
    seq(tok("LPAR"), lazy(lambda: operand), tok("RPAR"), build=lambda _l, x, _r: x),
)


def _fold(first: Any, rest: tuple[tuple[Lexeme, Any], ...]) -> Any:
    value = first
    for op, right in rest:
        if op.text == "—" or (
            isinstance(value, ir.Mention)
            and value.output is None
            and isinstance(right, ir.Ref)
            and right.kind == "output"
        ):
            # "macd 8,21,5 — histogram crosses above 0": an em dash is punctuation, and an
            # indicator named without a line, less a bare line name ("macd 8,21,5 - histogram"),
            # is a label and a dash ("the MACD line - the signal line" stays a difference)
            return REJECT
        symbol = {"PLUS": "+", "MINUS": "-", "TIMES": "*", "DIVIDE": "/"}[op.kind]
        value = ir.Arith(symbol, value, right)
    return value


# "(upper band - lower band) / middle band" (understood_as of a band width): "/" divides only
# after a bracketed difference or sum ("20/50" stays two periods)
bracket_ratio = seq(
    tok("LPAR"),
    lazy(lambda: operand),
    tok("RPAR"),
    tok("SLASH"),
    factor,
    build=lambda _l, x, _r, _s, f: ir.Arith("/", x, f) if isinstance(x, ir.Arith) else REJECT,
)
product = seq(
    alt(bracket_ratio, factor),
    many(seq(tok("TIMES", "DIVIDE"), factor, build=lambda o, f: (o, f))),
    build=_fold,
)


def _atr_part(k: Lexeme, atr: Any) -> Any:
    if not isinstance(atr, ir.Mention) or atr.name != "ATR" or atr.output is not None:
        return REJECT
    return ir.Arith("*", atr, ir.Num(k.value))


# "half an ATR(14)", "a quarter of the 14-day ATR", "0.5 ATR(14)", "2 x ATR(14)": a distance
# in ATRs, read after "plus" or before "above"/"below" a price (never alone as a level)
atr_distance = alt(
    atr_multiple,
    seq(tok("HALF_OF"), ind_single, build=_atr_part),
    seq(NUM, opt(tok("TIMES")), ind_single, build=lambda k, _t, a: _atr_part(k, a)),
)
# "today's high plus half an ATR(14)": "plus" adds only an ATR distance ("RSI < 30 plus close
# above the SMA" stays two conditions)
PLUS_WORD = tok("AND", when=lambda lx: lx.text.lower() == "plus")
operand: Parser = seq(
    product,
    many(
        alt(
            seq(tok("PLUS", "MINUS"), product, build=lambda o, f: (o, f)),
            seq(PLUS_WORD, atr_distance, build=lambda o, f: (replace(o, kind="PLUS"), f)),
        )
    ),
    build=lambda first, rest: _fold_distances(first, rest),
)


def _fold_distances(first: Any, rest: tuple[tuple[Lexeme, Any], ...]) -> Any:
    """ "yesterday's high plus 0.5 ATR(14)" adds a price distance: only to a price ("RSI above
    30 plus 2 ATR(14)" mixes units, refused)."""
    if any(op.text.lower() == "plus" for op, _ in rest) and not _price_like(first):
        return REJECT
    return _fold(first, rest)


def _price_like(x: Any) -> bool:
    if isinstance(x, ir.Price):
        return x.field != "Volume"
    if isinstance(x, ir.Channel):
        return True
    if isinstance(x, ir.Mention):
        return x.name in PRICE_SCALE
    return False
