"""Fail closed: every phrase is placed or named in a short refusal with its exact span."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description


def refuse(text: str) -> DescriptionNotUnderstood:
    with pytest.raises(DescriptionNotUnderstood) as info:
        parse_description(text)
    return info.value


def test_unknown_word_is_named_verbatim_with_its_offsets() -> None:
    text = "Buy when RSI(14) is below 30 and the moon is full"
    error = refuse(text)
    assert error.code == "description_not_understood"
    item = error.unrecognised[0]
    assert text[item["start"] : item["end"]] == item["text"] == "moon"
    assert "price and volume" in item["reason"]
    assert set(error.details) == {
        "unrecognised",
        "suggestions",
        "example",
        "example_source",
        "understood",
    }


def test_a_phrase_repeated_is_named_once_and_highlighted_everywhere() -> None:
    error = refuse("Buy when RSI(14) < 30 to the moon, sell when RSI(14) > 70 to the Moon")
    assert [item["text"] for item in error.unrecognised] == ["moon", "Moon"]
    assert str(error).count("moon") + str(error).count("Moon") == 1


def test_adjacent_unknown_words_are_one_phrase() -> None:
    text = "Buy when RSI is below 30 with flux capacitor alignment"
    item = refuse(text).unrecognised[0]
    assert item["text"] == "flux capacitor alignment"
    assert text[item["start"] : item["end"]] == item["text"]


def test_typo_gets_a_did_you_mean() -> None:
    error = refuse("Buy when RSI is bellowe 30")
    assert (
        "did you mean 'bellow'" in error.unrecognised[0]["reason"]
        or "did you mean" in (error.unrecognised[0]["reason"])
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Go long on bullish RSI divergence", "divergence"),
        ("Buy when the VIX is above 30", "another symbol"),
        ("Buy when price breaks resistance", "support/resistance"),
        ("Buy when RSI < 30. Sell half the position at +5%.", "partial exits"),
        ("Buy when price is above the Ichimoku cloud", "Ichimoku"),
        (
            "Martingale: double the size after every losing trade. Buy when RSI < 30.",
            "previous trades",
        ),
    ],
)
def test_ideas_the_spec_cannot_express_are_refused_with_the_reason(text: str, reason: str) -> None:
    error = refuse(text)
    assert any(reason in item["reason"] for item in error.unrecognised), error.unrecognised


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Exit when RSI > 70", "no entry rule"),
        ("Sell when the price falls below the 20 EMA", "no entry rule"),
        (
            "Buy when RSI is below 30 and MACD is above zero or price is above the 200 SMA",
            "'and' and 'or' are mixed",
        ),
        ("Buy when the fast moving average crosses above the slow one", "periods"),
        ("Buy when RSI is above 70 and RSI is below 30", "can never both be true"),
        ("Buy when the close is above the 20 highest high", ""),
        ("Buy when the close is above the highest high of the last 20 bars including today", ""),
        ("Buy when RSI(1) is below 30", "between 2 and"),
    ],
)
def test_unclear_or_impossible_rules_are_refused(text: str, fragment: str) -> None:
    error = refuse(text)
    reasons = " ".join(item["reason"] for item in error.unrecognised)
    assert fragment in reasons, reasons


@pytest.mark.parametrize(
    "text",
    [
        "Buy when price crosses above the moving average, sell when it crosses back below.",
        "Buy when the close is above the EMA",
        "Buy when RSI(14) is above its SMA",
        "Buy when the WMA is rising",
    ],
)
def test_a_moving_average_without_a_period_is_refused_not_given_a_default(text: str) -> None:
    reasons = " ".join(item["reason"] for item in refuse(text).unrecognised)
    assert "period" in reasons, reasons


def test_a_moving_average_named_before_is_the_one_meant_without_its_period() -> None:
    parsed = parse_description(
        "Buy when the close crosses above the 50-day SMA, sell when it drops below the SMA."
    )
    assert "SMA(50)" in parsed.understood_as
    assert "SMA(20)" not in parsed.understood_as


@pytest.mark.parametrize(
    "text",
    [
        "Buy when price crosses above the 2 moving averages",
        "Buy when price crosses above the two moving averages",
        "Buy when price is above the 50 SMAs",
    ],
)
def test_one_number_before_several_averages_is_refused_not_read_as_a_period(text: str) -> None:
    reasons = " ".join(item["reason"] for item in refuse(text).unrecognised)
    assert "one number for several averages" in reasons, reasons


@pytest.mark.parametrize(
    "text",
    [
        "Buy when price is above both 50 and 200 SMAs",
        "Use two moving averages, a 20-day and a 100-day SMA. Buy when the shorter one crosses "
        "above the longer one.",
    ],
)
def test_a_list_of_periods_or_a_count_followed_by_them_is_still_read(text: str) -> None:
    understood = parse_description(text).understood_as
    assert "SMA(2)" not in understood


@pytest.mark.parametrize(
    "text",
    [
        "Buy when RSI < 30, sell when RSI > 70 (but not on Fridays)",
        "Buy when RSI(14) < 30, sell when RSI(14) > 70 (only long)",
        "Buy when RSI(14) < 30 (in an uptrend), sell when RSI(14) > 70",
        "Buy when RSI(14) < 30 (only in uptrends)",
    ],
)
def test_a_bracket_with_a_rule_word_is_read_never_dropped_as_an_explanation(text: str) -> None:
    refuse(text)  # it does not restate the text, so the description is refused


def test_a_bracket_of_names_and_unknown_words_is_an_explanation_and_is_noted() -> None:
    parsed = parse_description("Buy when MOM(10) > 0 (momentum), sell when MOM(10) < 0")
    assert "ignored the explanation (momentum)" in parsed.warnings


def test_the_message_stays_under_600_characters_naming_whole_phrases() -> None:
    error = refuse(
        "buy when the close is above the upper Donchian channel (20), sell when it is below "
        "the lower Donchian channel (20)"
    )
    assert len(error.message) < 600
    assert error.message.split(" Closest supported")[0].endswith((").", "more."))


@pytest.mark.parametrize(
    "text",
    [
        "On the 5 minute chart, buy when the 10 SMA crosses above the 30 SMA, sell after 2 days",
        "1h chart: buy when the close is above the 20-day high",
        "Weekly chart: buy when RSI(14) < 30, exit after 10 trading days",
    ],
)
def test_days_on_intraday_or_weekly_bars_are_refused_not_counted_as_bars(text: str) -> None:
    reasons = " ".join(item["reason"] for item in refuse(text).unrecognised)
    assert "give them in bars" in reasons, reasons


def test_days_on_a_daily_chart_are_bars() -> None:
    parsed = parse_description("Daily chart: buy when the close is above the 20-day high")
    assert "MAX(20)" in parsed.understood_as


def test_refusal_message_is_short_and_has_one_example_that_parses() -> None:
    error = refuse(
        "Hey guys, I want to buy Tesla when the wibble indicator does the thing and the flibber "
        "crosses the wobble, then sell when the zorp goes up a lot, with a bit of a stop."
    )
    assert len(error.message) < 600
    assert error.example
    parse_description(error.example)  # the example works
    assert error.suggestions
    assert error.details["example_source"] == "closest_construct"


def test_the_example_is_the_users_text_without_unknown_words_when_that_works() -> None:
    error = refuse("Buy Tesla when RSI(14) drops below 30, sell when it rises above 70")
    assert error.example == "Buy when RSI(14) drops below 30, sell when it rises above 70"
    # Said as the user's text without the words, to be checked: a dropped word may matter.
    assert "Without those words it reads:" in error.message
    assert "check that this is still your strategy" in error.message
    assert "Example:" not in error.message
    assert error.details["example_source"] == "your_text_without_those_words"


def test_a_dropped_word_that_changes_the_strategy_is_said_to_be_dropped() -> None:
    error = refuse(  # held-out 4's h4-043: without "weekly" the filter turns daily
        "Only buy when the weekly close is above the weekly 20 EMA; on the daily, buy when "
        "RSI(2) is under 10. Sell when RSI(2) goes above 60."
    )
    assert "'weekly'" in error.message
    assert "weekly" not in error.example
    assert "Without those words it reads:" in error.message
    assert "check that this is still your strategy" in error.message


def test_empty_and_too_long_descriptions_are_refused() -> None:
    assert "empty" in refuse("   ").message
    assert "too long" in refuse("buy when RSI < 30. " * 400).message


@pytest.mark.parametrize(
    "text",
    [
        "Buy at the low of the day and sell at the high of the day.",
        "Buy when RSI(2) < 10 and sell at the high.",
    ],
)
def test_trading_at_the_bars_own_high_or_low_is_refused_as_look_ahead(text: str) -> None:
    reasons = " ".join(item["reason"] for item in refuse(text).unrecognised)
    assert "look-ahead" in reasons


def test_closing_at_the_low_is_still_a_condition() -> None:
    spec = parse_description("Buy when the close is at the low of the day.").spec
    assert spec.rules.entry is not None


@pytest.mark.parametrize(
    "text",
    [
        "Buy on Mondays. Buy when RSI(2) is below 10.",
        "Buy in December. Buy when the close crosses above the 20 EMA.",
    ],
)
def test_a_calendar_window_is_never_an_alternative_entry_trigger(text: str) -> None:
    item = refuse(text).unrecognised[0]
    assert "not an entry signal" in item["reason"]
    assert text[item["start"] : item["end"]] == item["text"]


@pytest.mark.parametrize(
    "text",
    [
        "Use the 20 and 50 EMA. Buy on the golden cross.",
        "Buy when RSI 14, 30 is low",  # a list that is not every parameter
        "Buy when yesterday's 20-day high is below the close",  # one bar further back?
    ],
)
def test_unclear_references_are_refused_not_guessed(text: str) -> None:
    assert refuse(text).unrecognised


def test_open_trades_as_a_noun_is_never_an_entry() -> None:
    """ "Close all open trades on Fridays" must not become "enter on Fridays"."""
    error = refuse("Buy when RSI(2) < 10. Close all open trades on Fridays.")
    assert error.unrecognised


@pytest.mark.parametrize(
    "text",
    [
        "Don't sell when RSI is below 50. Buy when RSI(2) < 10. Sell when RSI(2) > 70.",
        "Never exit when the close is above the 20 SMA. Buy when RSI(2) < 10.",
        "Only sell when RSI(2) > 70. Buy when RSI(2) < 10.",
    ],
)
def test_a_restriction_on_exits_never_restricts_the_entries(text: str) -> None:
    reasons = " ".join(item["reason"] for item in refuse(text).unrecognised)
    assert "holds back an exit" in reasons


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Buy when the 10 EMA crosses above the 20 EMA and 50 EMA.", "50 EMA"),
        ("Buy when the close is above the 20 EMA and the 50 EMA.", "50 EMA"),
        ("Use RSI(14) and the 50 SMA. Buy when RSI < 30.", "50 SMA"),
        ("20/50 EMA crossover. Buy when RSI(2) < 10.", "20/50 EMA"),
        ("Golden cross. Buy when RSI(2) < 10.", "Golden cross"),
    ],
)
def test_a_named_indicator_no_rule_uses_is_refused_not_dropped(text: str, named: str) -> None:
    item = refuse(text).unrecognised[0]
    assert "no rule uses it" in item["reason"]
    assert named in item["text"]


@pytest.mark.parametrize(
    "text",
    [
        "Buy when RSI(2) < 10. Stop 3% above entry.",
        "Short when RSI(2) > 90. Stop 3% below entry.",
    ],
)
def test_a_stop_on_the_wrong_side_of_the_entry_is_refused_not_flipped(text: str) -> None:
    item = refuse(text).unrecognised[0]
    assert "the entry price, not there" in item["reason"]
    assert item["text"].startswith("Stop 3%")
