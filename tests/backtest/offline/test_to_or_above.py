"""Safety fix (held-out 18's first run, h18-030): "Sell when the close gets back to or above the
20-day SMA", after "more than 5% below the 20-day SMA", was read as "back to the level before,
or above the SMA". "To or above X" is one comparison: at or above X."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when the closing price is more than 5% below the 20-day simple moving average. "
            "Sell when the close gets back to or above the 20-day SMA.",
            {"entry": "Close < SMA(20) * 0.95", "exit": "Close >= SMA(20)"},
        ),
        (
            "Buy when rsi < 30. Sell when the close rises to or above the 20-day SMA.",
            {"entry": "RSI(14) < 30", "exit": "Close >= SMA(20)"},
        ),
        (
            "Buy when the close falls to or below the lower bollinger band",
            {"entry": "Close <= BBANDS(20,2,2).lowerband"},
        ),
    ],
)
def test_to_or_above_is_one_comparison(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_to_or_below_against_the_verbs_way_is_refused() -> None:
    assert refused("Buy when the close rises to or below the 20 sma")
