"""Prose round 22 (lead): "breaks the upper/lower band" of any channel (Bollinger, Keltner,
Donchian): above an upper line, below a lower one; a line with no side is not read. The noun
said as the rule: "buy the breakout of the 55-day high", "sell on a break of the 20-day low",
"a breakdown below the lower band"."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    "exit_phrase",
    ["the close breaks the lower band", "the close breaks the lower Bollinger band (20, 2)"],
)
def test_breaking_a_bollinger_band_is_crossing_it_the_way_its_side_says(exit_phrase: str) -> None:
    reads_as(
        f"Buy when the close breaks the upper Bollinger band (20, 2), sell when {exit_phrase}.",
        {
            "entry": "Close above BBANDS(20,2,2).upperband",
            "exit": "Close below BBANDS(20,2,2).lowerband",
        },
    )


def test_the_lower_band_of_a_donchian_channel_named_before_is_broken_downwards() -> None:
    reads_as(
        "Buy when the close breaks above the upper band of a 20-day Donchian channel, "
        "sell when it breaks the lower band.",
        {"entry": "Close above DONCHIAN(20).upper[1]", "exit": "Close below DONCHIAN(20).lower[1]"},
    )


def test_a_keltner_band_is_broken_the_way_its_side_says() -> None:
    reads_as(
        "Short when the close breaks the lower Keltner channel (20, 10, 2). "
        "Cover when the close breaks the upper Keltner channel (20, 10, 2).",
        {
            "side": "short",
            "short_entry": "Close below KELTNER(20,10,2).lower",
            "short_exit": "Close above KELTNER(20,10,2).upper",
        },
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a middle line has no side: broken up or down?
        (
            "Buy when the close breaks the upper Keltner channel (20, 10, 2). "
            "Sell when it breaks the middle band.",
            "middle band",
        ),
        # no channel named: the lower band of what?
        (
            "Buy when the close crosses above the 50 SMA, sell when the close breaks the lower "
            "band.",
            "lower band",
        ),
        # an average has no side either
        ("Buy when the close breaks the 200 SMA, sell when RSI(14) > 70.", ""),
    ],
)
def test_a_line_with_no_side_or_no_channel_is_not_broken(text: str, named: str) -> None:
    assert named in refused(text)


_TURTLE = {"entry": "Close above MAX(55, High)[1]", "exit": "Close below MIN(20, Low)[1]"}


@pytest.mark.parametrize(
    "text",
    [
        "Buy the breakout of the 55-day high, exit on a break of the 20-day low.",
        "Buy on a break of the 55-day high. Sell on a break of the 20-day low.",
        "Buy a breakout above the 55-day high, exit on a close under the 20-day low.",
        "Buy on a breakout above the 55-day high. Sell on a breakdown below the 20-day low.",
        "Buy a break above the 55-day high. Sell on the breakdown of the 20-day low.",
    ],
)
def test_a_break_of_an_n_day_extreme_is_the_close_beyond_it(text: str) -> None:
    reads_as(text, _TURTLE)


def test_a_break_of_a_band_goes_the_way_its_side_says() -> None:
    reads_as(
        "Short the breakdown of the lower Bollinger band (20, 2). "
        "Cover on a break of the upper band.",
        {
            "side": "short",
            "short_entry": "Close below BBANDS(20,2,2).lowerband",
            "short_exit": "Close above BBANDS(20,2,2).upperband",
        },
    )


def test_a_breakout_with_a_condition_after_it_needs_both() -> None:
    reads_as(
        "Buy the breakout of the 55-day high when RSI(14) is above 50. Sell after 5 bars.",
        {"entry": "all(Close above MAX(55, High)[1]; RSI(14) > 50)", "exit_after_bars": 5},
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a breakout is upward: of a low it says two things
        ("Buy the breakout of the 20-day low. Sell after 5 bars.", "low"),
        ("Short the breakdown of the 20-day high. Cover after 5 bars.", "high"),
        # an average has no side: broken up or down?
        ("Buy on a break of the 200 SMA. Sell after 5 bars.", "SMA"),
        # a middle band neither
        (
            "Buy on a break through the upper Keltner channel (20, 10, 2). "
            "Sell on a break of the middle band.",
            "middle band",
        ),
    ],
)
def test_a_break_with_no_way_or_two_ways_is_refused(text: str, named: str) -> None:
    assert named in refused(text)


@pytest.mark.parametrize(
    ("up", "down"),
    [("upward", "downward"), ("upwards", "downwards"), ("to the upside", "to the downside")],
)
def test_the_way_of_a_crossing_said_after_what_was_crossed(up: str, down: str) -> None:
    reads_as(
        f"Buy when the 5 SMA crosses the 20 SMA {up}. Sell when the 5 SMA crosses the 20 SMA "
        f"{down}.",
        {"entry": "SMA(5) crosses_above SMA(20)", "exit": "SMA(5) crosses_below SMA(20)"},
    )
    reads_as(
        f"Buy when RSI(14) crosses 30 {up}. Sell when RSI(14) crosses 70 {down}.",
        {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
    )


def test_a_crossing_with_two_ways_is_refused() -> None:
    assert "downward" in refused("Buy when the 5 SMA crosses above the 20 SMA downward.")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "Mean reversion, short side: short when RSI(14) > 70 and moon is up. "
            "Cover when RSI(14) < 50.",
            "moon",
        ),
        (
            "symbol = MSFT\nbars = daily\nfast = ema\n"
            "Buy when RSI(14) < 30. Sell when RSI(14) > 70.",
            "fast",
        ),
        (
            "| Field | Rule |\n|---|---|\n| Entry | close crosses above the 20 EMA and the moon is "
            "full |\n| Exit | close crosses below the 20 EMA |",
            "moon",
        ),
        (
            "| Field | Rule |\n|---|---|\n| Entry | close crosses above the 20 EMA |\n"
            "| Mood | bullish |",
            "Mood",
        ),
        ("✅ Buy when RSI(14) < 30 and the moon is full\n❌ Sell when RSI(14) > 70", "moon"),
    ],
)
def test_a_refusal_of_structured_text_quotes_what_was_written(text: str, named: str) -> None:
    """Tables, config lines and emoji lists are rewritten before they are read; the phrases a
    refusal names are still the user's own words at their own offsets."""
    with pytest.raises(DescriptionNotUnderstood) as info:
        parse_description(text)
    items = info.value.unrecognised
    assert named in [item["text"] for item in items]
    for item in items:
        assert text[item["start"] : item["end"]] == item["text"]
    assert "short only" not in str(info.value)


_EMA = "When the close is above the 50 EMA, place a buy stop at "


@pytest.mark.parametrize(
    ("price", "expect", "noted"),
    [
        # the order is for the next bar: the last 5 bars are those up to the signal bar
        ("the highest high of the last 5 bars", "stop MAX(5, High)", True),
        ("the 5-day high", "stop MAX(5, High)", True),
        # the previous / prior 5 bars are those before the signal bar
        ("the highest high of the previous 5 bars", "stop MAX(5, High)[1]", False),
        ("the prior 5-day high", "stop MAX(5, High)[1]", False),
    ],
)
def test_an_n_bar_extreme_in_an_order_price_ends_at_the_signal_bar_unless_prior_is_said(
    price: str, expect: str, noted: bool
) -> None:
    text = _EMA + price + ". Sell after 5 bars."
    reads_as(text, {"entry": "Close > EMA(50)", "order": expect, "exit_after_bars": 5})
    notes = parse_description(text).warnings
    assert any("including the signal bar" in note for note in notes) is noted


def test_an_n_bar_extreme_in_a_rule_is_still_that_of_the_bars_before() -> None:
    reads_as(
        "Buy when the close is above the highest high of the last 20 bars. Sell after 5 bars.",
        {"entry": "Close > MAX(20, High)[1]", "exit_after_bars": 5},
    )


_MACD = "Buy when the MACD line (12,26,9) crosses above zero. "


def test_a_reason_with_no_rule_in_it_before_so_is_set_aside() -> None:
    text = (
        "Context: I've noticed energy stocks tend to trend in the winter, so this strategy only "
        "opens trades from November to March. " + _MACD + "Exit when it crosses back below zero."
    )
    reads_as(
        text,
        {
            "entry": "all(MACD(12,26,9).macd crosses_above 0; month in [nov, dec, jan, feb, mar])",
            "exit": "MACD(12,26,9).macd crosses_below 0",
        },
    )
    assert any("the reason before 'so'" in note for note in parse_description(text).warnings)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a reason that may place a rule is read, and refused when it cannot be
        ("I don't like chasing, so I never buy when RSI(14) is above 70. " + _MACD, "chasing"),
        # the stocks of a size keep their number
        ("I trade 100 stocks now, so buy when RSI(14) > 60. Sell after 5 bars.", ""),
    ],
)
def test_a_reason_that_may_say_something_is_not_set_aside(text: str, named: str) -> None:
    assert named in refused(text)


def test_a_stop_after_or_on_in_an_exit_rule_is_a_stop_beside_it() -> None:
    text = _MACD + "Exit when it crosses back below zero, or on a 7% trailing stop."
    reads_as(
        text,
        {
            "entry": "MACD(12,26,9).macd crosses_above 0",
            "exit": "MACD(12,26,9).macd crosses_below 0",
            "trailing": "7%",
        },
    )


@pytest.mark.parametrize(
    "text",
    [
        # in an entry rule "or on a trailing stop" says nothing an entry can do
        "Buy when the MACD line (12,26,9) crosses above zero, or on a 7% trailing stop. "
        "Sell after 5 bars.",
        # a stop with a condition of its own is no plain stop
        "Exit when it crosses back below zero, or on a 7% trailing stop when RSI(14) > 70. "
        + _MACD,
    ],
)
def test_or_on_a_stop_anywhere_else_is_refused(text: str) -> None:
    assert "7%" in refused(text)


def test_an_approximate_restatement_of_an_extreme_in_weeks_is_set_aside() -> None:
    text = (
        "Buy a close above the highest close of the prior 250 days (roughly a 52-week closing "
        "high). Sell after 5 bars."
    )
    reads_as(text, {"entry": "Close above MAX(250, Close)[1]", "exit_after_bars": 5})
    assert any("approximate restatement" in n for n in parse_description(text).warnings)


@pytest.mark.parametrize(
    "bracket",
    [
        "(a 52-week closing high)",  # not said to be approximate: weeks are refused
        "(roughly a 52-week closing low)",  # another extreme
        "(roughly a 52-week closing high, above the 200 SMA)",  # says more
    ],
)
def test_a_restatement_in_weeks_that_is_not_plainly_approximate_is_refused(bracket: str) -> None:
    text = (
        f"Buy a close above the highest close of the prior 250 days {bracket}. Sell after 5 bars."
    )
    assert "52-week" in refused(text)


def test_an_approximate_bracket_of_no_extreme_is_refused() -> None:
    assert "weeks" in refused("Buy when RSI(14) < 30 (roughly 3 weeks). Sell after 5 bars.")


def test_strategy_typed_with_a_typo_is_the_word_itself() -> None:
    reads_as(
        "This stratgey only trades from November to March. Buy when RSI(14) < 30. "
        "Sell when RSI(14) > 70.",
        {
            "entry": "all(RSI(14) < 30; month in [nov, dec, jan, feb, mar])",
            "exit": "RSI(14) > 70",
        },
    )


_SMOOTHED = {
    "entry": "EMA(5, RSI(7)) crosses_above 30",
    "exit": "EMA(5, RSI(7)) crosses_below 70",
}


@pytest.mark.parametrize(
    "text",
    [
        "Take RSI 7 and smooth it with a 5 period EMA. Buy when the smoothed RSI crosses above "
        "30, sell when it crosses below 70.",
        "Take RSI(7) and smooth it with a 5 period EMA. Buy when that EMA of the RSI crosses "
        "above 30, sell when it crosses below 70.",
    ],
)
def test_a_smoothed_indicator_declared_with_its_number_after_and_named_by_its_average(
    text: str,
) -> None:
    reads_as(text, _SMOOTHED)


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ("the 9 EMA of the RSI", "smooth"),  # a period of its own: not the declared one
        ("that SMA of the RSI", "RSI"),  # another average
        ("that EMA of the CCI", "CCI"),  # another source
    ],
)
def test_an_average_named_otherwise_is_not_the_declared_one(rule: str, named: str) -> None:
    text = (
        f"Take RSI(7) and smooth it with a 5 period EMA. Buy when {rule} crosses above 30, "
        "sell when it crosses below 70."
    )
    assert named in refused(text)


def test_closed_alone_stays_a_talk_word() -> None:
    text = "I closed the trade early. Buy when RSI(14) < 30. Sell when RSI(14) > 70."
    reads_as(text, {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"})
    assert any("ignored 'I closed the trade early'" in n for n in parse_description(text).warnings)


_SAR = {
    "side": "both",
    "entry": "SMA(10) crosses_above SMA(40)",
    "exit": "SMA(10) crosses_below SMA(40)",
    "short_entry": "SMA(10) crosses_below SMA(40)",
    "short_exit": "SMA(10) crosses_above SMA(40)",
}
_SAR_RULES = "Long when the 10 crosses above the 40, short when the 10 crosses below the 40."


@pytest.mark.parametrize("head", ["SMA 10/40 stop-and-reverse.", "SMA 10/40, stop and reverse."])
def test_a_reversal_said_right_after_the_pair_it_is_of(head: str) -> None:
    reads_as(f"{head} {_SAR_RULES}", _SAR)


def test_each_new_signal_closes_the_old_trade_and_flips_is_the_reversal() -> None:
    reads_as(
        "Long when SMA(10) crosses above SMA(40), short when SMA(10) crosses below SMA(40). "
        "Each new signal closes the old trade and flips.",
        _SAR,
    )


def test_a_reversal_with_no_short_rule_is_refused() -> None:
    assert "no short entry rule" in refused(
        "SMA 10/40 stop-and-reverse. Long when the 10 crosses above the 40. Sell after 5 bars."
    )


def test_the_other_crossing_of_the_pair_named_as_my_sell() -> None:
    reads_as(
        "WMA 5 crossing above WMA 15 is my buy, crossing below is my sell.",
        {"entry": "WMA(5) crosses_above WMA(15)", "exit": "WMA(5) crosses_below WMA(15)"},
    )


def test_a_crossing_of_nothing_named_before_is_refused() -> None:
    assert "Crossing below" in refused(
        "Crossing below is my sell. WMA 5 crossing above WMA 15 is my buy."
    )


@pytest.mark.parametrize("window", ["Trade on Mondays.", "Trade any weekday except Thursday."])
def test_a_sideless_date_window_beside_the_other_sides_entries_is_not_a_long_entry(
    window: str,
) -> None:
    """Found in review: on a short strategy "Trade on Mondays" was read as "enter long on
    Mondays" (and the position reversed); "trade" names no side, so it is refused as beside a
    long strategy's entries."""
    text = f"Short when RSI(14) > 70. Cover when RSI(14) < 50. {window}"
    assert "not an entry signal next to another entry rule" in refused(text)
