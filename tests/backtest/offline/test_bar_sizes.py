"""One description, one bar size: an indicator "of the daily" on 5-minute bars would silently be
an indicator of 5-minute bars (held-out 14's first run misread h14-052 so), so a description
naming two bar sizes is refused; one bar size, said several ways, still reads."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "On the 5-minute chart, take longs only when the daily 20 EMA is rising. Entry when "
            "price crosses above VWAP, exit when it crosses back below.",
            "the daily: two bar sizes (5 minute and daily bars)",
        ),
        (
            "Buy when the daily 50 SMA is rising and the close crosses above VWAP. 15m chart.",
            "15m chart: two bar sizes (daily and 15 minute bars)",
        ),
        (
            "Buy when the hourly RSI(14) is below 30, sell when above 70. Daily chart.",
            "two bar sizes (1 hour and daily bars)",
        ),
        (
            "weekly chart, daily rsi(14) < 30 -> buy, > 70 -> sell",
            "two bar sizes (weekly and daily bars)",
        ),
    ],
)
def test_two_bar_sizes_are_refused_naming_the_second(text: str, named: str) -> None:
    assert named in refused(text)


@pytest.mark.parametrize(
    "text",
    [
        "Daily chart. Buy when the daily RSI(14) is below 30. Sell when it is above 70.",
        "intraday, 15 min bars: buy when RSI(14) < 30, sell when > 70",
        "15 min bars, intraday: buy when RSI(14) < 30, sell when > 70",
    ],
)
def test_one_bar_size_said_several_ways_still_reads(text: str) -> None:
    reads_as(text, {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"})


def test_a_duration_in_minutes_is_no_bar_size() -> None:
    message = refused(
        "5 min chart: buy when RSI(14) < 30, sell when RSI(14) > 70 or after 30 minutes."
    )
    assert "two bar sizes" not in message
