"""Step 3: the grammar of one sentence, as all-parses combinators (:mod:`.combinators`).

Why not lark's Earley parser (the first choice, and the natural one for ambiguity detection)?
The same grammar written in lark took 0.6-3 s per sentence with ``ambiguity="explicit"``
(and about as long with ``"resolve"``) and produced dozens of readings per sentence that
differed only in how optional separators were attached. A description is 5-10 sentences, so
that was 10+ s per request. The memoised combinators below read a sentence in milliseconds
and still return *every* complete reading, so ambiguity is still detected: readings are
ranked by how many statements they make (attach a clause to the rule before it rather than
start a new statement), and when the best readings differ in meaning the sentence is
refused as ambiguous.

Fail closed: a reading must consume every lexeme of the sentence. When none does, the lexeme
where the furthest attempt stopped is reported as the phrase that could not be placed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, Parser, State, alt, lazy, many, opt, seq, tok
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.vocabulary import PRICE_SCALE

Value = Any


def _span(*items: Any) -> ir.Span:
    starts, ends = [], []
    for item in items:
        if isinstance(item, Lexeme):
            starts.append(item.start)
            ends.append(item.end)
        elif isinstance(item, tuple | list):
            inner = _span(*item)
            if inner != (0, 0):
                starts.append(inner[0])
                ends.append(inner[1])
        elif item is not None and getattr(item, "span", (0, 0)) != (0, 0):
            starts.append(item.span[0])
            ends.append(item.span[1])
    return (min(starts), max(ends)) if starts else (0, 0)


def _kw(*kinds: str) -> Parser:
    return tok(*kinds)


def _int(value: float) -> int | None:
    return int(value) if float(value).is_integer() and value > 0 else None


# ---- numbers and operands -----------------------------------------------------------------------
NUM = tok("NUM")
PCT = tok("PCT")
number = alt(
    seq(NUM, build=lambda n: ir.Num(n.value, _span(n))),
    seq(PCT, build=lambda p: ir.Num(p.value, _span(p), percent=True)),
    seq(tok("MINUS"), NUM, build=lambda m, n: ir.Num(-n.value, _span(m, n))),
    seq(tok("PLUS"), NUM, build=lambda p, n: ir.Num(n.value, _span(p, n))),
)

# Indicator parameters inside brackets: "(20, 2)", "(20 periods, 2.5 std dev)",
# "(20 EMA, 2x ATR(10))"
param = alt(
    seq(NUM, opt(tok("UNIT")), build=lambda n, _u: ("num", n.value)),
    seq(tok("UNIT"), NUM, build=lambda _u, n: ("num", n.value)),
    seq(NUM, tok("DEV"), build=lambda n, _d: ("dev", n.value)),
    seq(NUM, tok("IND"), build=lambda n, i: ("ind", i.value[0], n.value)),
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
    seq(tok("PRICE"), build=lambda p: ("source", p.value)),
)
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
    seq(
        IND,
        NUM,
        many(seq(tok("COMMA"), NUM, build=lambda _c, n: n), 1),
        build=lambda i, n, rest: _listed(i, (n, *rest)),
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
    seq(tok("TIMEFRAME"), ind_single, build=lambda _t, m: m),
    seq(ind_single, OUTPUT, build=_with_output),
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


def _as_lower(lexeme: Lexeme) -> Lexeme:
    return Lexeme("OUTPUT", "lower", lexeme.start, lexeme.end, lexeme.text)


PRICE = tok("PRICE")
price_ref = alt(
    seq(opt(tok("TODAY")), PRICE, build=lambda t, p: ir.Price(p.value, 0, _span(t, p))),
    seq(tok("PREV"), PRICE, build=lambda a, p: ir.Price(p.value, 1, _span(a, p))),
    seq(PRICE, tok("OF"), tok("TODAY"), build=lambda p, _o, t: ir.Price(p.value, 0, _span(p, t))),
    seq(
        PRICE, opt(tok("OF")), tok("PREV"), build=lambda p, _o, a: ir.Price(p.value, 1, _span(p, a))
    ),
    seq(
        PRICE,
        opt(tok("OF")),
        NUM,
        opt(UNIT),
        tok("AGO"),
        build=lambda p, _o, n, _u, a: (
            ir.Price(p.value, int(n.value), _span(p, a)) if _int(n.value) else REJECT
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
    return ir.Channel(kind, name, period.value, True, _span(kind_lexeme, period, *spans))


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


# "the prior 55-day high": an N-day high is already that of the N bars before the current one;
# "yesterday's 20-day high" is not accepted (it could mean one bar further back).
PRIOR = tok("PREV", when=lambda lx: lx.text.lower() in ("prior", "previous", "preceding"))
channel = alt(
    seq(NUM, UNIT, PRICE, build=lambda n, _u, f: _nday(n, None, f)),
    seq(NUM, UNIT, HIGHLOW, PRICE, build=lambda n, _u, e, f: _nday(n, e, f)),
    seq(PRIOR, NUM, UNIT, PRICE, build=lambda _p, n, _u, f: _nday(n, None, f)),
    seq(PRIOR, NUM, UNIT, HIGHLOW, PRICE, build=lambda _p, n, _u, e, f: _nday(n, e, f)),
    seq(
        HIGHLOW,
        opt(PRICE),
        tok("WINDOW", "OF", "IN"),
        opt(tok("LAST", "PREV")),
        NUM,
        UNIT,
        build=lambda h, f, _w, _l, n, u: _channel(h, f, n, u),
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


def _prev_bar(series: Any, *_rest: Any) -> Any:
    if not isinstance(series, ir.Mention) or series.ago:
        return REJECT
    return replace(series, ago=1)


PREV_WINDOW = tok("WINDOW", when=lambda lx: "prev" in lx.text.lower() or "prior" in lx.text.lower())
series = alt(price_ref, ind_ref, pron_ref, channel, avg_ref)
series_ago = alt(
    series,
    seq(ind_single, NUM, opt(UNIT), tok("AGO"), build=_ago),
    seq(ind_ref, PREV_WINDOW, UNIT, build=_prev_bar),
    seq(ind_ref, tok("OF"), tok("PREV"), opt(UNIT), build=_prev_bar),
)
factor = alt(
    series_ago,
    number,
    seq(tok("LPAR"), lazy(lambda: operand), tok("RPAR"), build=lambda _l, x, _r: x),
)


def _fold(first: Any, rest: tuple[tuple[Lexeme, Any], ...]) -> Any:
    value = first
    for op, right in rest:
        symbol = {"PLUS": "+", "MINUS": "-", "TIMES": "*", "DIVIDE": "/"}[op.kind]
        value = ir.Arith(symbol, value, right)
    return value


product = seq(
    factor,
    many(seq(tok("TIMES", "DIVIDE"), factor, build=lambda o, f: (o, f))),
    build=_fold,
)
operand: Parser = seq(
    product,
    many(seq(tok("PLUS", "MINUS"), product, build=lambda o, f: (o, f))),
    build=_fold,
)


# ---- comparisons ------------------------------------------------------------------------------
def _verb(kind: str) -> Any:
    def build(*items: Any) -> Any:
        lexeme = next(i for i in reversed(items) if isinstance(i, Lexeme) and i.kind != "IS")
        return (kind, lexeme.value, lexeme)

    return build


def _cross_dir(direction: str) -> Any:
    def build(cross: Lexeme, word: Lexeme) -> Any:
        return ("cross", direction, cross)

    return build


IS = opt(tok("IS"))


def _signed_zero(lexeme: Lexeme) -> bool:
    """ "below zero" / "positive", not "bullish" or "a buy signal"."""
    text = lexeme.text.lower()
    return any(word in text for word in ("0", "zero", "positive", "negative"))


verb = alt(
    seq(IS, tok("CMP"), build=_verb("static")),
    seq(IS, tok("MOTION"), build=_verb("motion")),
    seq(tok("CLOSEVERB"), build=_verb("close")),
    seq(tok("CROSS"), build=_verb("cross")),
    seq(tok("CROSS"), tok("UPWORD"), build=_cross_dir("crosses_above")),
    seq(tok("CROSS"), tok("DOWNWORD"), build=_cross_dir("crosses_below")),
    seq(IS, tok("TOUCH"), build=lambda _i, t: ("touch", t.value or "touch", t)),
    seq(tok("TRADE"), tok("CMP"), build=_verb("static")),
    seq(tok("FALLING", "RISING", "TURNS"), tok("CMP"), build=_verb("motion")),
    seq(tok("CLOSES"), tok("CMP"), build=_verb("close")),
)


def _cmp(left: Any, v: Any, right: Any, *spans: Any) -> Any:
    kind, op, lexeme = v
    return ir.Cmp(left, op, right, kind, span=_span(left, lexeme, right, *spans))


def _cmp_from(left: Any, v: Any, right: Any, direction: Lexeme) -> Any:
    kind, op, lexeme = v
    if kind != "cross":
        return REJECT
    if op == "cross":
        op = direction.value
    elif op != direction.value:
        # "crosses above 30 from below": the direction words agree; anything else is garbled
        return REJECT
    return ir.Cmp(left, op, right, "cross", span=_span(left, lexeme, right, direction))


MORE_THAN = tok(
    "CMP", when=lambda lx: lx.text.lower() in ("more than", "over", "greater than", "at least")
)


def _pct_cmp(left: Any, _verb_or_is: Any, pct: Lexeme, cmp: Lexeme, right: Any) -> Any:
    if cmp.value not in ("<", ">"):
        return REJECT
    factor = 1 - pct.value / 100 if cmp.value == "<" else 1 + pct.value / 100
    moving = isinstance(_verb_or_is, Lexeme) and _verb_or_is.kind != "IS"
    return ir.Cmp(
        left,
        cmp.value,
        ir.Arith("*", right, ir.Num(round(factor, 10))),
        "motion" if moving else "static",
        span=_span(left, pct, right),
    )


def _multiple(left: Any, _is: Any, cmp: Lexeme, mult: Lexeme, right: Any) -> Any:
    factor = mult.value
    return ir.Cmp(
        left, cmp.value, ir.Arith("*", right, ir.Num(float(factor))), span=_span(left, right)
    )


multiple = tok("TWICE")


def _between(left: Any, _is: Any, b: Lexeme, low: Any, _and: Lexeme, high: Any) -> Any:
    return ir.Group(
        "all",
        (ir.Cmp(left, ">", low, span=_span(left, b)), ir.Cmp(left, "<", high, span=_span(b, high))),
    )


def _broken(subject: Any, word: Lexeme) -> Any:
    op = ">" if not (isinstance(subject, ir.Channel) and subject.kind == "min") else "<"
    if isinstance(subject, ir.Price) and subject.field == "Low":
        op = "<"
    return ir.Cmp(None, op, subject, "motion", span=_span(subject, word))


def _cross_and_level(left: Any, v: Any, right: Any, cmp: Lexeme, level: Any) -> Any:
    crossing = _cmp(left, v, right)
    if crossing is REJECT or v[0] != "cross" or not isinstance(level, ir.Num):
        return REJECT
    op = cmp.value if cmp.kind == "CMP" else ("<" if cmp.value == "crosses_above" else ">")
    return ir.Group("all", (crossing, ir.Cmp(left, op, level, span=_span(left, level))))


def _chain(first: Any, v1: Any, second: Any, v2: Any, third: Any) -> Any:
    if v1[0] != "static" or v2[0] != "static":
        return REJECT
    if isinstance(second, ir.Num) and second.percent:
        return REJECT  # "more than 8% above X" is a distance from X, not "> 8% and 8% > X"
    return ir.Group("all", (_cmp(first, v1, second), _cmp(second, v2, third)))


def _is_extreme(left: Any, _is: Lexeme, extreme: Any) -> Any:
    if not isinstance(extreme, ir.Channel):
        return REJECT
    current = ir.Channel(extreme.kind, extreme.field, extreme.period, False, extreme.span)
    return ir.Cmp(left, ">=" if extreme.kind == "max" else "<=", current, span=_span(left, extreme))


def _against_pair(left: Any, v: Any, _both: Any, pair: Any) -> Any:
    first, second = _cmp(left, v, pair[0]), _cmp(left, v, pair[1])
    if first is REJECT or second is REJECT:
        return REJECT
    return ir.Group("all", (first, second))


comparison = alt(
    seq(operand, tok("BROKEN"), build=_broken),
    seq(operand, verb, opt(tok("BOTH")), lazy(lambda: ind_pair), build=_against_pair),
    seq(operand, verb, operand, tok("CMP", "FROMDIR"), number, build=_cross_and_level),
    seq(operand, verb, operand, verb, operand, build=_chain),
    seq(operand, tok("IS"), lazy(lambda: channel), build=_is_extreme),
    seq(operand, verb, operand, build=_cmp),
    seq(operand, verb, operand, tok("FROMDIR"), build=_cmp_from),
    seq(
        operand,
        tok("CROSS"),
        tok("FROMDIR"),
        opt(operand),
        build=lambda left, c, d, right: ir.Cmp(
            left, d.value, right, "cross", span=_span(left, c, d)
        ),
    ),
    seq(operand, verb, build=lambda left, v: _cmp(left, v, None)),
    seq(opt(tok("CLOSES")), verb, operand, build=lambda _c, v, right: _cmp(None, v, right)),
    seq(operand, IS, tok("BETWEEN"), operand, tok("AND"), operand, build=_between),
    seq(operand, IS, PCT, tok("CMP"), operand, build=_pct_cmp),
    seq(  # "is more than 8% above the 20 EMA": as "is 8% above" (at least that far)
        operand,
        IS,
        MORE_THAN,
        PCT,
        tok("CMP"),
        operand,
        build=lambda x, i, _m, p, c, y: _pct_cmp(x, i, p, c, y),
    ),
    seq(
        operand,
        tok("FALLING", "RISING", "TURNS", "MOTION"),
        opt(MORE_THAN),
        PCT,
        tok("CMP"),
        operand,
        build=lambda x, v, _m, p, c, y: _pct_cmp(x, v, p, c, y),
    ),
    seq(operand, IS, tok("CMP"), multiple, operand, build=_multiple),
    seq(
        tok("BOTH"),
        verb,
        operand,
        build=lambda b, v, right: ir.Cmp(None, v[1], right, v[0], both=True, span=_span(b, right)),
    ),
    seq(  # "both of them are below zero"
        tok("BOTH"),
        IS,
        tok("POSITIVE", "NEGATIVE", when=_signed_zero),
        build=lambda b, _i, s: ir.Cmp(
            None,
            ">" if s.kind == "POSITIVE" else "<",
            ir.Num(0.0, _span(s)),
            both=True,
            span=_span(b, s),
        ),
    ),
    seq(
        operand,
        opt(tok("IS")),
        tok("NOT"),
        verb,
        operand,
        build=lambda left, _i, _n, v, right: _negated(_cmp(left, v, right)),
    ),
    seq(tok("NOT"), verb, operand, build=lambda _n, v, right: _negated(_cmp(None, v, right))),
    seq(
        operand,
        tok("IS"),
        tok("PRON"),
        verb,
        operand,
        build=lambda left, _i, _p, v, r: _cmp(left, v, r),
    ),
)


def _negated(value: Any) -> Any:
    return REJECT if value is REJECT else ir.Not(value)


def _bars(n: Lexeme) -> int | Any:
    return _int(n.value) or REJECT


TREND = tok("RISING", "FALLING")
UPDOWN = tok("UPWORD", "DOWNWORD")
trend = alt(
    seq(
        opt(operand),
        IS,
        TREND,
        build=lambda x, _i, t: ir.Trend(x, t.value, 1, _span(x, t)),
    ),
    seq(
        operand,
        IS,
        TREND,
        tok("FOR"),
        NUM,
        opt(tok("ROW")),
        UNIT,
        build=lambda x, _i, t, _f, n, _r, u: (
            ir.Trend(x, t.value, int(n.value), _span(x, u)) if _int(n.value) else REJECT
        ),
    ),
    seq(
        operand,
        opt(tok("CLOSES")),
        UPDOWN,
        NUM,
        UNIT,
        tok("ROW"),
        build=lambda x, _c, d, n, _u, r: (
            ir.Trend(x, d.value, int(n.value), _span(x, r)) if _int(n.value) else REJECT
        ),
    ),
)
streak = alt(
    seq(
        NUM,
        opt(tok("ROW")),
        UPDOWN,
        tok("CLOSES", "UNIT"),
        opt(tok("ROW")),
        build=lambda n, _r, d, u, _r2: (
            ir.Trend(ir.Price("Close"), d.value, int(n.value), _span(n, u, _r2))
            if _int(n.value)
            else REJECT
        ),
    ),
)
ZONE = tok("OVERSOLD", "OVERBOUGHT")
zone = alt(
    seq(
        opt(operand), IS, ZONE, build=lambda x, _i, z: ir.Zone(x, z.kind.lower(), span=_span(x, z))
    ),
    seq(
        opt(operand),
        IS,
        tok("IN"),
        ZONE,
        build=lambda x, _i, _n, z: ir.Zone(x, z.kind.lower(), span=_span(x, z)),
    ),
    seq(
        opt(operand),
        tok("MOTION", "TURNS"),
        ZONE,
        build=lambda x, _m, z: ir.Zone(x, z.kind.lower(), span=_span(x, z)),
    ),
)
SIGN = tok("POSITIVE", "NEGATIVE")

sign_atom = alt(
    seq(
        opt(operand),
        IS,
        SIGN,
        build=lambda x, _i, s: ir.Sign(x, s.kind == "POSITIVE", False, _span(x, s)),
    ),
    seq(
        opt(operand),
        tok("TURNS"),
        alt(SIGN, UPDOWN),
        build=lambda x, t, s: ir.Sign(x, s.kind in ("POSITIVE", "UPWORD"), True, _span(x, t, s)),
    ),
)
event_atom = alt(
    seq(tok("GOLDEN"), build=lambda g: ir.Event("golden", span=_span(g))),
    seq(tok("DEATH"), build=lambda d: ir.Event("death", span=_span(d))),
    seq(
        SIGN,
        ind_ref,
        tok("CROSSNOUN"),
        build=lambda s, x, c: ir.Event(
            "cross",
            x,
            "crosses_above" if s.kind == "POSITIVE" else "crosses_below",
            None,
            _span(s, x, c),
        ),
    ),
    seq(
        ind_pair,
        tok("GOLDEN", "DEATH"),
        build=lambda pair, g: ir.Event(
            "golden" if g.kind == "GOLDEN" else "death", pair[0], None, pair[1], _span(g)
        ),
    ),
    seq(
        opt(ind_ref),
        opt(SIGN),
        tok("CROSSNOUN"),
        opt(seq(tok("WITH"), operand, build=lambda _w, o: o)),
        build=lambda x, s, c, other: ir.Event(
            "cross",
            x,
            None if s is None else ("crosses_above" if s.kind == "POSITIVE" else "crosses_below"),
            other,
            _span(x, s, c, other),
        ),
    ),
)
change_atom = alt(
    seq(
        operand,
        alt(
            tok("FALLING", "RISING", "UPWORD", "DOWNWORD"),
            seq(tok("IS"), UPDOWN, build=lambda _i, d: d),
        ),
        opt(tok("CMP")),
        PCT,
        tok("IN", "WINDOW"),
        NUM,
        UNIT,
        build=lambda x, d, c, p, _w, n, u: _change(x, d, c, p, n, u),
    ),
)


def _change(
    x: Any, direction: Lexeme, cmp: Lexeme | None, pct: Lexeme, n: Lexeme, u: Lexeme
) -> Any:
    if _int(n.value) is None:
        return REJECT
    down = direction.value == "falling"
    level = -pct.value if down else pct.value
    if cmp is None or cmp.value in (">", ">="):
        op = "<" if down else ">"  # "falls (more than) 10%": the change is below -10
    elif cmp.value in ("<", "<="):
        return REJECT  # "falls less than 10%" is a range, not one comparison
    else:
        return REJECT
    return ir.Cmp(ir.Change(x, int(n.value)), op, ir.Num(level), span=_span(x, pct, u))


def _downward(verb: Lexeme, cmp: Lexeme) -> bool:
    if cmp.kind == "CMP":
        return bool(cmp.value in ("<", "<="))
    return bool(verb.value in ("falling", "<"))


def _distance_pct(p: Lexeme) -> ir.Distance:
    return ir.Distance(percent=p.value)


WHO = opt(tok("PRON", "TRADE", "PRICE"))
risk_atom = alt(
    seq(
        WHO,
        IS,
        tok("UPWORD"),
        PCT,
        opt(seq(tok("FROM"), tok("ENTRY_N", "ENTRY_PRICE"))),
        build=lambda w, _i, u, p, f: ir.RiskAtom(
            "target", _distance_pct(p), span=_span(w, u, p, f)
        ),
    ),
    seq(
        WHO,
        IS,
        tok("DOWNWORD"),
        PCT,
        opt(seq(tok("FROM"), tok("ENTRY_N", "ENTRY_PRICE"))),
        build=lambda w, _i, d, p, f: ir.RiskAtom("stop", _distance_pct(p), span=_span(w, d, p, f)),
    ),
    seq(
        opt(tok("PRON", "TRADE")),
        tok("TURNS", "IS", "MOTION"),
        PCT,
        tok("AGAINST"),
        build=lambda w, t, p, a: ir.RiskAtom("stop", _distance_pct(p), span=_span(w, t, p, a)),
    ),
    seq(
        tok("AFTER"),
        NUM,
        UNIT,
        build=lambda a, n, u: (
            ir.RiskAtom("time", bars=_int(n.value), span=_span(a, u)) if _int(n.value) else REJECT
        ),
    ),
    seq(
        WHO,
        tok("FALLING", "RISING", "MOTION"),
        PCT,
        tok("CMP", "FROM"),
        tok("ENTRY_N", "ENTRY_PRICE"),
        build=lambda w, m, p, c, e: ir.RiskAtom(
            "stop" if _downward(m, c) else "target", _distance_pct(p), span=_span(w, m, p, e)
        ),
    ),
)


# ---- calendar ---------------------------------------------------------------------------------
def _list(item: Parser, joiners: tuple[str, ...] = ("AND", "OR", "COMMA")) -> Parser:
    return seq(
        item,
        many(seq(many(tok(*joiners), 1), item, build=lambda _j, x: x)),
        build=lambda first, rest: (first, *rest),
    )


weekday_list = alt(
    seq(_list(tok("WEEKDAY")), build=lambda days: days),
    seq(tok("WEEKEND"), build=lambda w: (w,)),
)


def _days(items: tuple[Lexeme, ...]) -> tuple[str, ...]:
    values: list[str] = []
    for lexeme in items:
        values += list(lexeme.value) if isinstance(lexeme.value, tuple) else [lexeme.value]
    return tuple(values)


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
calendar = alt(
    seq(
        opt(tok("ON")),
        weekday_list,
        build=lambda o, d: ir.Calendar("weekdays", _days(d), span=_span(o, d)),
    ),
    seq(
        opt(tok("IN")),
        _list(tok("MONTH")),
        build=lambda i, m: ir.Calendar("months", tuple(x.value for x in m), span=_span(i, m)),
    ),
    seq(
        opt(tok("FROM", "BETWEEN", "IN")),
        tok("MONTH"),
        tok("TO", "UNTIL", "MINUS", "AND"),
        tok("MONTH"),
        build=lambda f, a, _t, b: _month_span(a, b, f),
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
)

# ---- condition lists --------------------------------------------------------------------------
atom = alt(comparison, trend, streak, calendar, zone, event_atom, sign_atom, risk_atom, change_atom)


def _held(x: Any, _for: Lexeme, n: Lexeme, *rest: Any) -> Any:
    if _int(n.value) is None or n.value < 2:
        return REJECT
    return ir.Held(x, int(n.value))


citem_ref = lazy(lambda: citem)
cond_ref = lazy(lambda: cond)
citem: Parser = alt(
    atom,
    seq(tok("NOT"), citem_ref, build=lambda _n, x: ir.Not(x)),
    seq(
        tok("EITHER"),
        citem_ref,
        tok("OR"),
        citem_ref,
        build=lambda _e, a, _o, b: ir.Group("any", (a, b)),
    ),
    seq(tok("LPAR"), cond_ref, tok("RPAR"), build=lambda _l, x, _r: x),
    seq(
        atom, tok("LPAR"), cond_ref, tok("RPAR"), build=lambda x, _l, note, _r: ir.Restate(x, note)
    ),
    seq(atom, tok("FOR"), NUM, opt(tok("ROW")), UNIT, build=_held),
    seq(atom, tok("FOR"), NUM, UNIT, tok("ROW"), build=_held),
    seq(atom, NUM, UNIT, tok("ROW"), build=lambda x, n, u, r: _held(x, r, n)),
    seq(atom, opt(tok("ON", "IN")), tok("TIMEFRAME"), build=lambda x, _o, _t: x),
)
CONN = alt(
    seq(tok("AND"), build=lambda _a: "and"),
    seq(tok("OR"), build=lambda _o: "or"),
    seq(tok("COMMA"), build=lambda _c: ","),
    seq(tok("COMMA"), tok("AND"), build=lambda _c, _a: "and"),
    seq(tok("COMMA"), tok("OR"), build=lambda _c, _o: "or"),
    seq(tok("WHILE", "WITH"), build=lambda _w: "and"),
    seq(tok("AND", "COMMA"), tok("WHILE", "WITH"), build=lambda _a, _w: "and"),
    seq(many(tok("AND", "COMMA")), tok("ONLY"), opt(tok("WHEN")), build=lambda *_a: "and"),
)


def _cond(first: Any, rest: tuple[tuple[str, Any], ...]) -> Any:
    if not rest:
        return first
    items = [first, *(x for _, x in rest)]
    for a, b in zip(items, items[1:], strict=False):
        both_calendar = isinstance(a, ir.Calendar) and isinstance(b, ir.Calendar)
        if both_calendar and a.kind == b.kind and a.kind != "time":
            return REJECT  # "in November and December" is one list, not two conditions
    joiners = {j for j, _ in rest} - {","}
    if len(joiners) > 1:
        return ir.Group("mixed", (first, *(x for _, x in rest)))
    logic = "any" if joiners == {"or"} else "all"
    return ir.Group(logic, (first, *(x for _, x in rest)))


cond: Parser = seq(citem, many(seq(CONN, citem, build=lambda j, x: (j, x))), build=_cond)

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


price_spec = alt(
    seq(opt(tok("AT")), operand, build=lambda _a, x: x),
    seq(
        opt(tok("AT")),
        PCT,
        tok("CMP"),
        operand,
        build=lambda _a, p, c, x: (p.value, c.value, x) if c.value in ("<", ">") else REJECT,
    ),
)
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
    seq(opt(tok("AT")), tok("NEXTBAR"), build=lambda _a, _n: ("nextbar", None)),
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
    units = fraction = order = None
    traded = any(kind in ("object", "ticker") for kind, _ in mods)
    for kind, value in mods:
        if kind == "units":
            units = value
        elif kind == "fraction":
            fraction = value
        elif kind == "order":
            order = value
    return ir.Action(_VERBS[verb.kind], units, fraction, order, _span(verb), traded)


action_phrase = alt(
    seq(opt(tok("PLACE")), tok(*ACTION_KINDS), many(action_mod), build=_action),
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


def _when(_intro: Any, x: Any, unless: Any) -> Any:
    if unless is None:
        return x
    return ir.Group("all", (x, ir.Not(unless)))


def _when_clause(intro: Parser) -> Parser:
    return alt(
        seq(
            intro,
            cond,
            # "..., unless RSI(14) is over 75": the comma only sets the exception off
            opt(seq(opt(tok("COMMA")), tok("UNLESS"), cond, build=lambda _c, _u, c: c)),
            build=_when,
        ),
        seq(intro, cond, calendar, build=lambda _i, x, c: ir.Group("all", (x, c))),
    )


plain_when = _when_clause(PLAIN_INTRO)
only_when = _when_clause(ONLY_INTRO)
when_clause = alt(plain_when, only_when)


def _not_a_price(x: Any) -> bool:
    """ "take profit at 4 ATR" is a distance: a number or an ATR is no price to exit at."""
    if isinstance(x, ir.Num):
        return True
    return isinstance(x, ir.Mention) and x.name not in PRICE_SCALE


def _signal_rule(signal: Lexeme, x: Any) -> Any:
    """ "<condition> is my buy signal" (or long, sell, short signal)."""
    first = signal.text.lower().split()[0]
    verb = {"buy": "buy", "long": "buy", "sell": "sell", "short": "short"}.get(first)
    return REJECT if verb is None else _rule(ir.Action(verb, span=_span(signal)), x)


def _rule(action: ir.Action, x: Any) -> Any:
    return ir.Rule(action, x, _span(action, x))


rule_stmt = alt(
    seq(action_phrase, plain_when, build=_rule),
    # "Buy only when ADX(14) is above 25": with other buy rules it restricts them, never adds
    # an alternative trigger
    seq(
        action_phrase,
        only_when,
        build=lambda a, x: ir.Rule(a, x, _span(a, x), only=True),
    ),
    seq(
        when_clause,
        opt(tok("COMMA")),
        opt(tok("THEN")),
        action_phrase,
        build=lambda x, _c, _t, a: _rule(a, x),
    ),
    seq(cond, tok("ARROW"), action_phrase, build=lambda x, _a, a: _rule(a, x)),
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
    seq(
        action_phrase,
        opt(tok("ON")),
        event_atom,
        when_clause,
        build=lambda a, _o, x, w: _rule(a, ir.Group("all", (x, w))),
    ),
    seq(action_phrase, event_atom, build=lambda a, x: _rule(a, x)),
    seq(action_phrase, tok("AFTER", "ON"), cond, build=lambda a, _o, x: _rule(a, x)),
    seq(  # "I'm buying closes under the lower band": the bar that closes there
        action_phrase,
        cond,
        build=lambda a, x: (
            _rule(a, x)
            if isinstance(x, ir.Cmp) and x.kind == "close" and x.left is None
            else REJECT
        ),
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
    seq(cond, opt(tok("COLON")), action_phrase, build=lambda x, _c, a: _rule(a, x)),
    seq(action_phrase, zone, build=lambda a, x: _rule(a, x)),
    seq(tok("TARGET"), when_clause, build=lambda t, x: _rule(ir.Action("exit", span=_span(t)), x)),
    seq(CLOSE_VERB, when_clause, build=lambda c, x: _rule(ir.Action("exit", span=_span(c)), x)),
    seq(
        when_clause,
        opt(tok("COMMA")),
        action_phrase,
        calendar,
        build=lambda x, _c, a, cal: _rule(a, ir.Group("all", (x, cal))),
    ),
)


def _distance_atr(mult: Lexeme, ind: Lexeme, period: Lexeme | None) -> Any:
    if ind.value[0] != "ATR":
        return REJECT
    return ir.Distance(
        atr=mult.value, atr_period=_int(period.value) if period is not None else None
    )


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
FROM_ENTRY = opt(seq(tok("CMP", "FROM"), tok("ENTRY_N", "ENTRY_PRICE")))
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
        return ir.Risk(kind, value, where[0].value, _span(*lexemes, where))

    return build


def _unless_hit(items: tuple[Any, ...]) -> Any:
    """ "if neither hits" / "if that doesn't hit": the negation is what the words say;
    "if that hits, sell after 10 days" says something else and is not read."""
    who, negated, bars = items[2], items[3], items[-2]
    if (who.kind == "NEITHER") == (negated is not None) or not _int(bars.value):
        return REJECT
    return ir.TimeExit(int(bars.value), unless_hit=True)


STOP = tok("STOP")
NEGATIVE_PCT = tok("PCT", when=lambda lx: lx.value < 0)


def _signed(kind: str, pct: Lexeme) -> ir.Risk:
    """ "SL -2%" / "TP +6%": the sign says below or above the entry, the distance is 2% / 6%."""
    return ir.Risk(kind, ir.Distance(percent=abs(pct.value)))


TARGET = tok("TARGET")
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
    seq(PLACE, STOP, LINK, distance, FROM_ENTRY, build=_risk("stop")),
    seq(PLACE, distance, STOP, FROM_ENTRY, build=_risk("stop")),
    # "(exit) on a 3% stop", "or at a 6% target"
    seq(opt(tok("EXIT", "SELL", "COVER")), tok("ON", "AT"), distance, STOP, build=_risk("stop")),
    seq(
        opt(tok("EXIT", "SELL", "COVER")), tok("ON", "AT"), distance, TARGET, build=_risk("target")
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
    # "trail it with a 3 ATR(14) stop": "it" is the position, the only thing a stop trails
    seq(
        tok("TRAIL"),
        tok("PRON", when=lambda lx: lx.text.lower() == "it"),
        tok("WITH"),
        distance,
        opt(alt(STOP, TRAIL)),
        build=_risk("trailing"),
    ),
    seq(tok("RIDE"), tok("WITH"), distance, TRAIL, build=_risk("trailing")),
    seq(PLACE, TRAIL, LINK, distance, build=_risk("trailing")),
    seq(PLACE, distance, TRAIL, build=_risk("trailing")),
    seq(
        tok("HOLD"),
        tok("FOR"),
        NUM,
        UNIT,
        opt(seq(tok("THEN"), tok("SELL", "EXIT"))),
        build=lambda _h, _f, n, _u, _t: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(  # "Get out one day later"
        tok("EXIT", "SELL", "COVER"),
        NUM,
        UNIT,
        tok("LATER"),
        build=lambda _e, n, _u, _l: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
    seq(
        opt(tok("EXIT", "SELL", "COVER")),
        tok("AFTER"),
        NUM,
        UNIT,
        build=lambda _e, _a, n, _u: ir.TimeExit(int(n.value)) if _int(n.value) else REJECT,
    ),
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
    seq(tok("NO"), tok("EXIT_N"), build=lambda _n, _e: ir.NoExit()),
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
        alt(tok("THAT", "NEITHER"), tok("PRON", when=lambda lx: lx.text.lower() == "it")),
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
no_exit_except = seq(
    tok("NO"),
    tok("EXIT_N"),
    tok("EXCEPT", "WITH"),
    lazy(lambda: risk_stmt),
    build=lambda _n, _e, _x, r: (ir.NoExit(), r),
)
size_stmt = alt(
    seq(
        opt(tok("PLACE")),
        tok("HALF_OF"),
        tok("EQUITY"),
        opt(tok("PERTRADE")),
        build=lambda _p, h, _e, _t: ir.Size("equity_fraction", h.value),
    ),
    seq(
        opt(tok("PLACE")),
        PCT,
        tok("OF"),
        tok("EQUITY"),
        opt(tok("PERTRADE")),
        build=lambda _p, pct, _o, _e, _t: ir.Size("equity_fraction", pct.value / 100),
    ),
    seq(
        tok("SIZE"),
        opt(tok("PERTRADE")),
        LINK,
        PCT,
        opt(seq(tok("OF"), tok("EQUITY"))),
        opt(tok("PERTRADE")),
        build=lambda _s, _t, _l, pct, _e, _t2: ir.Size("equity_fraction", pct.value / 100),
    ),
    seq(
        opt(seq(tok("SIZE"), tok("COLON"))),  # "Position sizing: risk 0.5% ..."
        tok("RISK"),
        PCT,
        opt(seq(tok("OF"), tok("EQUITY"))),
        opt(tok("PERTRADE")),
        opt(seq(tok("WITH"), PCT, STOP, build=lambda _w, p, _s: _distance_pct(p))),
        build=lambda _h, _r, pct, _e, _t, stop: ir.Size("risk_percent", pct.value, stop),
    ),
    seq(
        opt(tok("PLACE", "TRADE", "BUY")),
        NUM,
        tok("SHARES"),
        opt(tok("PERTRADE")),
        build=lambda _p, n, _s, _t: ir.Size("units", n.value),
    ),
    seq(tok("ALL_IN"), build=lambda _a: ir.Size("equity_fraction", 1.0)),
)
order_stmt = alt(
    seq(opt(tok("PLACE")), order_phrase, when_clause, build=lambda _p, o, x: ir.OrderStmt(o, x)),
)
side_stmt = alt(
    seq(tok("NO"), tok("SHORTING"), build=lambda _n, _s: ir.Side("long")),
    seq(tok("LONGONLY"), build=lambda _l: ir.Side("long")),
    seq(tok("SHORTONLY"), build=lambda _s: ir.Side("short")),
    seq(opt(tok("TRADE")), tok("BOTHWAYS"), build=lambda _t, _b: ir.Side("both")),
    seq(
        tok("REVERSE"),
        opt(tok("ON", "WHEN", "AT")),
        tok("OPPOSITE"),
        build=lambda *_a: ir.Side("reverse"),
    ),
    seq(tok("REVERSE"), build=lambda _r: ir.Side("reverse")),
    seq(  # "just flip on the opposite signal"
        tok("TURNS", when=lambda lx: lx.text.lower().startswith("flip")),
        tok("ON", "AT"),
        tok("OPPOSITE"),
        build=lambda *_a: ir.Side("reverse"),
    ),
)


def _mirror(action: ir.Action, opposite: Lexeme) -> ir.Mirror:
    return ir.Mirror(action, "cross" in opposite.text.lower())


mirror_stmt = alt(
    seq(action_phrase, tok("ON", "WHEN"), tok("OPPOSITE"), build=lambda a, _o, x: _mirror(a, x)),
    seq(
        tok("OPPOSITE"), tok("ARROW", "COLON"), action_phrase, build=lambda x, _c, a: _mirror(a, x)
    ),
    seq(
        tok("REVERSE"), tok("FOR", "TO", "ON"), action_phrase, build=lambda _r, _f, a: ir.Mirror(a)
    ),
)
decl_item = alt(
    seq(ind_single, build=lambda m: (m,)),
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
    opt(tok("PLACE", "WITH")),
    decl_item,
    many(seq(many(tok("COMMA", "AND"), 1), decl_item, build=lambda _s, d: d)),
    build=_decl,
)
heading = alt(
    seq(
        tok("ENTRY_N", "EXIT_N", "FILTER_N", *ACTION_KINDS),
        opt(tok("COLON")),
        build=lambda h, c: ir.Heading(_VERBS.get(h.kind, "filter"), c is not None),
    ),
    seq(  # "Short setup:" (a "sell setup" could be either side, so it is not read)
        tok("SHORT", "BUY"),
        tok("SIGNAL_N", when=lambda lx: lx.text.lower() == "setup"),
        tok("COLON"),
        build=lambda h, _s, _c: ir.Heading(_VERBS[h.kind], True),
    ),
)
timeframe = seq(
    opt(tok("ON", "IN", "WITH", "PLACE", "FOR")),
    opt(NUM),
    tok("TIMEFRAME"),
    build=lambda _o, n, t: ir.Timeframe(t.text if n is None else f"{n.text} {t.text}"),
)
timeframe = alt(
    timeframe,
    seq(timeframe, tok("OF"), tok("TICKER"), build=lambda t, _o, _k: t),
)


def _cross_pair(ind: Lexeme, first: Lexeme, second: Lexeme) -> Any:
    pair = _pair(ind, first.value, second.value, second)
    return REJECT if pair is REJECT else ir.Crossover(pair)


strategy_stmt = alt(
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
    seq(
        IND,
        tok("CROSSNOUN"),
        NUM,
        tok("SLASH", "AND"),
        NUM,
        build=lambda i, _c, a, _s, b: _cross_pair(i, a, b),
    ),
)
filter_action = opt(alt(tok(*ACTION_KINDS), tok("PLACE")))


def _filter(negate: bool) -> Any:
    def build(*items: Any) -> Any:
        verb = next(
            (_VERBS[i.kind] for i in items if isinstance(i, Lexeme) and i.kind in _VERBS), None
        )
        x = next(i for i in items if isinstance(i, _COND_TYPES))
        return ir.Filter(ir.Not(x) if negate else x, verb)

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


filter_stmt = alt(
    seq(action_phrase, calendar, tok("ONLY"), build=_only_calendar),
    seq(tok("ONLY"), filter_action, calendar, build=_filter(False)),
    seq(tok("ONLY"), filter_action, when_clause, build=_filter(False)),
    seq(NEG, opt(tok(*ACTION_KINDS)), calendar, build=_filter(True)),
    seq(NEG, tok(*ACTION_KINDS), when_clause, build=_filter(True)),
    seq(tok("AVOID"), opt(tok(*ACTION_KINDS)), calendar, build=_filter(True)),
    seq(
        tok("FILTER_N"),
        tok("COLON", "IS", "ARROW"),
        opt(tok("THAT")),
        opt(INTRO),
        cond,
        build=_filter(False),
    ),
)
cond_stmt = alt(
    seq(cond, build=lambda x: REJECT if isinstance(x, ir.Event) else ir.CondOnly(x)),
    seq(tok("WHEN"), cond, build=lambda _w, x: ir.CondOnly(x)),
)
stmt = alt(
    seq(rule_stmt, build=lambda s: (s,)),
    seq(cond_stmt, build=lambda s: (s,)),
    seq(filter_stmt, build=lambda s: (s,)),
    seq(risk_stmt, build=lambda s: (s,)),
    no_exit_except,
    seq(size_stmt, build=lambda s: (s,)),
    seq(side_stmt, build=lambda s: (s,)),
    seq(mirror_stmt, build=lambda s: (s,)),
    seq(decl_stmt, build=lambda s: (s,)),
    seq(timeframe, build=lambda s: (s,)),
    seq(
        tok("ON", "FOR", "IN", "OF"),
        tok("TICKER"),
        build=lambda _o, t: (ir.Timeframe(t.text),),
    ),
    seq(strategy_stmt, build=lambda s: (s,)),
    seq(  # "Long/short on the 50/200 SMA": both sides, and the pair the rules refer to
        tok("BOTHWAYS"),
        tok("ON", "WITH"),
        ind_pair,
        build=lambda _b, _o, pair: (ir.Side("both"), ir.Crossover(pair)),
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


def _sentence(lead: Any, first: Any, rest: tuple[Any, ...], tail: Any) -> Any:
    statements = list(first)
    for group in rest:
        if isinstance(group, _OrExit) and not _is_exit(statements[-1]):
            return REJECT  # "Buy when ... or on a 3% stop": a stop order? never guessed
        statements += list(group)
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


def _exit_or(_or: Lexeme, statement: Any) -> Any:
    return _OrExit((statement,)) if isinstance(statement, ir.Risk | ir.TimeExit) else REJECT


# "Exit after 10 bars or on a 3% stop": exits are alternatives anyway, so 'or' joins them
exit_or = seq(tok("OR"), lazy(lambda: risk_stmt), build=_exit_or)
tf_stmt = alt(
    seq(timeframe, build=lambda s: (s,)),
    seq(tok("ON", "FOR", "IN", "OF"), tok("TICKER"), build=lambda _o, t: (ir.Timeframe(t.text),)),
)
sentence = alt(
    seq(
        opt(  # "... . Then buy when ...": no sequence, a joiner
            alt(
                tok("AND", "OR", "TO", "THEN"),
                seq(tok("OTHERWISE"), opt(tok("COMMA")), build=lambda o, _c: o),
            )
        ),
        stmt,
        many(alt(seq(SEP, stmt, build=lambda _s, x: x), tf_stmt, exit_or)),
        opt(alt(tok("COMMA", "COLON"), seq(opt(tok("COMMA")), tok("WHICHEVER"), build=_last))),
        build=_sentence,
    ),
    seq(heading, build=lambda h: (h,)),
    seq(heading, opt(tok("COLON")), lazy(lambda: sentence_body), build=_headed),
)
sentence_body: Parser = seq(
    stmt,
    many(alt(seq(SEP, stmt, build=lambda _s, x: x), tf_stmt)),
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
