"""Bar patterns and signed crossings read from trader shorthand (:mod:`..shorthand`).

* "gaps up" / "a gap down of more than 2%": today's open against yesterday's close
  (``Open > Close[1]``, ``Open < Close[1] * 0.98``); "a gap of less than 2%" is a range and is
  refused; "gaps up over yesterday's high": today's open beyond that level, on the gap's side
  ("gaps up below ..." is refused);
* "an inside day": ``High < High[1]`` and ``Low > Low[1]``;
* candle colours: "the day closes green" is ``Close > Open``; "three red candles in a row" is
  ``Close < Open`` on each of the last three bars;
* "the bull cross" / "the bear cross": a crossing up / down of the pair named before (the
  named crossings of :mod:`.comparisons`, with these added).
"""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import REJECT, alt, opt, seq, tok
from Backtest.llm.offline.grammar.base import _span
from Backtest.llm.offline.grammar.comparisons import IS
from Backtest.llm.offline.grammar.comparisons import event_atom as named_event
from Backtest.llm.offline.grammar.operands import IND, NUM, PCT, _pair, ind_pair, ind_ref, operand
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.vocabulary import MOVING_AVERAGES

_STOCK = opt(tok("PRICE", when=lambda lx: lx.value == "Close"))


def _gap(gap: Lexeme, cmp: Lexeme | None, pct: Lexeme | None, *spans: Any) -> Any:
    up = gap.value == "up"
    if cmp is not None and cmp.value not in (">", ">="):
        return REJECT  # "gaps up less than 2%" is a range, not one comparison
    yesterday: ir.Operand = ir.Price("Close", 1)
    if pct is not None:
        if not 0 < pct.value < 100:
            return REJECT
        factor = 1 + pct.value / 100 if up else 1 - pct.value / 100
        yesterday = ir.Arith("*", yesterday, ir.Num(round(factor, 10)))
    op = (">" if up else "<") if cmp is None or cmp.value == ">" else (">=" if up else "<=")
    return ir.Cmp(ir.Price("Open"), op, yesterday, span=_span(gap, pct, *spans))


def _gap_beyond(gap: Lexeme, cmp: Lexeme, level: Any, *spans: Any) -> Any:
    op = ">" if gap.value == "up" else "<"
    if cmp.value != op or isinstance(level, ir.Num):
        return REJECT  # "gaps up below ..." contradicts itself; "gaps up over 5" names no level
    return ir.Cmp(ir.Price("Open"), op, level, span=_span(gap, cmp, level, *spans))


gap = alt(
    seq(_STOCK, IS, tok("GAP"), build=lambda s, _i, g: _gap(g, None, None, s)),
    seq(
        _STOCK,
        IS,
        tok("GAP"),
        opt(tok("OF", "BY")),
        opt(tok("CMP")),
        PCT,
        # "... from yesterday's close": the gap's own reference restated, nothing else
        opt(seq(tok("FROM"), operand, build=lambda _f, x: x)),
        build=lambda s, _i, g, _o, c, p, ref: (
            _gap(g, c, p, s, ref) if ref in (None, ir.Price("Close", 1)) else REJECT
        ),
    ),
    # "gap up over yesterday's high": today's open beyond a level, on the gap's own side
    seq(
        _STOCK,
        IS,
        tok("GAP"),
        tok("CMP", when=lambda lx: lx.value in (">", "<")),
        operand,
        build=lambda s, _i, g, c, level: _gap_beyond(g, c, level, s),
    ),
)
inside_day = seq(
    IS,
    tok("INSIDE"),
    build=lambda _i, d: ir.Group(
        "all",
        (
            ir.Cmp(ir.Price("High"), "<", ir.Price("High", 1), span=_span(d)),
            ir.Cmp(ir.Price("Low"), ">", ir.Price("Low", 1), span=_span(d)),
        ),
    ),
)

_INSIDE = (
    (ir.Price("High"), "<", ir.Price("High", 1)),
    (ir.Price("Low"), ">", ir.Price("Low", 1)),
)
_FLIPPED = {"<": ">", ">": "<"}


def _inside_part(x: Any) -> int | None:
    """Which half of an inside day's definition ``x`` is (either way round), or None."""
    if not isinstance(x, ir.Cmp) or type(x.left) is not ir.Price or type(x.right) is not ir.Price:
        return None
    for i, (left, op, right) in enumerate(_INSIDE):
        if (x.left, x.op, x.right) in ((left, op, right), (right, _FLIPPED[op], left)):
            return i
    return None


def inside_defined_by(x: Any) -> bool:
    """``x`` is exactly an inside day: both halves, joined by "and", nothing else."""
    if not isinstance(x, ir.Group) or type(x) is not ir.Group or x.logic != "all":
        return False
    return sorted(_inside_part(item) or 0 for item in x.items) == [0, 1] and all(
        _inside_part(item) is not None for item in x.items
    )


def defines_inside(x: Any) -> bool:
    """A condition that requires an inside day (its halves among the "and"-ed parts)."""
    parts: list[int] = []

    def walk(y: Any) -> None:
        if isinstance(y, ir.Group) and y.logic == "all":
            for item in y.items:
                walk(item)
        elif isinstance(y, ir.Restate):  # "inside day (high < yday high & low > yday low)"
            walk(y.cond)
        elif (part := _inside_part(y)) is not None:
            parts.append(part)

    walk(x)
    return 0 in parts and 1 in parts


def _candle(colour: Lexeme, *spans: Any) -> ir.Cmp:
    op = ">" if colour.value == "up" else "<"
    return ir.Cmp(ir.Price("Close"), op, ir.Price("Open"), span=_span(colour, *spans))


def _candles(n: Lexeme, colour: Lexeme, noun: Lexeme, *rest: Any) -> Any:
    if not float(n.value).is_integer() or n.value < 1:
        return REJECT
    one = _candle(colour, noun)
    return one if n.value == 1 else ir.Held(one, int(n.value))


_BAR = alt(
    tok("CLOSES", when=lambda lx: "candle" in lx.text.lower()),
    tok("UNIT", when=lambda lx: lx.text.lower() in ("bar", "bars", "day", "days", "session")),
    tok("UNIT", when=lambda lx: lx.text.lower() in ("sessions", "trading days")),
    tok("TIMEFRAME", when=lambda lx: lx.text.lower() in ("daily bars", "daily candles")),
)
_BAR_SUBJECT = opt(
    alt(tok("TODAY"), tok("UNIT", when=lambda lx: lx.text.lower() in ("bar", "day")))
)
# "the day closes green", "today is a red candle", "three red daily bars in a row": the colour of
# the bar's candle, the close against its own open
# "3 red days in a row", "two green candles": a run of candles of one colour
candle_run = seq(
    NUM,
    opt(tok("ROW")),
    tok("COLOR"),
    _BAR,
    opt(tok("ROW")),
    build=lambda n, _r, k, b, _r2: _candles(n, k, b),
)
candle = alt(
    seq(_BAR_SUBJECT, tok("CLOSES"), tok("COLOR"), build=lambda _s, c, k: _candle(k, c)),
    seq(_BAR_SUBJECT, tok("IS"), tok("COLOR"), opt(_BAR), build=lambda _s, _i, k, b: _candle(k, b)),
    candle_run,
    # "the last 3 candles are red": each of them, as "3 red candles in a row"
    seq(
        tok("LAST", when=lambda lx: lx.text.lower() == "last"),
        NUM,
        _BAR,
        tok("IS"),
        tok("COLOR"),
        build=lambda _l, n, b, _i, k: _candles(n, k, b),
    ),
)
signed_cross = seq(
    opt(ind_ref),
    tok("SIGNCROSS"),
    opt(seq(tok("WITH"), operand, build=lambda _w, o: o)),
    build=lambda x, c, other: ir.Event("cross", x, c.value, other, _span(x, c, other)),
)
_CROSS_NOUNS = frozenset({"cross up", "cross down", "x up", "x down"})
# "a 5/20 EMA bull cross": the pair named right before the shorthand
_WAY_CROSS = alt(
    tok("SIGNCROSS"),
    # "the 8/21 EMA cross up": the noun with its direction (the first crosses the second)
    tok("CROSS", when=lambda lx: lx.text.lower() in _CROSS_NOUNS),
)
paired_cross = alt(
    seq(ind_pair, _WAY_CROSS, build=lambda pair, c: _paired_cross(pair, c)),
    # "ema 12 26 cross up": the two periods with no sign between, as "sma 50 200 cross"
    seq(
        IND,
        NUM,
        NUM,
        _WAY_CROSS,
        build=lambda i, a, b, c: _paired_cross(_pair(i, a.value, b.value, b), c),
    ),
)


def _paired_cross(pair: Any, c: Lexeme) -> Any:
    """The first (faster) line crosses the second; "a 21/8 EMA bull cross" is refused: a bull
    cross is the faster line crossing up, which the order written contradicts."""
    if pair is REJECT or not pair[0].numbers[0] < pair[1].numbers[0]:
        return REJECT
    if pair[0].name not in MOVING_AVERAGES:
        return REJECT  # "rsi 14/30 cross up": two RSIs, or RSI(14) crossing up 30?
    return ir.Event("cross", pair[0], c.value, pair[1], _span(pair[0], c))


_SIGN_WORD = tok("POSITIVE", "NEGATIVE", when=lambda lx: lx.text.lower() in ("bullish", "bearish"))


def _sign_dir(word: Lexeme) -> str:
    return "crosses_above" if word.kind == "POSITIVE" else "crosses_below"


def _signed_pair_cross(word: Lexeme, pair: Any, noun: Lexeme) -> Any:
    """The faster line of the pair crossing the slower one, up for "bullish" (a pair written
    slower first is refused: which one crosses up?)."""
    if pair is REJECT or not pair[0].numbers[0] < pair[1].numbers[0]:
        return REJECT
    if pair[0].name not in MOVING_AVERAGES:
        return REJECT  # "a bullish rsi 14/30 crossover": two RSIs, or RSI(14) crossing 30?
    return ir.Event("cross", pair[0], _sign_dir(word), pair[1], _span(word, noun))


# "a bullish 9/21 EMA crossover", "a 12/40 EMA bullish crossover", "... sell on a bearish one":
# the pair named in between or before the sign word, or (for "one") the pair named before
sign_word_cross = alt(
    seq(_SIGN_WORD, ind_pair, tok("CROSSNOUN"), build=_signed_pair_cross),
    seq(
        ind_pair,
        _SIGN_WORD,
        tok("CROSSNOUN"),
        build=lambda pair, w, c: _signed_pair_cross(w, pair, c),
    ),
    seq(
        _SIGN_WORD,
        tok("ONE", when=lambda lx: lx.text.lower() == "one"),
        build=lambda w, o: ir.Event("cross", None, _sign_dir(w), None, _span(w, o)),
    ),
)
event_atom = alt(named_event, signed_cross, paired_cross, sign_word_cross)
