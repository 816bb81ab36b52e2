"""Safety fix: "the 50-day SMA crosses above the 200" was read as the price level 200. "The"
before a bare number names an average of that period: after an average, one of the same kind
(said in warnings); after a price, the one average of that period named, else refused."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect", "note"),
    [
        (
            "buy when the 50-day SMA crosses above the 200",
            {"entry": "SMA(50) crosses_above SMA(200)"},
            "'the 200' read as SMA(200), the same kind as SMA(50)",
        ),
        (
            "buy when the 20 EMA crosses back above the 50",
            {"entry": "EMA(20) crosses_above EMA(50)"},
            "'the 50' read as EMA(50), the same kind as EMA(20)",
        ),
        (
            "buy when the 20 EMA is above the 40 EMA, sell when the close crosses under the 40",
            {"entry": "EMA(20) > EMA(40)", "exit": "Close crosses_below EMA(40)"},
            None,
        ),
    ],
)
def test_the_number_after_an_average_is_an_average(
    text: str, expect: dict, note: str | None
) -> None:
    reads_as(text, expect)
    if note is not None:
        assert note in parse_description(text).warnings


@pytest.mark.parametrize(
    "text",
    [
        "buy when the close is above the 200",
        "buy when the close crosses under the 40",
        # the 200 SMA is named only after: still which one?
        "buy when the close is above the 200 and the 50 sma is above the 200 sma",
    ],
)
def test_the_number_after_a_price_with_no_average_of_that_period_is_refused(text: str) -> None:
    assert "a price level or a" in refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("buy when the 50 sma crosses above 200", {"entry": "SMA(50) crosses_above 200"}),
        ("buy when rsi crosses above the 30", {"entry": "RSI(14) crosses_above 30"}),
        ("buy when the close is above 200", {"entry": "Close > 200"}),
    ],
)
def test_a_level_without_the_or_after_an_oscillator_stays_a_level(text: str, expect: dict) -> None:
    reads_as(text, expect)
