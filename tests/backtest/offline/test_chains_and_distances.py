"""A chained comparison ("close > 50 SMA > 200 SMA") holds a series in the middle and runs one
way round; a multiple or a sum in the middle is a distance or a shorthand "+" (held-out 11's
first run misread both), and "more than N ATR beyond a line" is a distance."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when close > 50 SMA > 200 SMA, sell when close < 50 SMA.",
            {"entry": "all(Close > SMA(50); SMA(50) > SMA(200))", "exit": "Close < SMA(50)"},
        ),
        (
            "Buy when the close is more than 2 ATR(14) below the 20-day SMA. Sell when the close "
            "gets back above the 20-day SMA.",
            {"entry": "Close < SMA(20) - ATR(14) * 2", "exit": "Close above SMA(20)"},
        ),
        (
            "Sell short when the close is more than 3 ATR(14) above the 20-day EMA. Cover when "
            "the close is below the 20-day EMA.",
            {
                "side": "short",
                "short_entry": "Close > EMA(20) + ATR(14) * 3",
                "short_exit": "Close < EMA(20)",
            },
        ),
    ],
)
def test_chains_of_series_and_atr_distances_read(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # a sum in the middle: "+" may be "and", or ATR[20] + Close in a chain that goes one
        # way ("<" then ">" turns round and is read as "and", see test_prose_round19a)
        "atr(10) > atr(10) 20 bars ago + close > yday high = buy. trail 2.5 atr(10)",
        # a chain that turns round is no English
        "Buy when the close > SMA(50) < SMA(200). Sell when the close < SMA(50).",
        # a number in the middle
        "Buy when RSI(14) > 30 < RSI(14) 1 bar ago. Sell when RSI(14) > 70.",
        # an ATR distance from a level of another unit
        "Buy when RSI(14) is more than 2 ATR(14) below 30. Sell when RSI(14) > 70.",
    ],
)
def test_chains_with_a_number_or_sum_in_the_middle_or_turning_round_are_refused(
    text: str,
) -> None:
    refused(text)
