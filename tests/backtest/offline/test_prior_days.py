"""A price of a day before compared with an indicator line: "yesterday's close was above the
20-day SMA" means yesterday's SMA to most traders, but was read as today's SMA ("... above the
20-day high" as the 20 days before today, which hold yesterday's own high). Such a comparison is
refused, saying how to write it; one counted in bars ("Close 1 bar ago is above SMA(20)", the
wording of understood_as) and prices against prices still read."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from tests.backtest.offline.readings import reads_as


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Buy when yesterday's close was above the 20-day SMA", "20-day SMA"),
        ("Buy when the previous close is above the 20-day SMA", "20-day SMA"),
        ("buy when the previous close > sma(50)", "sma(50)"),
        ("Buy when yesterday's high is above the 10-day EMA", "10-day EMA"),
        ("Buy when the close 2 days ago was above the 20-day SMA", "20-day SMA"),
        (
            "Buy when the prior close is below the lower Bollinger band and RSI(14) < 30, sell "
            "when RSI(14) > 70",
            "lower Bollinger band",
        ),
    ],
)
def test_a_day_before_against_a_line_of_no_day_is_refused(text: str, line: str) -> None:
    with pytest.raises(DescriptionNotUnderstood) as refused:
        parse_description(text)
    message = refused.value.message
    assert f"'{line}' of which day?" in message
    assert len(message) < 600


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when Close 1 bar ago is above SMA(20)", {"entry": "Close[1] > SMA(20)"}),
        (
            "Buy when Close 1 bar ago is above the 20-day SMA 1 bar ago",
            {"entry": "Close[1] > SMA(20)[1]"},
        ),
        ("Buy when the close 2 bars ago was above the 20-day SMA", {"entry": "Close[2] > SMA(20)"}),
        ("Buy when the close is above yesterday's high", {"entry": "Close > High[1]"}),
        (
            "Buy when today's low is below yesterday's low and the close is above yesterday's "
            "close",
            {"entry": "all(Low < Low[1]; Close > Close[1])"},
        ),
    ],
)
def test_bars_counted_and_prices_against_prices_still_read(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # the prior 20 days of which day? Before today's they hold yesterday's own high
        ("Buy when yesterday's close was above the 20-day high", "20-day high"),
        ("Buy when the previous close is below the 10-day low", "10-day low"),
    ],
)
def test_a_day_before_against_a_channel_is_refused(text: str, line: str) -> None:
    with pytest.raises(DescriptionNotUnderstood) as refused:
        parse_description(text)
    assert f"'{line}' before that day or before today?" in refused.value.message


def test_a_channel_against_bars_counted_still_reads() -> None:
    reads_as(
        "Buy when Close 1 bar ago is above the 20-day high",
        {"entry": "Close[1] > MAX(20, High)[1]"},
    )
