"""What a trader types the first time, round 2: "sma crossover 50 200", "sell on a cross down",
"buy on monday sell on friday". Each reads as meant and says what it assumed; near misses are
refused, and the refusal says how to write them."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "fast", "slow", "family"),
    [
        ("sma crossover 50 200", 50, 200, "SMA"),
        ("ema crossover 9 21", 9, 21, "EMA"),
        ("ema cross 9/21", 9, 21, "EMA"),
        ("moving average crossover 20 50", 20, 50, "SMA"),
        ("ma cross 10 30", 10, 30, "SMA"),
    ],
)
def test_a_crossover_with_its_two_periods_after_the_noun(
    text: str, fast: int, slow: int, family: str
) -> None:
    reads_as(
        text,
        {
            "entry": f"{family}({fast}) crosses_above {family}({slow})",
            "exit": f"{family}({fast}) crosses_below {family}({slow})",
        },
    )
    note = f"'{family}({fast}) / {family}({slow}) crossover' read as: enter on the upward cross"
    assert any(w.startswith(note) for w in parse_description(text).warnings)


@pytest.mark.parametrize("text", ["sma crossover 200 50", "sma cross 200/50", "sma 200 50 cross"])
def test_a_crossover_with_the_slower_period_first_is_refused(text: str) -> None:
    assert "the slower SMA is written first" in refused(text)


@pytest.mark.parametrize(
    "text",
    ["rsi crossover 30/70", "rsi 30 70 cross", "rsi 30/70 crossover", "cci 100 200 cross"],
)
def test_two_numbers_of_an_oscillators_crossover_are_never_read_as_two_periods(text: str) -> None:
    # levels 30 and 70 of one RSI, or an RSI(30) crossing an RSI(70)? never guessed
    assert "or one" in refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "go long on ema 12 26 cross up, go short on cross down",
            {
                "side": "both",
                "entry": "EMA(12) crosses_above EMA(26)",
                "short_entry": "EMA(12) crosses_below EMA(26)",
            },
        ),
        (
            "buy on ema 12/26 cross up, sell on cross down",
            {"entry": "EMA(12) crosses_above EMA(26)", "exit": "EMA(12) crosses_below EMA(26)"},
        ),
        (
            "buy on ema 12/26 cross up, sell on a cross down",
            {"entry": "EMA(12) crosses_above EMA(26)", "exit": "EMA(12) crosses_below EMA(26)"},
        ),
        (
            "buy when the 10 ema crosses above the 30 ema, sell on a cross down",
            {"entry": "EMA(10) crosses_above EMA(30)", "exit": "EMA(10) crosses_below EMA(30)"},
        ),
        ("buy on sma 20 50 cross up", {"entry": "SMA(20) crosses_above SMA(50)"}),
    ],
)
def test_a_cross_up_or_down_of_the_pair_named_before(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sell on a cross down", "a crossover of what?"),
        ("buy when rsi < 30, sell on cross down", "a crossover of what?"),
        ("buy on sma 50 20 cross up", "could not place"),
        # two RSIs, or one RSI crossing a level? never guessed
        ("buy on rsi 14 30 cross up", "could not place"),
        ("buy on rsi 14/30 cross up", "could not place"),
        ("buy on a bullish rsi 14/30 crossover", "could not place"),
        # two pairs cross before: which one crosses down?
        (
            "buy when close crosses above sma 20 and sma 20 crosses above sma 50, "
            "sell on a cross down",
            "which lines cross?",
        ),
        (
            "buy when close crosses above sma 20 and sma 20 crosses above sma 50, "
            "sell on a bear cross",
            "which lines cross?",
        ),
    ],
)
def test_a_cross_of_no_one_pair_is_refused(text: str, reason: str) -> None:
    assert reason in refused(text)


_MON_FRI = {"entry": "weekday in [mon]", "exit": "weekday in [fri]"}


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("buy on monday sell on friday", _MON_FRI),
        ("buy monday sell friday", _MON_FRI),
        ("buy on mondays sell on fridays", _MON_FRI),
        ("buy every monday and sell every friday", _MON_FRI),
        (
            "short on friday cover on monday",
            {"side": "short", "short_entry": "weekday in [fri]", "short_exit": "weekday in [mon]"},
        ),
        (
            "buy on monday sell when rsi > 70",
            {"entry": "weekday in [mon]", "exit": "RSI(14) > 70"},
        ),
    ],
)
def test_rules_of_weekdays_typed_with_no_comma(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_not_every_friday_is_not_never_on_a_friday() -> None:
    assert "every" in refused("buy when rsi < 30 but not every friday")


@pytest.mark.parametrize(
    ("text", "expect", "note"),
    [
        (
            "buy if the close is higher than the previous 3 closes",
            {"entry": "Close > MAX(3)[1]"},
            "'previous 3 closes' read as: the highest close of the 3 bars before the current one",
        ),
        (
            "buy if close is lower than the previous 3 closes",
            {"entry": "Close < MIN(3)[1]"},
            "'previous 3 closes' read as: the lowest close of the 3 bars before the current one",
        ),
        (
            "buy when the close is higher than the last 5 highs",
            {"entry": "Close > MAX(5,High)[1]"},
            "'last 5 highs' read as: the highest high of the 5 bars before the current one",
        ),
        (
            "short if the close is lower than the prior 5 lows, cover after 5 days",
            {"side": "short", "short_entry": "Close < MIN(5,Low)[1]", "exit_after_bars": 5},
            "'prior 5 lows' read as: the lowest low of the 5 bars before the current one",
        ),
    ],
)
def test_above_the_previous_n_closes_is_above_the_highest_of_them(
    text: str, expect: dict, note: str
) -> None:
    reads_as(text, expect)
    assert note in parse_description(text).warnings


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("buy if the close is at least the previous 3 closes", "above or below each of them?"),
        ("buy if the close is not higher than the previous 3 closes", "after a negation"),
        ("buy if the close is higher than the previous 1 closes", "could not place"),
    ],
)
def test_other_comparisons_with_the_previous_n_closes_are_refused(text: str, reason: str) -> None:
    assert reason in refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when the 20 period Donchian channel upper band is broken, sell when the lower "
            "band is broken",
            {
                "entry": "Close > DONCHIAN(20).upper[1]",
                "exit": "Close < DONCHIAN(20).lower[1]",
            },
        ),
        (
            "buy when price breaks above the upper donchian channel",
            {"entry": "Close > DONCHIAN(20).upper[1]"},
        ),
        (
            "short when the 20 period Donchian channel lower band is broken, cover when the upper "
            "band is broken",
            {
                "side": "short",
                "short_entry": "Close < DONCHIAN(20).lower[1]",
                "short_exit": "Close > DONCHIAN(20).upper[1]",
            },
        ),
        (
            "buy when the close crosses above the upper donchian band",
            {"entry": "Close crosses_above DONCHIAN(20).upper[1]"},
        ),
        (
            "Buy when price breaks the Donchian upper band (20)",
            {"entry": "Close > DONCHIAN(20).upper[1]"},
        ),
        (
            "Buy when price breaks above the upper Donchian band (20)",
            {"entry": "Close > DONCHIAN(20).upper[1]"},
        ),
    ],
)
def test_a_donchian_band_broken_is_the_channel_of_the_bars_before(text: str, expect: dict) -> None:
    reads_as(text, expect)
    assert any(
        "read as: the Donchian" in w and "bars before the current one (1 bar ago)" in w
        for w in parse_description(text).warnings
    )


def test_a_donchian_band_a_price_is_above_is_still_never_true() -> None:
    # a state, not a break: left as said, and refused as never true
    assert "can never be true" in refused("buy when price is above the upper donchian channel")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy when rsi < 30, sell when the lower bollinger band is broken",
            {"entry": "RSI(14) < 30", "exit": "Close < BBANDS(20,2,2).lowerband"},
        ),
        (
            "short when the keltner lower band is broken",
            {"side": "short", "short_entry": "Close < KELTNER(20,10,2).lower"},
        ),
    ],
)
def test_a_lower_band_broken_is_the_price_falling_through_it(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy 3 red days in a row, sell after 5 days",
            {"entry": "for_bars(Close < Open, 3)", "exit_after_bars": 5},
        ),
        (
            "short 3 green days in a row, cover after 3 days",
            {"side": "short", "short_entry": "for_bars(Close > Open, 3)", "exit_after_bars": 3},
        ),
        (
            "buy 3 red candles, sell 2 green candles",
            {"entry": "for_bars(Close < Open, 3)", "exit": "for_bars(Close > Open, 2)"},
        ),
    ],
)
def test_a_side_word_before_a_run_of_candles(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_a_red_day_is_noted_as_the_candles_colour() -> None:
    warnings = parse_description("buy 3 red days in a row, sell after 5 days").warnings
    assert (
        "'red days' read as: the close below the open (the candle's colour), not below the "
        "previous close"
    ) in warnings


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy on 20 day high sell on 10 day low",
            {
                "entry": "Close > MAX(20,High)[1]",
                "exit": "Close < MIN(10,Low)[1]",
            },
        ),
        ("buy when rsi < 30 sell after 5 days", {"entry": "RSI(14) < 30", "exit_after_bars": 5}),
    ],
)
def test_a_side_word_and_on_or_after_typed_with_no_comma_starts_a_rule(
    text: str, expect: dict
) -> None:
    reads_as(text, expect)
