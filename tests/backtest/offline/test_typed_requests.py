"""Short requests as they are typed into the text box (round 15): a time exit written
"max 10 bars", a change "in a day", a lookback in weeks refused with what to write instead.
Near misses stay refused."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when close < 5 SMA; exit when close > 5 SMA; max 10 bars",
            {"entry": "Close < SMA(5)", "exit": "Close > SMA(5)", "exit_after_bars": 10},
        ),
        (
            "Buy when close < 5 SMA. Exit when close > 5 SMA. Max 10 days.",
            {"entry": "Close < SMA(5)", "exit": "Close > SMA(5)", "exit_after_bars": 10},
        ),
        (
            "Buy when close < 5 SMA, exit when close > 5 SMA, max 10 bars",
            {"entry": "Close < SMA(5)", "exit": "Close > SMA(5)", "exit_after_bars": 10},
        ),
    ],
)
def test_max_n_bars_is_a_time_exit(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when close < 5 SMA; max 10",
        "Buy when close < 5 SMA; max 10 periods",
        "Buy when close < 5 SMA; max 10 bars high",
        "Buy when close > max 10 bars",
    ],
)
def test_max_elsewhere_stays_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when the close drops 5% in a day", {"entry": "change_pct(Close, 1) < -5"}),
        ("Buy when the close drops 5% in a single day", {"entry": "change_pct(Close, 1) < -5"}),
        ("Buy when the close falls more than 5% in a day", {"entry": "change_pct(Close, 1) < -5"}),
        ("Buy when the close rises 5% in a single day", {"entry": "change_pct(Close, 1) > 5"}),
    ],
)
def test_a_change_in_a_day_is_over_one_bar(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    ["Buy when RSI < 30 twice in a day", "Buy when the close drops 5% in a week"],
)
def test_in_a_day_elsewhere_stays_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when the close is above the 52-week high",
        "Buy when the close breaks the 52 week low",
        "Buy when RSI < 30; sell after 2 weeks",
    ],
)
def test_weeks_are_refused_with_what_to_write(text: str) -> None:
    reason = refused(text)
    assert "give it in bars (days)" in reason
    assert "not a word" not in reason


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when the price makes a new 20-day high", {"entry": "Close > MAX(20, High)[1]"}),
        ("Buy when the close makes a new 20-day high", {"entry": "Close > MAX(20, High)[1]"}),
        ("Buy when the high makes a new 20-day high", {"entry": "High > MAX(20, High)[1]"}),
        (
            "Buy when the price makes a new 20-day high; sell when the price makes a new "
            "10-day low",
            {"entry": "Close > MAX(20, High)[1]", "exit": "Close < MIN(10, Low)[1]"},
        ),
        ("Buy when the stock closes at a new 20-day high", {"entry": "Close > MAX(20, High)[1]"}),
        # "at" / "hits" a new high: reached from below (was "at or below" the prior high)
        ("Buy when the close is at a new 20-day high", {"entry": "Close >= MAX(20, High)[1]"}),
        ("Buy when close hits a new 20-day high", {"entry": "Close >= MAX(20, High)[1]"}),
        ("Buy when close touches the 10-day low", {"entry": "Close <= MIN(10, Low)[1]"}),
    ],
)
def test_a_new_n_day_high_is_above_the_prior_high(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # RSI's own 20-day high, not the price's; "it" may be RSI
        "Buy when RSI makes a new 20-day high",
        "Buy when RSI < 30; sell when it makes a new 10-day low",
        "Buy when the low makes a new 20-day high",
        "Buy when RSI closes at a new 20-day high",
        "Buy when the price makes a new high",
        "Buy when the price makes a new SMA(20)",
    ],
)
def test_other_new_highs_stay_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when oversold according to RSI", {"entry": "RSI(14) < 30"}),
        (
            "Buy when it is oversold according to RSI(2); sell when overbought according to RSI(2)",
            {"entry": "RSI(2) < 30", "exit": "RSI(2) > 70"},
        ),
        (
            "Short when overbought as measured by the stochastic",
            {"side": "short", "short_entry": "STOCH(14,3,3).slowk > 80"},
        ),
    ],
)
def test_oversold_according_to_an_indicator(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when oversold according to the close",
        "Buy when oversold according to SMA(20)",
        "Buy when oversold according to me",
        # two indicators: which one is oversold?
        "Buy when RSI is oversold according to the stochastic",
    ],
)
def test_oversold_according_to_anything_else_stays_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when the last 3 candles are red", {"entry": "for_bars(Close < Open, 3)"}),
        ("Buy when the last 3 candles were green", {"entry": "for_bars(Close > Open, 3)"}),
        (
            "Buy when the last 3 candles are red and RSI < 30",
            {"entry": "all(for_bars(Close < Open, 3); RSI(14) < 30)"},
        ),
    ],
)
def test_the_last_n_candles_are_a_colour(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when the last 3 candles are red or green",
        "Buy when the last 3 closes are red",
        "Buy when 2 of the last 3 candles are red",
        "Buy when the last 3.5 candles are red",
    ],
)
def test_other_last_candles_stay_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when the close is within 1% of the 50 SMA",
            {"entry": "all(Close > SMA(50) * 0.99; Close < SMA(50) * 1.01)"},
        ),
        (
            "Buy when the close is within 1% of SMA(50) and RSI < 30",
            {"entry": "all(Close > SMA(50) * 0.99; Close < SMA(50) * 1.01; RSI(14) < 30)"},
        ),
    ],
)
def test_within_a_percent_of_a_line(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when RSI is within 5% of 30",
        "Buy when the close is within 1 of the 50 SMA",
        "Buy when the close is within 100% of the 50 SMA",
        "Buy when the volume is within 10% of the 20-day average volume",
    ],
)
def test_within_elsewhere_stays_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Use RSI 14. Buy below 30, sell above 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        ("RSI(14): buy below 30, sell above 70", {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}),
        ("RSI 2 — buy under 10, sell over 90", {"entry": "RSI(2) < 10", "exit": "RSI(2) > 90"}),
        (
            "Use RSI 14. Buy when below 30, sell when above 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
    ],
)
def test_a_declared_indicator_then_bare_levels(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # nothing declared, two indicators, or a price beside the indicator: which one?
        "Buy below 30, sell above 70",
        "Use RSI 14 and CCI 20. Buy below 30, sell above 70.",
        "Use RSI 14. Buy below 30 and close > SMA(200), sell above 70.",
        "Buy when close > SMA(50), sell above 70",
        # an average is on the price scale: "below 30" may be a price
        "Use SMA 20. Buy below 30, sell above 70.",
        "Use RSI 14. Buy below 30 shares",
    ],
)
def test_bare_levels_without_one_declared_indicator_stay_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when the SMA(10) slope is positive", {"entry": "rising(SMA(10))"}),
        ("Buy when the 20 EMA slope is negative", {"entry": "falling(EMA(20))"}),
        # "turns positive" as "turns up", which is read as rising
        (
            "Buy when the SMA(10) slope turns positive; sell when the SMA(10) slope turns negative",
            {"entry": "rising(SMA(10))", "exit": "falling(SMA(10))"},
        ),
        ("Buy when the SMA(10) slope is positive for 3 days", {"entry": "rising(SMA(10), 3)"}),
    ],
)
def test_the_slope_of_a_line(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when the slope is positive",
        "Buy when the SMA(10) slope is above 0.5",
        "Buy when the slope of the SMA(10) is positive",
    ],
)
def test_other_slopes_stay_refused(text: str) -> None:
    refused(text)


_CROSS_UP = "STOCH(14,3,3).slowk crosses_above STOCH(14,3,3).slowd"
_CROSS_DOWN = "STOCH(14,3,3).slowk crosses_below STOCH(14,3,3).slowd"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when the stochastic K crosses above D", {"entry": _CROSS_UP}),
        (
            "Buy when stoch K crosses above D; sell when K crosses below D",
            {"entry": _CROSS_UP, "exit": _CROSS_DOWN},
        ),
        ("Buy when the stochastic(14,3,3) K crosses above the D", {"entry": _CROSS_UP}),
        ("Buy when the stochastic K line crosses above the D line", {"entry": _CROSS_UP}),
    ],
)
def test_k_and_d_of_a_named_stochastic(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # no stochastic named
        "Buy when K crosses above D",
        "Buy when RSI K crosses above D",
        # "20D" stays 20 days
        "Buy when the stochastic K crosses above 20D",
        # a bare K away from a crossing
        "Buy when the stochastic K crosses above D and K < 20",
    ],
)
def test_other_k_and_d_stay_refused(text: str) -> None:
    refused(text)


_PCT_B = (
    "(Close - BBANDS(20,2,2).lowerband) / (BBANDS(20,2,2).upperband - BBANDS(20,2,2).lowerband)"
)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Buy when %B below 0", {"entry": f"{_PCT_B} < 0"}),
        ("Buy when %B > 1", {"entry": f"{_PCT_B} > 1"}),
        ("Buy when %B crosses above 0.2", {"entry": f"{_PCT_B} crosses_above 0.2"}),
        (
            "Buy when Bollinger %B < 0; sell when %B > 1",
            {"entry": f"{_PCT_B} < 0", "exit": f"{_PCT_B} > 1"},
        ),
    ],
)
def test_bollinger_percent_b(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_percent_b_reads_back_from_what_it_says() -> None:
    said = parse_description("Buy when %B crosses above 0.2").understood_as
    assert parse_description(said).understood_as == said


@pytest.mark.parametrize(
    "text",
    [
        "Buy when % B < 0",
        "Buy when %B(10,2) < 0",
        # a slash between two lines stays a pair, never a division
        "Buy when SMA(10) / SMA(20) > 1",
    ],
)
def test_other_percent_b_stays_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when volume is at least twice the 20-day average volume",
            {"entry": "Volume >= SMA(20, Volume) * 2"},
        ),
        (
            "Buy when volume is more than twice the 20-day average volume",
            {"entry": "Volume > SMA(20, Volume) * 2"},
        ),
        (
            "Buy when volume is over 2x the 20-day average volume",
            {"entry": "Volume > SMA(20, Volume) * 2"},
        ),
        # an ATR distance is not a multiple of an average
        (
            "Buy when the close is 2 x ATR(14) above the 20 EMA",
            {"entry": "Close > EMA(20) + 2 * ATR(14)"},
        ),
    ],
)
def test_volume_beyond_a_multiple_of_its_average(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Buy when volume is twice the average volume",
        "Buy when volume is twice the 20-day average volume",
        "Buy when volume is 2x the 20-day average volume",
        "Buy when volume is 2 times the average volume",
    ],
)
def test_volume_equal_to_a_multiple_is_refused_saying_why(text: str) -> None:
    assert "say 'at least twice' or 'more than twice'" in refused(text)
