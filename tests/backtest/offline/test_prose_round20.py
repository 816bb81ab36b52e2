"""Prose round 20 (lead): an arrow after a when-clause, "Filter:" before a whole filter
statement, "never go long" as a side, conditions listed first and "if both are true, buy" after
them, the next bar's open."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_EMA_SHORT = (
    "Short when the 50-day EMA crosses below the 200-day EMA, cover when it crosses back above. "
)
_EMA_LONG = (
    "Buy when the 50-day EMA crosses above the 200-day EMA, sell when it crosses back below. "
)
_ROC = "Buy when ROC(10) crosses above 0, sell when ROC(10) crosses below 0. "


@pytest.mark.parametrize("arrow", ["->", "→", "=>"])
def test_an_arrow_after_a_when_clause_leads_to_its_action(arrow: str) -> None:
    reads_as(
        f"When SuperTrend(10, 3) flips from down to up {arrow} buy. "
        f"When it flips from up to down {arrow} sell.",
        {
            "entry": "SUPERTREND(10,3).direction crosses_above 0",
            "exit": "SUPERTREND(10,3).direction crosses_below 0",
        },
    )


@pytest.mark.parametrize(
    "never", ["Never go long with this one.", "Never go long.", "Never buy.", "No longs."]
)
def test_never_go_long_is_the_short_side_only(never: str) -> None:
    reads_as(
        _EMA_SHORT + never,
        {
            "side": "short",
            "short_entry": "EMA(50) crosses_below EMA(200)",
            "short_exit": "EMA(50) crosses_above EMA(200)",
        },
    )


def test_never_go_long_beside_long_rules_is_refused() -> None:
    assert "short only but also describes long entries" in refused(
        _EMA_LONG + "Never go long with this one."
    )


def test_never_buy_with_a_condition_stays_a_filter() -> None:
    reads_as(
        _EMA_LONG + "Never buy when RSI(14) > 80.",
        {
            "entry": "all(EMA(50) crosses_above EMA(200); RSI(14) <= 80)",
            "exit": "EMA(50) crosses_below EMA(200)",
        },
    )


@pytest.mark.parametrize(
    "rule",
    [
        "Filter: never open a new trade on a Friday.",
        "Filter: no trades on Fridays.",
        "Filter: never buy on a Friday.",
    ],
)
def test_a_filter_label_before_a_whole_filter_statement(rule: str) -> None:
    reads_as(
        _ROC + rule,
        {
            "entry": "all(ROC(10) crosses_above 0; weekday not in [fri])",
            "exit": "ROC(10) crosses_below 0",
        },
    )


def test_a_filter_label_before_a_negated_condition() -> None:
    reads_as(
        _ROC + "Filter: never buy when RSI(14) > 80.",
        {"entry": "all(ROC(10) crosses_above 0; RSI(14) <= 80)", "exit": "ROC(10) crosses_below 0"},
    )


_LISTED = "1. Price must be above the 200-day SMA.\n2. RSI(2) closes under 10.\n"
_BOTH = {"entry": "all(Close > SMA(200); RSI(2) < 10)", "exit": "Close crosses_above SMA(5)"}


@pytest.mark.parametrize(
    "then",
    [
        "3. If 1 and 2 are both true, buy at the next open.",
        "3. Both true → buy at the next open.",
        "3. If both are true, buy.",
        "3. When both conditions are met, buy.",
        "3. Buy when both are true.",
    ],
)
def test_conditions_listed_then_if_both_are_true_buy(then: str) -> None:
    reads_as(f"{_LISTED}{then}\n4. Sell when the close crosses above the 5-day SMA.", _BOTH)


def test_all_conditions_met_takes_every_condition_listed_and_says_so() -> None:
    parsed = parse_description(
        "Price above the 200-day SMA. RSI(2) < 10. Volume above its 20-day average. "
        "When all three conditions are met, go long. Sell when RSI(2) > 70."
    )
    assert parsed.understood_as.startswith(
        "Enter long when Close is above SMA(200) and RSI(2) is below 10 and Volume is above"
    )
    assert (
        "'When all three conditions are met, go long': the 3 conditions listed before it, all "
        "required" in parsed.warnings
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # a count that is not the number listed
        (
            "Price above the 200-day SMA. RSI(2) < 10. Volume above its 20-day average. "
            "If both are true, buy. Sell when RSI(2) > 70.",
            "counts 2 conditions, but 3 are listed before it",
        ),
        # nothing listed without an action
        (
            "Buy when RSI(14) < 30. If both are true, buy. Sell when RSI(14) > 70.",
            "needs the conditions listed before it",
        ),
        # items that are not 1..n
        ("Price above the 200-day SMA. RSI(2) < 10. If 2 and 3 are true, buy.", "are true"),
        # conditions listed and no action for them
        ("Price above the 200-day SMA. RSI(2) < 10. Sell when RSI(2) > 70.", "no action"),
    ],
)
def test_conditions_listed_need_their_action_and_count(text: str, said: str) -> None:
    assert said in refused(text)


@pytest.mark.parametrize(
    "text",
    [
        "When RSI(2) < 10, buy on the next bar's open. Sell when RSI(2) > 70.",
        "When RSI(2) < 10, buy at the open of the next bar. Sell when RSI(2) > 70.",
        "When RSI(2) < 10, buy on the open of the next day. Sell when RSI(2) > 70.",
    ],
)
def test_the_next_bars_open_is_the_fill_every_order_has(text: str) -> None:
    reads_as(text, {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70"})


def test_a_condition_on_the_next_bars_open_stays_refused() -> None:
    assert "next bar" in refused(
        "Buy when the next bar's open is above today's high. Sell when RSI(2) > 70."
    )


_ROC12 = "Buy when ROC(12) crosses above zero, sell when ROC(12) crosses below zero. "


@pytest.mark.parametrize(
    "held_back",
    ["Except in September: no new buys that month.", "In September: no new buys."],
)
def test_the_calendar_first_then_the_entries_it_holds_back(held_back: str) -> None:
    reads_as(
        _ROC12 + held_back,
        {
            "entry": "all(ROC(12) crosses_above 0; month not in [sep])",
            "exit": "ROC(12) crosses_below 0",
        },
    )


def test_the_calendar_first_with_another_period_after_it_is_refused() -> None:
    refused(_ROC12 + "Except in September: no new buys that day.")


_FLIPS = {
    "side": "both",
    "entry": "SUPERTREND(10,3).direction crosses_above 0",
    "exit": "SUPERTREND(10,3).direction crosses_below 0",
    "short_entry": "SUPERTREND(10,3).direction crosses_below 0",
    "short_exit": "SUPERTREND(10,3).direction crosses_above 0",
}


@pytest.mark.parametrize(
    ("long_tail", "short_tail"),
    [
        (" (and close any short)", " (and close any long)"),
        (" and close any short", " and close any long"),
    ],
)
def test_an_entry_that_closes_the_other_side_reverses(long_tail: str, short_tail: str) -> None:
    reads_as(
        f"When SuperTrend(10, 3) flips from down to up → go long{long_tail}. "
        f"When SuperTrend(10, 3) flips from up to down → go short{short_tail}.",
        _FLIPS,
    )


def test_an_entry_that_closes_its_own_side_is_refused() -> None:
    refused(
        "When SuperTrend(10, 3) flips from down to up, go long (and close any long). "
        "When SuperTrend(10, 3) flips from up to down, go short."
    )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy 50 shares when rsi(3) < 15, limit order 1% below the close. sell when rsi(3) "
            "> 60.",
            {
                "entry": "RSI(3) < 15",
                "exit": "RSI(3) > 60",
                "order": "limit Close * 0.99",
                "size": "50 units",
            },
        ),
        (
            "short when rsi(3) > 85, limit order 1% above the close. cover when rsi(3) < 40.",
            {
                "side": "short",
                "short_entry": "RSI(3) > 85",
                "short_exit": "RSI(3) < 40",
                "order": "limit Close * 1.01",
            },
        ),
    ],
)
def test_an_order_after_an_entry_rules_condition_is_the_entrys(
    text: str, expect: dict[str, object]
) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # an exit's order
        "sell when rsi(3) > 60, limit order 1% above the close. buy when rsi(3) < 15.",
        # the other side's order
        "short when rsi(3) > 85, buy limit order 1% below the close. cover when rsi(3) < 40.",
        # a second order for the same entry
        "buy with a limit order 1% below the close when rsi(3) < 15, limit order 2% below the "
        "close. sell when rsi(3) > 60.",
    ],
)
def test_an_order_after_a_rule_that_cannot_take_it_is_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Short when RSI(14) crosses below 70. Stop 2 x ATR(14) above the entry, target 3 x "
            "ATR(14) below it.",
            {
                "side": "short",
                "short_entry": "RSI(14) crosses_below 70",
                "stop": "2 ATR(14)",
                "target": "3 ATR(14)",
            },
        ),
        (
            "Buy when RSI(14) crosses above 30. Stop 2% below the entry, and target 4% above it.",
            {"entry": "RSI(14) crosses_above 30", "stop": "2%", "target": "4%"},
        ),
    ],
)
def test_it_after_a_risk_from_the_entry_is_the_entry(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # the wrong side of a short's entry
        "Short when RSI(14) crosses below 70. Stop 2 x ATR(14) above the entry, target 3 x "
        "ATR(14) above it.",
        # no entry named before "it"
        "Buy when RSI(14) crosses above 30. Stop 2%, target 3% above it.",
    ],
)
def test_it_after_a_risk_that_names_no_entry_or_on_the_wrong_side_is_refused(text: str) -> None:
    refused(text)


_BOTH_RSI2 = (
    " Buy when RSI(2) < 10, sell when RSI(2) > 70. Short when RSI(2) > 90, cover when RSI(2) < 30."
)
_REGIME = {
    "side": "both",
    "entry": "all(RSI(2) < 10; Close > SMA(200))",
    "exit": "RSI(2) > 70",
    "short_entry": "all(RSI(2) > 90; Close < SMA(200))",
    "short_exit": "RSI(2) < 30",
}


@pytest.mark.parametrize(
    "regime",
    [
        "Above the 200-day SMA we only buy, below it we only short.",
        "Only buy above the 200-day SMA and only short below it.",
    ],
)
def test_a_regime_line_restricts_each_side_to_its_side(regime: str) -> None:
    reads_as(regime + _BOTH_RSI2, _REGIME)


@pytest.mark.parametrize(
    "text",
    [
        # both sides of the line for one side, or one side of it for both
        "Only buy above the 200-day SMA and only buy below it." + _BOTH_RSI2,
        "Only buy above the 200-day SMA and only short above it." + _BOTH_RSI2,
        # a line that is no price line
        "Only buy above RSI(2) and only short below it." + _BOTH_RSI2,
        # a condition on short entries with no short rule
        "Only buy above the 200-day SMA and only short below it. Buy when RSI(2) < 10, sell "
        "when RSI(2) > 70.",
        "Only short below the 200-day SMA. Buy when RSI(2) < 10, sell when RSI(2) > 70.",
    ],
)
def test_a_regime_that_cannot_be_meant_is_refused(text: str) -> None:
    refused(text)


def test_a_phrase_wrapped_over_a_line_reads_as_one() -> None:
    reads_as("Above the 200-day SMA we only buy, below it we only\nshort." + _BOTH_RSI2, _REGIME)


def test_a_side_in_a_bracket_after_a_lesson_heading() -> None:
    reads_as(
        "Exercise 9 (long and short)." + _BOTH_RSI2,
        {k: v.split("; Close")[0].removeprefix("all(") for k, v in _REGIME.items()},
    )


def test_a_risk_heading_on_a_slide_is_set_aside() -> None:
    parsed = parse_description(
        "Slide 13 - Risk. Buy when RSI(2) < 10, sell when RSI(2) > 70. Stop loss 2% below the "
        "entry price."
    )
    assert "read 'Slide 13 - Risk' as a lesson heading (no rule in it)" in parsed.warnings


def test_conditions_listed_and_their_action_with_no_other_rule() -> None:
    parsed = parse_description(
        "Price above the 200-day SMA. RSI(2) < 10. If both are true, buy. Stop loss 5%."
    )
    assert parsed.understood_as.startswith(
        "Enter long when Close is above SMA(200) and RSI(2) is below 10."
    )
    assert "no action word: the conditions are read as the long entry" not in parsed.warnings


_MACD_RULES = (
    " Go long when the MACD line crosses above the signal line. Sell when the MACD line crosses "
    "below the signal line."
)


@pytest.mark.parametrize(
    "said",
    [
        "Use the standard 12, 26, 9 settings.",
        "Use the 12/26/9 settings.",
        "Standard 12, 26, 9 settings.",
    ],
)
def test_settings_said_with_use_are_a_check(said: str) -> None:
    reads_as(
        said + _MACD_RULES,
        {
            "entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
            "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
        },
    )


def test_settings_said_with_use_that_differ_are_refused() -> None:
    assert "match no indicator" in refused("Use the 8, 21, 5 settings." + _MACD_RULES)
