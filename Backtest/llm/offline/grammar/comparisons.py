"""Comparisons, crossings, trends, zones, distances and changes of operands."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, alt, lazy, opt, seq, tok
from Backtest.llm.offline.grammar.base import IT, _int, _span
from Backtest.llm.offline.grammar.operands import (
    NUM,
    PCT,
    UNIT,
    channel,
    ind_pair,
    ind_ref,
    number,
    operand,
)
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.vocabulary import PRICE_SCALE


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
# "line x over signal" (as "x above"; the noun "a bullish x over" stays a noun)
_PINE = {"crossover": "crosses_above", "crossunder": "crosses_below", "x over": "crosses_above"}


def _pine(word: Lexeme) -> tuple[str, str, Lexeme]:
    return ("cross", _PINE[" ".join(word.text.lower().split())], word)


def _signed_zero(lexeme: Lexeme) -> bool:
    """ "below zero" / "positive", not "bullish" or "a buy signal"."""
    text = lexeme.text.lower()
    return any(word in text for word in ("0", "zero", "positive", "negative"))


def _objectless(word: Lexeme) -> bool:
    """A verb that cannot stand without what it names: Pine's "crossover" (the noun alone), and a
    touch word ending in "to" ("rises to", "gets back up to"): its level is never the one said
    before ("sell when it rises to or below the SMA" is no "rises to" the level before)."""
    text = " ".join(word.text.lower().split())
    return word.kind == "CROSSNOUN" or (word.kind == "TOUCH" and text.endswith(" to"))


_WAYLESS_CROSS = tok("CROSS", when=lambda lx: lx.value == "cross")
_WAY_AFTER = frozenset(
    {"upward", "upwards", "downward", "downwards", "to the upside", "to the downside"}
)
verb = alt(
    seq(IS, tok("CMP"), build=_verb("static")),
    seq(IS, tok("MOTION"), build=_verb("motion")),
    seq(tok("CLOSEVERB"), build=_verb("close")),
    # "the price is closing over the upper band": the close, said in the progressive
    seq(
        tok("IS", when=lambda lx: lx.text.lower() in ("is", "are")),
        tok("CLOSEVERB", when=lambda lx: lx.text.lower().startswith("closing ")),
        build=_verb("close"),
    ),
    seq(tok("CROSS"), build=_verb("cross")),
    # "the close is crossing below the 20 SMA", "CCI is crossing up the -100 line": the
    # crossing said in the progressive (only "is"/"are" and a "crossing" form)
    seq(
        tok("IS", when=lambda lx: lx.text.lower() in ("is", "are")),
        tok("CROSS", when=lambda lx: lx.text.lower().startswith("crossing ")),
        build=_verb("cross"),
    ),
    # "crosses back down", "cuts up": a way after a crossing that names none ("crosses below
    # the lower band" is no second way: "lower" names the band)
    seq(_WAYLESS_CROSS, tok("UPWORD"), build=_cross_dir("crosses_above")),
    seq(_WAYLESS_CROSS, tok("DOWNWORD"), build=_cross_dir("crosses_below")),
    # "RSI(14) crossover 30", "the MACD line crossunder the signal line" (Pine Script's
    # ta.crossover / ta.crossunder, as "crosses over" / "crosses under")
    seq(
        tok("CROSSNOUN", when=lambda lx: lx.text.lower() in _PINE),
        build=lambda c: _pine(c),
    ),
    seq(IS, tok("TOUCH"), build=lambda _i, t: ("touch", t.value or "touch", t)),
    seq(tok("TRADE"), tok("CMP"), build=_verb("static")),
    seq(tok("FALLING", "RISING", "TURNS"), tok("CMP"), build=_verb("motion")),
    seq(tok("CLOSES"), tok("CMP"), build=_verb("close")),
)


def _than_it_was(x: Any, c: Lexeme, n: Lexeme, ago: Lexeme) -> Any:
    """ "<x> is higher than it was 5 bars ago": x against its own value 5 bars back."""
    bars = _int(n.value)
    if not isinstance(x, ir.Price | ir.Mention) or x.ago or bars is None or bars < 1:
        return REJECT
    return ir.Cmp(x, c.value, replace(x, ago=bars), "static", span=_span(x, ago))


def _cmp(left: Any, v: Any, right: Any, *spans: Any) -> Any:
    kind, op, lexeme = v
    if (
        kind == "motion"
        and op in ("<", ">")
        and isinstance(left, ir.Mention)
        and isinstance(right, ir.Mention)
    ):
        # "EMA 9 goes over EMA 21": one line crossing another (kind "motion" kept: held for
        # several bars, "moves above ... for 3 days", it is above on each of them)
        op = "crosses_above" if op == ">" else "crosses_below"
        return ir.Cmp(left, op, right, "motion", span=_span(left, lexeme, right, *spans))
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


def _x_way(left: Any, x: Lexeme, right: Any, way: Lexeme) -> Any:
    if isinstance(left, ir.Num) or isinstance(right, ir.Num):
        return REJECT
    op = "crosses_above" if way.kind == "UPWORD" else "crosses_below"
    return ir.Cmp(left, op, right, "cross", span=_span(left, x, right, way))


MORE_THAN = tok(
    "CMP", when=lambda lx: lx.text.lower() in ("more than", "over", "greater than", "at least")
)
# "7% or more" (never "or less", a range)
OR_MORE = seq(
    tok("OR"),
    tok("MOREWORD", when=lambda lx: lx.text.lower() in ("more", "greater")),
    build=lambda o, m: m,
)
# "is at least 1% above the 21 EMA" (the copula is inside the phrase)
IS_MORE_THAN = tok("CMP", when=lambda lx: lx.text.lower() in ("is at least", "are at least"))


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


def _against(verb: Lexeme, cmp: Lexeme) -> bool:
    """ "drops 5% above the SMA": the verb's direction and the side disagree (never guessed)."""
    down = verb.kind == "FALLING" or (verb.kind == "MOTION" and verb.value in ("<", "<="))
    up = verb.kind == "RISING" or (verb.kind == "MOTION" and verb.value in (">", ">="))
    below = cmp.value in ("<", "<=")
    return (down and not below) or (up and below)


def _on_price_scale(x: Any) -> bool:
    if isinstance(x, ir.Price | ir.Channel):
        return x.field != "Volume" if isinstance(x, ir.Price) else True
    return isinstance(x, ir.Mention) and x.name in PRICE_SCALE


def _atr_beyond(
    x: Any, _is: Any, n: Lexeme, _t: Any, atr: Lexeme, period: Lexeme | None, c: Lexeme, y: Any
) -> Any:
    if n.value <= 0 or not (_on_price_scale(x) and _on_price_scale(y)):
        return REJECT  # an ATR is a price distance: "RSI is 2 ATR below 30" mixes units
    numbers = () if period is None else (period.value,)
    width = ir.Arith("*", ir.Num(n.value), ir.Mention("ATR", numbers, span=_span(atr, period)))
    line = ir.Arith("+" if c.value == ">" else "-", y, width)
    return ir.Cmp(x, c.value, line, span=_span(x, n, y))


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


def _broken_way(subject: Any) -> str | None:
    """The side a line named as broken lies on: a high or an upper band is broken upward, a low
    or a lower band downward; any other line ("the 200 SMA is broken") could be either."""
    if isinstance(subject, ir.Channel):
        return {"max": "up", "min": "down"}.get(subject.kind)
    if isinstance(subject, ir.Price):
        return {"High": "up", "Low": "down"}.get(subject.field)
    output = None
    if isinstance(subject, ir.Mention):
        output = subject.output
    elif isinstance(subject, ir.Ref) and subject.kind == "output":
        output = subject.detail
    return {"upper": "up", "lower": "down"}.get(str(output))


def _broken(subject: Any, word: Lexeme) -> Any:
    """ "the 20-day high is broken": the price goes above it ("the lower band is broken":
    below); a line with no side ("the 200 SMA is broken": up or down?) is refused."""
    way = _broken_way(subject)
    if way is None:
        return REJECT
    op = ">" if way == "up" else "<"
    return ir.Cmp(None, op, subject, "motion", span=_span(subject, word))


def _cross_and_level(left: Any, v: Any, right: Any, cmp: Lexeme, level: Any) -> Any:
    crossing = _cmp(left, v, right)
    if crossing is REJECT or v[0] != "cross" or not isinstance(level, ir.Num):
        return REJECT
    op = cmp.value if cmp.kind == "CMP" else ("<" if cmp.value == "crosses_above" else ">")
    return ir.Group("all", (crossing, ir.Cmp(left, op, level, span=_span(left, level))))


def _chain(first: Any, v1: Any, second: Any, v2: Any, third: Any) -> Any:
    """ "close > 50 SMA > 200 SMA", "30 < RSI < 70": both comparisons, one way round, of a
    series in the middle. A number or a sum in the middle is a distance or a shorthand "+"
    ("more than 2 ATR(14) below the SMA" is no "> 2 ATR and 2 ATR < SMA"; "atr < atr 20 bars
    ago + close > yday high" is no "atr < (atr + close) > high"), and a chain that turns
    round ("a < b > c") is no English: all are left to other rules, or refused."""
    if v1[0] != "static" or v2[0] != "static":
        return REJECT
    if isinstance(second, ir.Num | ir.Arith):
        return REJECT
    if _direction(v1[1]) != _direction(v2[1]):
        return REJECT
    return ir.Group("all", (_cmp(first, v1, second), _cmp(second, v2, third)))


def _direction(op: str) -> str:
    return "up" if op in (">", ">=", "above", "crosses_above") else "down"


def _both_named(first: Any, second: Any, v: Any, right: Any) -> Any:
    one, other = _cmp(first, v, right), _cmp(second, v, right)
    if one is REJECT or other is REJECT:
        return REJECT
    return ir.Group("all", (one, other))


def _is_extreme(left: Any, _is: Lexeme, extreme: Any) -> Any:
    """ "the close is the highest in 20 days": at or above the highest close of the 20 bars
    up to this one (the subject's own price when the extreme names none; of anything but a
    price, "RSI is the highest in 20 days", refused)."""
    if not isinstance(extreme, ir.Channel):
        return REJECT
    field = extreme.field
    if not extreme.said:
        if not isinstance(left, ir.Price) or left.ago:
            return REJECT
        field = left.field
    current = ir.Channel(extreme.kind, field, extreme.period, False, extreme.span)
    return ir.Cmp(left, ">=" if extreme.kind == "max" else "<=", current, span=_span(left, extreme))


def _against_pair(left: Any, v: Any, _both: Any, pair: Any) -> Any:
    first, second = _cmp(left, v, pair[0]), _cmp(left, v, pair[1])
    if first is REJECT or second is REJECT:
        return REJECT
    return ir.Group("all", (first, second))


def _day_change(n: Lexeme, u: Lexeme, word: Lexeme, v: Any, level: Any) -> Any:
    """ "the 20-day change drops below zero": the percent change of the close. Only against
    zero, where percent and price units agree ("the 20-day change is above 5": 5% or $5?)."""
    if _int(n.value) is None or not isinstance(level, ir.Num) or level.value != 0:
        return REJECT
    change = ir.Change(ir.Price("Close", span=_span(n, word)), int(n.value))
    return _cmp(change, v, level, n, u, word)


def _pct_change(n: Lexeme, u: Lexeme, word: Lexeme, v: Any, level: Any) -> Any:
    """ "the 10-day % change > 15%": the percent change of the close, against a percentage
    (or zero); a bare level ("the 10-day % change > 15") is left to be refused."""
    if _int(n.value) is None or not isinstance(level, ir.Num):
        return REJECT
    if not level.percent and level.value != 0:
        return REJECT
    change = ir.Change(ir.Price("Close", span=_span(n, word)), int(n.value))
    return _cmp(change, v, ir.Num(level.value, level.span), n, u, word)


def _periods(n1: Lexeme, u1: Lexeme, v: Any, n2: Lexeme, u2: Lexeme) -> Any:
    """ "the 15-day crosses back below the 60-day": each period names the one indicator of
    that period mentioned before, as "the 15 crosses below the 60" does."""
    if _int(n1.value) is None or _int(n2.value) is None:
        return REJECT
    return _cmp(ir.Num(n1.value, _span(n1, u1)), v, ir.Num(n2.value, _span(n2, u2)))


_OR_MORE = {"more": ">=", "greater": ">=", "higher": ">=", "above": ">=", "over": ">="}
_OR_MORE |= {"less": "<=", "fewer": "<=", "lower": "<=", "below": "<=", "under": "<="}


def _or_more(left: Any, verb: Lexeme, level: Any, _or: Lexeme, word: Lexeme) -> Any:
    """ "RSI is 30 or less", "it gets to -10 or higher": the level or beyond it (a plain
    number, never a percentage); a verb of one way with the other ("drops to 20 or higher")
    is garbled, never guessed."""
    if not isinstance(level, ir.Num) or level.percent:
        return REJECT
    op = _OR_MORE[" ".join(word.text.lower().split())]
    if verb.kind == "TOUCH" and verb.value not in (None, {">=": "up", "<=": "down"}[op]):
        return REJECT
    return ir.Cmp(left, op, level, span=_span(left, level, word))


def _makes_new(x: Any, word: Lexeme, line: ir.Channel) -> Any:
    """ "the price (close, high) makes a new 20-day high": the price named outright, today
    ("RSI makes a new 20-day high" is RSI's own high, not the price's; "it" may be either)."""
    fields: tuple[str, ...] = ("Close", "High") if line.kind == "max" else ("Close", "Low")
    if word.value == "close":  # "the price closes at a new 20-day high": the close
        fields = ("Close",)
    if not (isinstance(x, ir.Price) and x.ago == 0 and x.field in fields):
        return REJECT
    op = ">" if line.kind == "max" else "<"
    return ir.Cmp(x, op, line, "motion", span=_span(x, word, line))


def _break_of(b: Lexeme, line: Any) -> Any:
    """ "(buy on) a break of the 55-day high", "the breakdown of the lower band": the close
    beyond the line the way its side says; a breakout of a low (a breakdown of a high) is
    refused."""
    if isinstance(line, ir.Channel) and line.kind in ("max", "min"):
        cmp = ir.Cmp(None, ">" if line.kind == "max" else "<", line, "motion", span=_span(b, line))
    else:
        cmp = _breaks_band(None, b, line)
    if cmp is REJECT or b.value == "any" or (b.value == "up") == (cmp.op == ">"):
        return cmp
    return REJECT


def _breaks_band(x: Any, b: Lexeme, line: Any) -> Any:
    """ "breaks the upper band": above a channel's upper line, below its lower one (a line
    with no side, "breaks the 200 SMA", is not read: up or down?)."""
    if isinstance(line, ir.Mention) and line.name in ("DONCHIAN", "BBANDS", "KELTNER"):
        side = line.output
    elif isinstance(line, ir.Ref) and line.kind in ("output", "its_output"):
        side = line.detail
    else:
        return REJECT
    if side not in ("upper", "lower"):
        return REJECT
    op = ">" if side == "upper" else "<"
    return ir.Cmp(x, op, line, "motion", span=_span(x, b, line))


def _than_every(left: Any, _is: Any, than: tuple[Lexeme, Lexeme], field: Lexeme, *rest: Any) -> Any:
    """ "lower than every close of the previous 10 days": below the lowest of them (above the
    highest for "higher than every high ...")."""
    cmp, every = than
    period = rest[-2]
    name = "Close" if field.kind == "CLOSES" else field.value
    if name not in ("High", "Low", "Close") or _int(period.value) is None:
        return REJECT
    kind = "min" if cmp.value == "<" else "max"
    channel = ir.Channel(kind, name, period.value, True, _span(every, period))
    return ir.Cmp(left, cmp.value, channel, span=_span(left, cmp, period))


def _within(x: Any, _is: Any, _w: Lexeme, pct: Lexeme, _of: Lexeme, y: Any) -> Any:
    """ "the close is within 1% of the 50 SMA": above the line 1% under it and below the line
    1% over it (two prices or price lines only; "RSI within 5% of 30" is refused)."""
    if not (0 < pct.value < 100 and _on_price_scale(x) and _on_price_scale(y)):
        return REJECT
    low = ir.Arith("*", y, ir.Num(round(1 - pct.value / 100, 10)))
    high = ir.Arith("*", y, ir.Num(round(1 + pct.value / 100, 10)))
    span = _span(x, pct, y)
    return ir.Group("all", (ir.Cmp(x, ">", low, span=span), ir.Cmp(x, "<", high, span=span)))


# A bar said as the subject of a verb of closing: "a day", "the bar", "today"
_ONE_BAR = alt(
    tok("UNIT", when=lambda lx: lx.text.lower() in ("day", "bar", "session", "candle")),
    tok("TODAY", when=lambda lx: lx.text.lower() in ("today", "the day", "this bar", "this day")),
)


# "a break of the 55-day high", "the breakdown of the lower band", "a breakout above the
# 55-day high": the close beyond the line, with no subject ("buy the breakout of ...")
_BREAK_WORD = tok(
    "MOTION", when=lambda lx: lx.text.lower().split()[0] in ("break", "breakout", "breakdown")
)
break_atom = alt(
    seq(tok("BREAKOF"), channel, build=_break_of),
    seq(tok("BREAKOF"), operand, build=_break_of),
    seq(
        _BREAK_WORD,
        alt(channel, operand),
        build=lambda m, line: ir.Cmp(None, m.value, line, "motion", span=_span(m, line)),
    ),
)


comparison = alt(
    seq(
        operand,
        tok("IS"),
        tok("IN", when=lambda lx: lx.text.lower() == "within"),
        PCT,
        tok("OF"),
        operand,
        build=_within,
    ),
    # "the close is lower than every close of the previous 10 days"
    seq(
        operand,
        IS,
        alt(
            seq(
                tok("CMP", when=lambda lx: lx.value in ("<", ">")),
                tok("EVERY", when=lambda lx: lx.text.lower() in ("every", "each")),
                build=lambda c, e: (c, e),
            ),
            # "higher than any close of the previous 50 sessions": than every one of them
            seq(tok("THAN_ANY"), build=lambda c: (c, c)),
        ),
        alt(tok("PRICE"), tok("CLOSES", when=lambda lx: lx.text.lower() == "close")),
        tok("WINDOW"),
        NUM,
        UNIT,
        build=_than_every,
    ),
    seq(
        NUM,
        UNIT,
        tok("PLACE", when=lambda lx: lx.text.lower() == "change"),
        verb,
        number,
        build=_day_change,
    ),
    seq(NUM, UNIT, verb, NUM, UNIT, build=_periods),
    seq(
        NUM,
        UNIT,
        tok("CHANGE", when=lambda lx: lx.text.lower() in ("% change", "percent change")),
        verb,
        number,
        build=_pct_change,
    ),
    seq(operand, tok("BROKEN"), build=_broken),
    # "the close breaks the prior 20-day high": above a high, below a low
    seq(
        operand,
        tok("BROKEN", when=lambda lx: lx.text.lower() == "breaks"),
        channel,
        build=lambda x, b, c: ir.Cmp(
            x, ">" if c.kind == "max" else "<", c, "motion", span=_span(x, b, c)
        ),
    ),
    # "the price makes a new 20-day high": above the high of the bars before, below a low (as
    # "breaks above the 20-day high"); only before an N-day high or low
    seq(
        operand,
        tok("MAKESNEW"),
        channel,
        build=_makes_new,
    ),
    break_atom,
    # "price breaks the Donchian upper band (20)", "the close breaks the lower band": above an
    # upper line, below a lower one
    seq(
        operand,
        tok("BROKEN", when=lambda lx: lx.text.lower() == "breaks"),
        operand,
        build=_breaks_band,
    ),
    seq(operand, verb, opt(tok("BOTH")), lazy(lambda: ind_pair), build=_against_pair),
    seq(operand, verb, operand, tok("CMP", "FROMDIR"), number, build=_cross_and_level),
    seq(operand, verb, operand, verb, operand, build=_chain),
    seq(operand, tok("IS"), lazy(lambda: channel), build=_is_extreme),
    seq(operand, verb, operand, build=_cmp),
    # Pine's "crossover(fast, slow)", "ta.crossunder(close, sma(close, 50))"
    seq(
        tok("CROSSNOUN", when=lambda lx: lx.text.lower() in ("crossover", "crossunder")),
        tok("LPAR"),
        operand,
        tok("COMMA"),
        operand,
        tok("RPAR"),
        build=lambda c, _l, a, _c, b, r: ir.Cmp(
            a, _PINE[c.text.lower()], b, "cross", span=_span(c, r)
        ),
    ),
    seq(operand, verb, operand, tok("FROMDIR"), build=_cmp_from),
    # "the 5 SMA crosses the 20 SMA upward / to the downside": the way after what was crossed
    seq(
        operand,
        _WAYLESS_CROSS,
        operand,
        tok("UPWORD", "DOWNWORD", when=lambda lx: lx.text.lower() in _WAY_AFTER),
        build=lambda left, c, right, way: (
            REJECT
            if isinstance(left, ir.Num)
            else ir.Cmp(
                left,
                "crosses_above" if way.kind == "UPWORD" else "crosses_below",
                right,
                "cross",
                span=_span(left, c, right, way),
            )
        ),
    ),
    # "line x signal up": a crossing with its way said after the line crossed (an "x" between
    # two numbers, or a number and a line, is a product: "2 x ATR")
    seq(
        operand,
        tok("TIMES", when=lambda lx: lx.text.lower() == "x"),
        operand,
        tok("UPWORD", "DOWNWORD", when=lambda lx: lx.text.lower() in ("up", "down")),
        build=_x_way,
    ),
    seq(
        operand,
        tok("CROSS"),
        tok("FROMDIR"),
        opt(operand),
        build=lambda left, c, d, right: ir.Cmp(
            left, d.value, right, "cross", span=_span(left, c, d)
        ),
    ),
    # "the 20 EMA crosses above", "RSI drops below"; Pine's "crossover" is a verb only with both
    # lines ("fast crossover slow"): "MACD crossover" alone is the noun (the MACD's own cross)
    seq(
        operand,
        verb,
        build=lambda left, v: REJECT if _objectless(v[2]) else _cmp(left, v, None),
    ),
    # "buy when price is above the 200 SMA, sell when below": both sides elided (those of the
    # one comparison before, as for "when it is below"); a state word only, never a crossing
    seq(verb, build=lambda v: _cmp(None, v, None) if v[2].kind in ("CMP", "MOTION") else REJECT),
    seq(opt(tok("CLOSES")), verb, operand, build=lambda _c, v, right: _cmp(None, v, right)),
    # "a day closes below the previous day's low", "today closes above the 20 SMA": the bar's
    # close (only with a verb of closing: "a day crosses above ..." is refused)
    seq(
        _ONE_BAR,
        tok("CLOSEVERB"),
        operand,
        build=lambda _d, c, right: _cmp(None, ("close", c.value, c), right),
    ),
    # "(a day) closes higher than it opened": above its own open
    seq(
        opt(alt(_ONE_BAR, tok("CLOSES"), tok("PRICE", when=lambda lx: lx.value == "Close"))),
        tok("CLOSEVERB"),
        IT,
        tok("OPENS", when=lambda lx: lx.text.lower() in ("opened", "opens")),
        build=lambda s, c, _i, o: ir.Cmp(
            ir.Price("Close"), c.value, ir.Price("Open"), "close", span=_span(s, c, o)
        ),
    ),
    seq(operand, IS, tok("BETWEEN"), operand, tok("AND"), operand, build=_between),
    # "today opened more than 2% below yesterday's close", "the stock opens above ...": the
    # bar's open (the subject may only name the bar or the stock)
    seq(
        opt(alt(tok("TODAY"), tok("PRICE", when=lambda lx: lx.value == "Close"))),
        tok("OPENS"),
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        operand,
        build=lambda s, o, c, y: ir.Cmp(ir.Price("Open"), c.value, y, span=_span(s, o, y)),
    ),
    seq(
        opt(alt(tok("TODAY"), tok("PRICE", when=lambda lx: lx.value == "Close"))),
        tok("OPENS"),
        opt(MORE_THAN),
        PCT,
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        operand,
        build=lambda s, o, _m, p, c, y: _pct_cmp(ir.Price("Open"), None, p, c, y),
    ),
    seq(operand, IS, PCT, tok("CMP"), operand, build=_pct_cmp),
    seq(  # "is 2% or more above the 50 SMA": as "is 2% above" (at least that far)
        operand,
        IS,
        PCT,
        OR_MORE,
        tok("CMP"),
        operand,
        build=lambda x, i, p, _m, c, y: _pct_cmp(x, i, p, c, y),
    ),
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
        IS_MORE_THAN,
        PCT,
        tok("CMP"),
        operand,
        build=lambda x, m, p, c, y: _pct_cmp(x, m, p, c, y),
    ),
    seq(
        operand,
        tok("FALLING", "RISING", "TURNS", "MOTION"),
        opt(MORE_THAN),
        PCT,
        tok("CMP"),
        operand,
        build=lambda x, v, _m, p, c, y: REJECT if _against(v, c) else _pct_cmp(x, v, p, c, y),
    ),
    seq(operand, IS, tok("CMP"), multiple, operand, build=_multiple),
    # "the close is 2 x ATR(14) below the 20 EMA": an ATR multiple beyond a line ("is more
    # than 2 ATR(14) below" as "is 2 ATR(14) below": at least that far, as with percentages)
    seq(
        operand,
        alt(seq(IS, MORE_THAN, build=lambda i, _m: i), IS),
        NUM,
        opt(tok("TIMES")),
        tok("IND", when=lambda lx: lx.value[0] == "ATR"),
        opt(seq(tok("LPAR"), NUM, tok("RPAR"), build=lambda _l, n, _r: n)),
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        operand,
        build=_atr_beyond,
    ),
    seq(
        tok("BOTH"),
        verb,
        operand,
        build=lambda b, v, right: ir.Cmp(None, v[1], right, v[0], both=True, span=_span(b, right)),
    ),
    # "both %K and %D under 20": each of the two named
    seq(
        tok("BOTH"),
        operand,
        tok("AND"),
        operand,
        opt(IS),
        verb,
        operand,
        build=lambda b, x, _a, y, _i, v, right: _both_named(x, y, v, right),
    ),
    # "the close is higher than both of the previous two days' highs": above each of them
    seq(
        operand,
        IS,
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        tok("BOTH"),
        tok("WINDOW", when=lambda lx: lx.text.lower().split()[-1] in ("previous", "prior", "last")),
        tok("NUM", when=lambda lx: lx.value == 2),
        tok("UNIT", when=lambda lx: lx.text.lower() in ("days", "bars", "sessions", "candles")),
        opt(tok("QUOTE")),
        tok("PRICES"),
        build=lambda x, _i, c, b, _w, _n, _u, _q, f: ir.Group(
            "all",
            tuple(
                ir.Cmp(x, c.value, ir.Price(f.value, ago, _span(b, f)), span=_span(x, f))
                for ago in (1, 2)
            ),
        ),
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
    seq(  # "RSI is 30 or less", "volume is 1000000 or more", "it gets to -10 or higher"
        operand,
        tok("IS", "TOUCH"),
        number,
        tok("OR"),
        tok(
            "MOREWORD",
            "UPWORD",
            "DOWNWORD",
            "CMP",
            when=lambda lx: lx.text.lower() in _OR_MORE,
        ),
        build=_or_more,
    ),
    seq(
        operand,
        tok("IS"),
        tok("PRON"),
        verb,
        operand,
        build=lambda left, _i, _p, v, r: _cmp(left, v, r),
    ),
)


def as_state(x: Any) -> Any:
    """A line said to go over another ("the 10 SMA falls below the 30 SMA") read as where it is,
    not as the crossing: under a negation or as a filter ("unless ...", "while ...", "only
    when ..."), where "not crossing today" would hold on almost every bar."""
    if isinstance(x, ir.Cmp) and x.kind == "motion" and x.op in ("crosses_above", "crosses_below"):
        return replace(x, op=">" if x.op == "crosses_above" else "<")
    if isinstance(x, ir.Group):
        return replace(x, items=tuple(as_state(item) for item in x.items))
    if isinstance(x, ir.Not):
        return ir.Not(as_state(x.cond))
    return x


def _negated(value: Any) -> Any:
    return REJECT if value is REJECT else ir.Not(as_state(value))


def _bars(n: Lexeme) -> int | Any:
    return _int(n.value) or REJECT


TREND = tok("RISING", "FALLING")
_DAY_BEFORE = frozenset(
    {"the day before", "the bar before", "the session before", "yesterday", "the previous day"}
    | {"the prior day", "the previous bar", "the previous session", "the prior bar"}
)
UPDOWN = tok("UPWORD", "DOWNWORD")


def _said_again(trend: Lexeme, said: Any) -> bool:
    """ "rising (higher than the day before)", "falling (lower than yesterday)": the one-bar move
    said again in brackets; "rising (lower than yesterday)" or "(higher than 5 days ago)" is
    not read."""
    return said is None or said[1].value == (">" if trend.value == "rising" else "<")


trend = alt(
    seq(
        opt(operand),
        IS,
        TREND,
        opt(
            seq(
                tok("LPAR"),
                tok("CMP", when=lambda lx: lx.value in ("<", ">")),
                tok("PREV", when=lambda lx: lx.text.lower() in _DAY_BEFORE),
                tok("RPAR"),
            )
        ),
        build=lambda x, _i, t, b: (
            ir.Trend(x, t.value, 1, _span(x, t, b)) if _said_again(t, b) else REJECT
        ),
    ),
    # "the 50-day SMA is no longer rising", "is not falling": the bar's move negated (not up
    # on the bar); a trend over several bars negated ("not rising for 3 days") is not read
    seq(
        opt(operand),
        opt(IS),
        tok("NOT", when=lambda lx: lx.text.lower() in ("is not", "isn't", "no longer", "not")),
        TREND,
        build=lambda x, _i, _n, t: ir.Not(ir.Trend(x, t.value, 1, _span(x, t))),
    ),
    seq(
        operand,
        IS,
        TREND,
        tok("FOR", "SINCE"),
        NUM,
        opt(tok("ROW")),
        UNIT,
        build=lambda x, _i, t, _f, n, _r, u: (
            ir.Trend(x, t.value, int(n.value), _span(x, u)) if _int(n.value) else REJECT
        ),
    ),
    # "the 50-day SMA is lower than it was the day before": its one-bar move ("it" is the
    # subject; "than it was 5 days ago" is the rule after this one)
    seq(
        operand,
        opt(IS),
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        IT,
        tok("IS", when=lambda lx: lx.text.lower() == "was"),
        tok("PREV", when=lambda lx: lx.text.lower() in _DAY_BEFORE),
        build=lambda x, _i, c, _p, _w, b: ir.Trend(
            x, "rising" if c.value == ">" else "falling", 1, _span(x, b)
        ),
    ),
    # "the EMA(100) is higher than it was 5 bars ago": against its own value then ("it" is the
    # subject; a subject already said of an earlier bar, or "than it was 5%", is not read)
    seq(
        operand,
        opt(IS),
        tok("CMP", when=lambda lx: lx.value in ("<", ">")),
        IT,
        tok("IS", when=lambda lx: lx.text.lower() == "was"),
        NUM,
        alt(
            seq(UNIT, tok("AGO"), build=lambda _u, a: a),
            tok("AGO", when=lambda lx: lx.text.lower() in ("days ago", "bars ago", "periods ago")),
        ),
        build=lambda x, _i, c, _p, _w, n, a: _than_it_was(x, c, n, a),
    ),
    seq(  # "closes down 3 days in a row", "the close is down 3 days in a row"
        operand,
        opt(tok("CLOSES", "IS")),
        UPDOWN,
        NUM,
        UNIT,
        tok("ROW"),
        build=lambda x, _c, d, n, _u, r: (
            ir.Trend(x, d.value, int(n.value), _span(x, r)) if _int(n.value) else REJECT
        ),
    ),
)
# "Close has fallen on each of the last 4 bars" (understood_as): on each of them
trend_each = seq(
    operand,
    tok("RISING", "FALLING", when=lambda lx: lx.text.lower() in ("has risen", "has fallen")),
    tok("ON"),
    tok("EVERY", when=lambda lx: lx.text.lower() == "each"),
    tok("WINDOW", when=lambda lx: lx.text.lower() == "of the last"),
    NUM,
    UNIT,
    build=lambda x, t, *rest: (
        ir.Trend(x, t.value, int(rest[3].value), _span(x, rest[4]))
        if (_int(rest[3].value) or 0) >= 2
        else REJECT
    ),
)
streak = alt(
    trend_each,
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
    # "(it is) oversold according to RSI": that indicator is oversold (an indicator only)
    seq(
        opt(IT),
        IS,
        ZONE,
        tok("ACCORDING"),
        operand,
        build=lambda _p, _i, z, _a, x: (
            ir.Zone(x, z.kind.lower(), span=_span(z, x)) if isinstance(x, ir.Mention) else REJECT
        ),
    ),
)
SIGN = tok("POSITIVE", "NEGATIVE")


def _up(state: Lexeme) -> bool:
    return state.kind in ("POSITIVE", "UPWORD")


_ZERO_WORDS = frozenset(
    {"above 0", "below 0", "positive", "negative", "greater than 0", "less than 0"}
)
_TREND_WORDS = frozenset({"an uptrend", "a downtrend", "uptrend", "downtrend"})
sign_atom = alt(
    # "EMA(5) - EMA(20) is above 0" (understood_as), "... is positive": a sum or difference
    # against zero (no other sign word: "is bullish" says no level)
    seq(
        operand,
        IS,
        tok("POSITIVE", "NEGATIVE", when=lambda lx: lx.text.lower() in _ZERO_WORDS),
        build=lambda x, _i, s: (
            ir.Cmp(x, ">" if s.kind == "POSITIVE" else "<", ir.Num(0), span=_span(x, s))
            if isinstance(x, ir.Arith)
            else REJECT
        ),
    ),
    seq(
        opt(operand),
        IS,
        SIGN,
        build=lambda x, _i, s: (
            REJECT  # a sum or difference: read above, against zero
            if isinstance(x, ir.Arith)
            else ir.Sign(x, s.kind == "POSITIVE", False, _span(x, s))
        ),
    ),
    seq(  # "turns positive", "flips back to down"
        opt(operand),
        tok("TURNS"),
        opt(tok("TOUCH", when=lambda lx: lx.text.lower() == "back to")),
        alt(SIGN, UPDOWN),
        build=lambda x, t, _b, s: ir.Sign(x, _up(s), True, _span(x, t, s)),
    ),
    # "flips from down to up", "turns from negative to positive": the state it turns to, when
    # it differs from the one it turns from
    seq(
        opt(operand),
        tok("TURNS"),
        tok("FROM"),
        alt(SIGN, UPDOWN),
        tok("TO"),
        alt(SIGN, UPDOWN),
        build=lambda x, t, _f, a, _t, b: (
            REJECT if _up(a) == _up(b) else ir.Sign(x, _up(b), True, _span(x, t, b))
        ),
    ),
    # "it flips to an uptrend": SuperTrend turning bullish (a downtrend: bearish); refused for
    # any other line when resolved (a trend of prices says no rule)
    seq(
        opt(operand),
        tok("TURNS", when=lambda lx: lx.text.lower().endswith(" to")),
        tok("VAGUE", when=lambda lx: lx.text.lower() in _TREND_WORDS),
        build=lambda x, t, w: ir.Sign(
            x, "up" in w.text.lower(), True, _span(x, t, w), colour=True, trend=True
        ),
    ),
    # "SuperTrend is green": SuperTrend bullish (red: bearish), the state; refused for any other
    # line when resolved
    seq(
        operand,
        IS,
        tok("COLOR", when=lambda lx: lx.text.lower() in ("green", "red")),
        build=lambda x, _i, c: ir.Sign(x, c.value == "up", False, _span(x, c), colour=True),
    ),
    # "supertrend (10,3) flips green": SuperTrend turning bullish (red: bearish); refused for
    # any other line when resolved
    seq(
        opt(operand),
        tok("TURNS"),
        tok("COLOR", when=lambda lx: lx.text.lower() in ("green", "red")),
        build=lambda x, t, c: ir.Sign(x, c.value == "up", True, _span(x, t, c), colour=True),
    ),
)


def _pine_noun(c: Lexeme, _of: Lexeme, x: Any, where: Lexeme, y: Any) -> Any:
    """The noun with the lines and their side said: "a crossunder of the MACD line under the
    signal line" (the side must agree with the word: "a crossover of X under Y" is garbled)."""
    op = _PINE[c.text.lower()]
    below = where.value in ("<", "<=")
    if below != (op == "crosses_below") or where.value not in ("<", ">"):
        return REJECT
    return ir.Cmp(x, op, y, "cross", span=_span(c, x, y))


def _cross_way(sign: Lexeme | None, noun: Lexeme) -> str | None:
    """The way a crossing noun says: "bullish"/"bearish", or "crossunder" (always down); a
    plain "crossover" is said of both ways, so the rule decides (and says so)."""
    if sign is not None:
        return "crosses_above" if sign.kind == "POSITIVE" else "crosses_below"
    return "crosses_below" if noun.text.lower() == "crossunder" else None


event_atom = alt(
    seq(
        tok("CROSSNOUN", when=lambda lx: lx.text.lower() in _PINE),
        tok("OF"),
        operand,
        tok("CMP", when=lambda lx: lx.text.lower() in ("above", "over", "below", "under")),
        operand,
        build=_pine_noun,
    ),
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
            "cross", x, _cross_way(s, c), other, _span(x, s, c, other)
        ),
    ),
)
# "the close is up (more than) 3%", "drops 7%": the subject, its direction, an optional
# comparison and the percent, which the window ("over 3 sessions", "vs. 60 days ago", "on the
# day") follows; value: (subject, direction, comparison or None, percent)
CHANGE_HEAD = seq(
    operand,
    alt(
        tok("FALLING", "RISING", "UPWORD", "DOWNWORD"),
        seq(tok("IS"), UPDOWN, build=lambda _i, d: d),
    ),
    opt(tok("CMP")),
    PCT,
)
change_atom = alt(
    seq(
        CHANGE_HEAD,
        opt(OR_MORE),  # "drops 7% or more over 3 sessions": as "more than 7%"
        # "drops more than 7% over 3 sessions": "over" before a number of bars is the window
        alt(tok("IN", "WINDOW"), tok("CMP", when=lambda lx: lx.text.lower() == "over")),
        NUM,
        UNIT,
        build=lambda h, m, _w, n, u: (
            REJECT if m is not None and h[2] is not None else _change(h, n, u)
        ),
    ),
    seq(  # "drops 5% in a day", "in a single day": over one bar, as "in one day"
        CHANGE_HEAD,
        opt(OR_MORE),
        tok("ONEBAR"),
        build=lambda h, m, u: REJECT if m is not None and h[2] is not None else _change(h, 1, u),
    ),
    seq(  # "the close is up more than 20% vs. 60 days ago"
        CHANGE_HEAD,
        tok("VERSUS"),
        NUM,
        alt(
            seq(UNIT, tok("AGO"), build=lambda u, _a: u),
            tok("AGO", when=lambda lx: lx.text.lower() in ("days ago", "bars ago", "periods ago")),
        ),
        build=lambda h, _v, n, u: _change(h, n, u),
    ),
    # "the close is down more than 8% from (vs.) the close 3 days ago": the same price then
    # ("down 8% or more from the close 3 days ago": as "more than 8%", as over a window)
    seq(
        CHANGE_HEAD,
        opt(OR_MORE),
        tok("VERSUS", "FROM"),
        operand,
        build=lambda h, m, _v, then: (
            REJECT if m is not None and h[2] is not None else _change_from(h, then)
        ),
    ),
    seq(  # "the close is up more than 3% on the day": the change over one bar
        CHANGE_HEAD,
        tok("ON"),
        tok("TODAY", when=lambda lx: lx.text.lower() == "the day"),
        # only today's close named outright: "it is up 5% on the day" may mean the trade, and
        # "the high is up 2% on the day" may be against the open
        build=lambda h, _o, u: (
            _change(h, None, u, day=True) if h[0] == ir.Price("Close") else REJECT
        ),
    ),
)


def _change(
    head: tuple[Any, Lexeme, Lexeme | None, Lexeme],
    n: Lexeme | int | None,
    u: Any,
    day: bool = False,
) -> Any:
    x, direction, cmp, pct = head
    # no number: "on the day"
    bars = 1 if n is None else n if isinstance(n, int) else _int(n.value)
    if bars is None:
        return REJECT
    down = direction.value == "falling"
    level = -pct.value if down else pct.value
    if cmp is None or cmp.value in (">", ">="):
        op = "<" if down else ">"  # "falls (more than) 10%": the change is below -10
    elif cmp.value in ("<", "<="):
        return REJECT  # "falls less than 10%" is a range, not one comparison
    else:
        return REJECT
    change = ir.Change(x, bars, _span(u) if day else None)
    return ir.Cmp(change, op, ir.Num(level), span=_span(x, pct, u))


def _change_from(head: tuple[Any, Lexeme, Lexeme | None, Lexeme], then: Any) -> Any:
    x = head[0]
    same = isinstance(x, ir.Price) and isinstance(then, ir.Price) and then.field == x.field
    if not same or x.ago or not then.ago:
        return REJECT  # only the subject's own price some bars back is a window
    return _change(head, then.ago, then)


def _downward(verb: Lexeme, cmp: Lexeme) -> bool:
    if cmp.kind == "CMP":
        return bool(cmp.value in ("<", "<="))
    return bool(verb.value in ("falling", "<"))


def _distance_pct(p: Lexeme) -> ir.Distance:
    return ir.Distance(percent=p.value)


_AT_MOST = opt(tok("CMP", when=lambda lx: lx.text.lower() == "at most"))


def _after_bars(a: Lexeme, before: Any, n: Lexeme, u: Lexeme, held: Any, after: Any) -> Any:
    bars = _int(n.value)
    if bars is None or (before is not None and after is not None):
        return REJECT
    return bars, _span(a, u, held, after)


# "after 10 days", "after 10 days at most", "after at most 10 days", "after 20 days in the
# trade": a time limit, as (bars, span) ("at least" would ask for a shortest hold, which is no
# exit)
after_bars = seq(
    tok("AFTER"),
    _AT_MOST,
    NUM,
    UNIT,
    opt(tok("BARS_IN_TRADE", when=lambda lx: lx.text.lower().startswith("in "))),
    _AT_MOST,
    build=_after_bars,
)

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
    seq(  # "if it rallies 4% against me": a short's stop ("drops 5% against me": a long's)
        opt(tok("PRON", "TRADE")),
        tok("RISING", "FALLING"),
        PCT,
        tok("AGAINST"),
        build=lambda w, t, p, a: ir.RiskAtom(
            "stop",
            _distance_pct(p),
            span=_span(w, t, p, a),
            moved="up" if t.kind == "RISING" else "down",
        ),
    ),
    # "exit if the trade loses 3%" (a stop), "... gains 6%" (a target): of the trade only
    seq(
        tok("TRADE", when=lambda lx: lx.text.lower() in ("the trade", "trade", "the position")),
        alt(
            tok("CROSS", when=lambda lx: lx.text.lower() in ("loses", "lose")),
            tok("RISING", when=lambda lx: lx.text.lower() in ("gains", "gain")),
        ),
        PCT,
        build=lambda w, v, p: ir.RiskAtom(
            "stop" if v.kind == "CROSS" else "target", _distance_pct(p), span=_span(w, v, p)
        ),
    ),
    seq(after_bars, build=lambda b: ir.RiskAtom("time", bars=b[0], span=b[1])),
    # "cover ... or when I have 1.5% of profit": a target of that distance
    seq(
        PCT,
        tok("PROFIT"),
        build=lambda p, w: ir.RiskAtom("target", _distance_pct(p), span=_span(p, w)),
    ),
    # "... or at a 5% loss": a stop of that distance
    seq(
        PCT,
        tok("LOSS"),
        build=lambda p, w: ir.RiskAtom("stop", _distance_pct(p), span=_span(p, w)),
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
