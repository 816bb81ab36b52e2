"""Trader shorthand and bar patterns learnt from held-out 4's refusals (issue 12, third prose
round), and the safety fixes found while probing them. Compared semantically, in the corpus
notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.shorthand import SHORTHAND
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "bull cross" / "bear cross": a crossing up / down of the pair named before
        (
            "EMA 9/21 cross. Long on the bull cross, flat on the bear cross.",
            {"entry": "EMA(9) crosses_above EMA(21)", "exit": "EMA(9) crosses_below EMA(21)"},
        ),
        (
            "Buy the MACD bull cross. Sell the MACD bear cross.",
            {
                "entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
            },
        ),
        # "mid": the middle line of the band named; "out": leave the position
        (
            "BB breakout: close > upper BB(20,2) = long, close < mid = out. sl 5%",
            {
                "entry": "Close > BBANDS(20,2,2).upperband",
                "exit": "Close < BBANDS(20,2,2).middleband",
                "stop": "5%",
            },
        ),
        (
            "Buy when RSI(14) < 30. Out when RSI(14) > 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        # time exits: "max hold 10 days", "10 day max hold", "hold for exactly 4 days, then sell"
        (
            "Buy when RSI(2) < 10. Max hold 10 days.",
            {"entry": "RSI(2) < 10", "exit_after_bars": 10},
        ),
        ("Buy when RSI(2) < 10. 10 day max hold.", {"entry": "RSI(2) < 10", "exit_after_bars": 10}),
        (
            "Buy whenever the close is down 3 days in a row, hold for exactly 4 days, then sell.",
            {"entry": "falling(Close, 3)", "exit_after_bars": 4},
        ),
        # "take longs"
        (
            "I only take longs November through April. Entry: close above the 50 SMA. Exit: close "
            "below the 50 SMA.",
            {
                "entry": "all(Close above SMA(50); month in [nov, dec, jan, feb, mar, apr])",
                "exit": "Close below SMA(50)",
            },
        ),
        # gaps: today's open against yesterday's close
        ("Buy on a gap up. Sell after 1 day.", {"entry": "Open > Close[1]", "exit_after_bars": 1}),
        (
            "Buy when the stock gaps down more than 2%. Sell after 3 days.",
            {"entry": "Open < Close[1] * 0.98", "exit_after_bars": 3},
        ),
        (
            "Buy on a gap down of more than 2%. Sell after 3 days.",
            {"entry": "Open < Close[1] * 0.98", "exit_after_bars": 3},
        ),
        # inside day, alone or with a bracket that says the same
        (
            "Buy on an inside day. Sell after 2 days.",
            {"entry": "all(High < High[1]; Low > Low[1])", "exit_after_bars": 2},
        ),
        (
            "Inside day (today's high below yesterday's high and today's low above yesterday's "
            "low) -> buy stop at today's high. Stop loss 2%, target 4%.",
            {
                "entry": "all(High < High[1]; Low > Low[1])",
                "order": "stop High",
                "stop": "2%",
                "target": "4%",
            },
        ),
        (
            "Buy on a gap up (today's open above yesterday's close). Sell after 2 days.",
            {"entry": "Open > Close[1]", "exit_after_bars": 2},
        ),
        # chatty asides about the trader's own testing
        (
            "Been paper trading this for a couple of months and it's held up ok. When RSI(14) "
            "dips below 30 I buy, and I sell when it gets back above 50.",
            {"entry": "RSI(14) below 30", "exit": "RSI(14) above 50"},
        ),
        # "Sell at +8%": a target above the entry of a long, beside "or after 15 bars"
        (
            "Buy when RSI(14) < 30. Sell at +8% or after 15 bars.",
            {"entry": "RSI(14) < 30", "target": "8%", "exit_after_bars": 15},
        ),
        # "it" after a first sentence that only names one indicator
        (
            "Supertrend (10, 3). Long when it flips bullish, close the long when it flips bearish.",
            {
                "entry": "SUPERTREND(10,3).direction crosses_above 0",
                "exit": "SUPERTREND(10,3).direction crosses_below 0",
            },
        ),
        (
            "RSI(14). Buy when it is below 30, sell when it is above 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        # "A or B, as long as C": the comma sets C off, for both alternatives
        (
            "Entry: RSI(2) under 5 OR three lower closes in a row, as long as we're above the "
            "200 SMA. Exit: RSI(2) above 70.",
            {
                "entry": "all(any(RSI(2) below 5; falling(Close, 3)); Close > SMA(200))",
                "exit": "RSI(2) above 70",
            },
        ),
        (
            "Buy when RSI(14) < 30, as long as the close is above the 200 SMA. Sell when RSI(14) "
            "> 70.",
            {"entry": "all(RSI(14) < 30; Close > SMA(200))", "exit": "RSI(14) > 70"},
        ),
        # a bracket restating a crossing without its direction, with or without "that's"
        (
            "Buy when the stochastic %K crosses above %D (that's the fast line crossing the slow "
            "line) while both are under 20.",
            {
                "entry": "all(STOCH(14,3,3).slowk crosses_above STOCH(14,3,3).slowd; "
                "STOCH(14,3,3).slowk < 20; STOCH(14,3,3).slowd < 20)"
            },
        ),
    ],
)
def test_reads_trader_shorthand_and_bar_patterns(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a bull/bear cross needs the pair it crosses
        ("Long on the bull cross.", "a crossover of what?"),
        # "mid" needs a band
        ("Buy when close > 20 SMA, sell when close < mid.", "of which indicator?"),
        # safety: a band word with two bands named took the latest one; now refused
        (
            "Bollinger Bands (20, 2) and Keltner channel (20 EMA, 2x ATR(10)): buy when close > "
            "upper Bollinger band and close > upper Keltner channel, sell when close < mid.",
            "BBANDS and KELTNER are named",
        ),
        (
            "Bollinger Bands (20, 2) and Keltner channel (20 EMA, 2x ATR(10)): buy when close > "
            "upper Keltner channel and close > upper Bollinger band, sell when close < middle "
            "band.",
            "of which indicator?",
        ),
        # a gap of less than 2% is a range; a gap of something else than the stock
        ("Buy when the stock gaps up less than 2%. Sell after 3 days.", "2%"),
        ("Buy when RSI(14) gaps up. Sell after 3 days.", "gaps up"),
        ("Buy when the stock gaps down 2% below yesterday's low.", "below"),
        # "out" only as leaving the position
        ("Buy when RSI(14) is out of the oversold zone.", "out"),
        # "Out on Fridays": flat that day, or no trades that day? ("Exit on Fridays" is read)
        ("Buy when RSI(14) < 30. Out on Fridays.", "Fridays"),
        # "it" after two indicators, or after an indicator inside a stop, means nothing clear
        ("Use the 20 SMA and the 50 SMA. Buy when it rises.", "refers to nothing"),
        ("Stop at 2 ATR(14). Buy when it rises.", "refers to nothing"),
        # "Sell at +8%" on a short: a target above a short's entry is the wrong side
        ("Short when RSI(14) > 70. Sell at +8%.", "target is below the entry"),
        # "a couple of days" is no number of bars
        ("Buy when RSI(14) < 30. Sell after a couple of days.", "couple"),
        # a bull cross named as a heading: its direction would be lost
        ("EMA 9/21 bull cross. Long when RSI(14) > 50.", "bull cross"),
    ],
)
def test_refuses_near_misses_of_the_shorthand(text: str, named: str) -> None:
    assert named in refused(text)


@pytest.mark.parametrize(
    "text",
    [
        # safety: a bracket without numbers was dropped as an explanation even when it stated
        # another condition; a bracket that states a condition must say the same as the text
        "Inside day (today's high above yesterday's high) -> buy. Sell after 2 days.",
        "Buy on a gap up (today's open below yesterday's close).",
        "Buy when RSI(14) < 30 (the close below the lower Bollinger band).",
        "Buy when the 20 EMA is above the 50 EMA (the close below the 200 SMA).",
        "Buy when %K crosses above %D (that's the slow line crossing the fast line).",
        "Buy when the close crosses above the 50 SMA (the close above the upper Bollinger band).",
    ],
)
def test_a_bracket_that_states_another_condition_is_refused(text: str) -> None:
    assert "in brackets says something else" in refused(text)


def test_a_bracket_without_a_condition_is_still_an_explanation() -> None:
    parsed = parse_description(
        "Buy when the close breaks above the highest high of the previous 20 days (Donchian upper "
        "band). Sell after 5 days."
    )
    assert any("ignored the explanation" in note for note in parsed.warnings)


def test_shorthand_only_adds_phrases() -> None:
    for phrase, entry in SHORTHAND.items():
        assert v.PHRASES[phrase] == entry


@pytest.mark.parametrize(
    "tail",
    [
        "as long as the close is above the 200 SMA",
        "provided the close is above the 200 SMA",
        "with the close above the 200 SMA",
        "and only when the close is above the 200 SMA",
        "but only if the close is above the 200 SMA",
    ],
)
def test_a_condition_set_off_after_the_last_of_several_rules_is_refused(tail: str) -> None:
    # safety: the condition was attached to the exit alone; it may be meant for both rules
    assert refused(f"Buy when RSI(14) < 30, sell when RSI(14) > 70, {tail}.")
    reads_as(
        f"Buy when RSI(14) < 30, {tail}. Sell when RSI(14) > 70.",
        {"entry": "all(RSI(14) < 30; Close > SMA(200))", "exit": "RSI(14) > 70"},
    )


def test_as_long_as_after_a_mixed_list_is_refused() -> None:
    assert "mixed" in refused(
        "Buy when RSI(14) < 30 and ADX(14) > 20 or the close is above the 50 SMA, as long as the "
        "close is above the 200 SMA."
    )
