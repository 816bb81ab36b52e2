"""Trader wording learnt in the eighth prose round (issue 12) from the refusals of held-out 9
and held-out 7, with the near misses that must stay refused. Compared semantically, in the
corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # parameters in brackets after a named indicator's line are that indicator's
        (
            "Go long when the slow stochastic %K (14, 3, 3) crosses up through 20. Close the "
            "long when %K crosses down through 80.",
            {
                "entry": "STOCH(14,3,3).slowk crosses_above 20",
                "exit": "STOCH(14,3,3).slowk crosses_below 80",
            },
        ),
        (
            "Buy when the stochastic %K (5,3,3) crosses above %D while %K is under 20",
            {
                "entry": "all(STOCH(5,3,3).slowk crosses_above STOCH(5,3,3).slowd; "
                "STOCH(5,3,3).slowk < 20)"
            },
        ),
        (
            "Buy when the MACD signal (12,26,9) crosses above 0",
            {"entry": "MACD(12,26,9).macdsignal crosses_above 0"},
        ),
        # "multiplier N" inside the parameters of a channel with an ATR multiple
        (
            "Buy when price closes above the upper Keltner channel (20 EMA, 10 ATR, multiplier "
            "2). Sell when it closes below the Keltner middle line.",
            {
                "entry": "Close above KELTNER(20,10,2).upper",
                "exit": "Close below KELTNER(20,10,2).middle",
            },
        ),
        (
            "Buy when SuperTrend (10, multiplier 4) turns green",
            {"entry": "SUPERTREND(10,4).direction crosses_above 0"},
        ),
        # plain numbers beside named settings are the settings not named, in order (the
        # plain "3" was written over and lost before)
        (
            "Buy when price closes above the upper Keltner channel (20 EMA, 10 ATR, 3)",
            {"entry": "Close above KELTNER(20,10,3).upper"},
        ),
        (
            "Buy when SuperTrend (10 ATR, 4) turns green",
            {"entry": "SUPERTREND(10,4).direction crosses_above 0"},
        ),
        # a streak restated with a comparison sign
        (
            "short after 4 up closes in a row (each close > the one before). cover after 3 bars",
            {"side": "short", "short_entry": "rising(Close, 4)", "exit_after_bars": 3},
        ),
        (
            "Buy after 3 down closes in a row (each close < the one before)",
            {"entry": "falling(Close, 3)"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # parameters that do not fit the indicator named before the line
        ("Buy when RSI %K (14,3,3) > 30", "%K"),
        ("Buy when the stochastic %K (14, 3, 3, 5) crosses up through 20", "crosses up"),
        # numbers without separators, or a second bracket that disagrees
        ("Buy when the stochastic %K (14 3 3) crosses up through 20", "3"),
        ("Buy when the stochastic %K (14, 3, 3) crosses above %D (5,3,3)", ","),
        # a multiplier for an indicator without one, or beside a full list
        ("Buy when RSI (14, multiplier 2) < 30", "no such setting"),
        ("Buy when the close is above the upper Bollinger band (20, multiplier 2)", "no such"),
        ("Buy when price is above the Keltner upper band (20, 10, 2, multiplier 3)", "takes 2"),
        ("Buy when price is above the upper Keltner channel (20 EMA, 1.5)", "whole number"),
        # "multiplier" outside parameters means nothing to place
        ("Buy when the close is above the 20 SMA with a multiplier", "multiplier"),
        # the streak's bracket must say the same: not-strict, or the other way
        ("short after 4 up closes in a row (each close >= the one before)", ">="),
        ("short after 4 up closes in a row (each close < the one before)", ")"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
