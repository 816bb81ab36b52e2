"""When the parser cannot build the described strategy it says so, and says what it read."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description


def refuse(text: str) -> DescriptionNotUnderstood:
    with pytest.raises(DescriptionNotUnderstood) as info:
        parse_description(text)
    return info.value


def test_nonsense_condition_is_refused_with_examples() -> None:
    error = refuse("buy when the moon is full")
    assert error.code == "description_not_understood"
    assert error.examples  # phrasings that do work
    assert any("moon" in item for item in error.unrecognised)
    assert set(error.details) == {"understood", "unrecognised", "examples"}


def test_partly_understood_description_lists_what_was_understood() -> None:
    error = refuse("buy when RSI is below 30 and the moon is full")
    assert any("RSI(14) is below 30" in line for line in error.understood)
    assert any("moon" in item for item in error.unrecognised)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("OBV rises above its 20-day average", "indicator of an indicator"),
        ("buy when price is 2% above the 50 SMA", "arithmetic"),
        ("buy when volume is 2x its 20-day average", "arithmetic"),
        ("Buy when VWAP crosses above price", "VWAP"),
        ("Buy when the close is above the upper Keltner channel", "Keltner"),
        ("Go long on bullish RSI divergence", "divergence"),
        ("buy when RSI(14) < 30 and sell after 10 days", "time-based"),
        ("Buy when RSI < 30 and price breaks resistance", "support/resistance"),
        ("buy when the VIX is above 30", "one symbol"),
    ],
)
def test_inexpressible_ideas_are_refused_with_the_reason(text: str, reason: str) -> None:
    error = refuse(text)
    assert any(reason in item for item in error.unrecognised), error.unrecognised


@pytest.mark.parametrize(
    "text",
    ["Exit when RSI > 70", "2% stop loss and 5% take profit", "Sell when RSI hits 80", ""],
)
def test_no_entry_rule_is_refused(text: str) -> None:
    error = refuse(text)
    assert error.message


def test_either_as_a_vague_subject_is_refused_rather_than_guessed() -> None:
    error = refuse("buy when MACD is positive and RSI is above 50; sell when either turns negative")
    assert any("either" in item for item in error.unrecognised)


def test_out_of_range_parameter_is_refused_with_the_registry_message() -> None:
    error = refuse("buy when RSI(1) is below 30")
    assert any("RSI" in item and "between" in item for item in error.unrecognised)


def test_stray_words_next_to_good_rules_are_reported_as_warnings() -> None:
    parsed = parse_description("Buy SPY when RSI is below 30 in an uptrend")
    assert any("uptrend" in warning for warning in parsed.warnings)


def test_leading_title_is_ignored_with_a_warning() -> None:
    parsed = parse_description("Squeeze play: buy when RSI is below 30")
    assert any("title" in warning for warning in parsed.warnings)
    assert parsed.spec.rules.entry is not None


def test_too_long_description_is_refused() -> None:
    assert "too long" in refuse("buy when RSI < 30. " * 400).message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("buy when RSI is above 50 and RSI is below 50", "never both be true"),
        ("buy when MFI is above the 20 day SMA", "different scales"),
        ("buy when the 20 EMA turns positive", "compares a price"),
        ("buy when RSI < 30 the ADX", "not part of any comparison"),
    ],
)
def test_garbled_rules_are_refused_not_turned_into_a_strategy(text: str, reason: str) -> None:
    error = refuse(text)
    assert any(reason in item for item in error.unrecognised), error.unrecognised


def test_restating_the_indicator_after_the_rule_is_fine() -> None:
    assert parse_description("buy when the RSI is below 30 (RSI 14)").spec.rules.entry is not None
