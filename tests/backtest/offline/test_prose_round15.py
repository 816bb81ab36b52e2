"""Trader wording learnt in the fifteenth prose round from the refusals of held-out 2 to 16 and
the tuning parts, with the near misses that must stay refused. Compared semantically, in the
corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_RSI = "Sell when RSI(2) > 70."
_BB = "(BBANDS(20,2,2).upperband - BBANDS(20,2,2).lowerband) / BBANDS(20,2,2).middleband"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "each time" / "every time" closing a size: each trade
        (
            "Buy when RSI(2) < 10. " + _RSI + " Trade 200 shares each time.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "size": "200 units"},
        ),
        (
            "Buy when RSI(2) < 10. " + _RSI + " 25% of equity every time.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "size": "25%"},
        ),
        (
            "Buy when RSI(2) < 10. " + _RSI + " Trade 200 shares each time, long only.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "size": "200 units"},
        ),
        # "px": price, the close
        (
            "cci20 under -100 while px above the 100ema = buy. exit when cci gets back over 0",
            {"entry": "all(CCI(20) < -100; Close > EMA(100))", "exit": "CCI(20) crosses_above 0"},
        ),
        (
            "Buy when px crosses above the 50 sma. " + _RSI,
            {"entry": "Close crosses_above SMA(50)", "exit": "RSI(2) > 70"},
        ),
        # the Bollinger band width, read only as its definition says
        (
            "bb(20,2) width (upper minus lower, divided by middle) under 0.04 and close > upper "
            "band = buy. exit close < middle band",
            {
                "entry": f"all({_BB} < 0.04; Close > BBANDS(20,2,2).upperband)",
                "exit": "Close < BBANDS(20,2,2).middleband",
            },
        ),
        (
            "Buy when the Bollinger Band width (upper minus lower, divided by the middle band; 20 "
            "periods, 2 standard deviations) is under 0.05 and the close is above the upper band. "
            "Sell when the close falls below the middle band.",
            {
                "entry": f"all({_BB} < 0.05; Close > BBANDS(20,2,2).upperband)",
                "exit": "Close < BBANDS(20,2,2).middleband",
            },
        ),
        (
            "Use Bollinger Bands 20/2. Buy when the band width, meaning (upper band minus lower "
            "band) divided by the middle band, is under 0.05 and the close crosses above the "
            "upper band. Exit when the close drops below the middle band.",
            {
                "entry": f"all({_BB} < 0.05; Close crosses_above BBANDS(20,2,2).upperband)",
                "exit": "Close < BBANDS(20,2,2).middleband",
            },
        ),
        # "/" divides after a bracketed difference (understood_as of a band width)
        (
            "Buy when (SMA(20) - SMA(50)) / ATR(14) > 1. " + _RSI,
            {"entry": "(SMA(20) - SMA(50)) / ATR(14) > 1", "exit": "RSI(2) > 70"},
        ),
        # weekday ranges: "mon-thu", "Monday through Thursday", "between Tuesday and Thursday"
        (
            "Buy when RSI(2) < 10. " + _RSI + " Entries mon-thu only.",
            {
                "entry": "all(RSI(2) < 10; weekday in [mon, tue, wed, thu])",
                "exit": "RSI(2) > 70",
            },
        ),
        (
            "Buy when RSI(2) < 10. " + _RSI + " Entries Monday through Thursday only.",
            {
                "entry": "all(RSI(2) < 10; weekday in [mon, tue, wed, thu])",
                "exit": "RSI(2) > 70",
            },
        ),
        (
            "Buy when RSI(2) < 10 between Tuesday and Thursday. " + _RSI,
            {"entry": "all(RSI(2) < 10; weekday in [tue, wed, thu])", "exit": "RSI(2) > 70"},
        ),
        # "on mon and thu" stays a list of two days
        (
            "Buy when RSI(2) < 10 on mon and thu. " + _RSI,
            {"entry": "all(RSI(2) < 10; weekday in [mon, thu])", "exit": "RSI(2) > 70"},
        ),
        # a hyphen between two months is a range too (it was dropped, leaving two months)
        (
            "Buy when RSI(2) < 10 in may-jul. " + _RSI,
            {"entry": "all(RSI(2) < 10; month in [may, jun, jul])", "exit": "RSI(2) > 70"},
        ),
        # "Position size: half of the account"
        (
            "Buy when RSI(2) < 10. " + _RSI + " Position size: half of the account",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "size": "50%"},
        ),
        # "Buy after <event> if <condition>": both
        (
            "Buy after 4 higher closes in a row if the 20-day SMA is rising, and sell when the "
            "close drops below the 10-day EMA.",
            {
                "entry": "all(rising(Close, 4); rising(SMA(20)))",
                "exit": "Close < EMA(10)",
            },
        ),
        (
            "Buy after 3 down days in a row if RSI(2) < 10 and the close is above the 200-day "
            "SMA. " + _RSI,
            {
                "entry": "all(falling(Close, 3); RSI(2) < 10; Close > SMA(200))",
                "exit": "RSI(2) > 70",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "each time" before a condition is "whenever", never a size's "per trade"
        (
            "bb(20,2) width (upper minus lower, divided by middle) under 0.04 = buy. exit close < "
            "middle band. 25% of equity each time it dips.",
            "each time",
        ),
        # "pxs" is no abbreviation
        ("Buy when pxs are above the 100 ema. " + _RSI, "pxs"),
        # a width with no definition, or another one, or of another channel
        (
            "Buy when the Bollinger Band width is under 0.05. Sell when the close falls below "
            "the middle band.",
            "is under",
        ),
        ("bb(20,2) width (upper minus lower) under 5 = buy. exit close < middle band", ")"),
        (
            "Buy when the bollinger width (upper plus lower, divided by middle) is under 0.04. "
            + _RSI,
            "plus",
        ),
        (
            "keltner(20) width (upper minus lower, divided by middle) under 0.04 = buy. exit "
            "close < middle band",
            "under",
        ),
        # "/" after a bracket holding one operand is no division
        ("Buy when (RSI(14)) / 2 > 30. " + _RSI, ">"),
        # a weekday range that wraps or names one day
        ("Buy when RSI(2) < 10 on thu-tue. " + _RSI, "tue"),
        ("Buy when RSI(2) < 10 from Monday to Monday. " + _RSI, "Monday"),
        # a weekday and a month make no range
        ("Buy when RSI(2) < 10 on mon-may. " + _RSI, "may"),
        # half of something other than the account
        ("Buy when RSI(2) < 10. " + _RSI + " Position size: half of the stop", "stop"),
        # "if A or B" after an event: never grouped
        (
            "Buy after 3 down days in a row if RSI(2) < 10 or the close is above the 200-day "
            "SMA. " + _RSI,
            "SMA",
        ),
        # "when" after an event is not read as "if"
        ("Buy after 3 down days in a row when RSI(2) < 10. " + _RSI, "when"),
        # a ";" inside a bracket no longer ends the sentence, and is not read elsewhere
        ("Buy when RSI(2) < 10 (my rule; keep it). " + _RSI, ";"),
    ],
)
def test_near_misses_refused(text: str, named: str) -> None:
    assert named in refused(text)
