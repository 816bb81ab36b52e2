"""Rules as they are typed into a text box: one after another with no comma ("buy when rsi < 30
sell when rsi > 70": a side word and "when"/"if" right after an operand starts the next rule, as
a comma would), and with no "when" ("buy rsi<30 sell rsi>70": a side word right before a
comparison), and after a request to the tool ("Create a strategy that buys when ...", set aside
and noted). Anything else stays as it was."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy when rsi < 30 sell when rsi > 70",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        (
            "buy when rsi below 30 sell when above 70",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        (
            "long when close > sma 200 exit when close < sma 200",
            {"entry": "Close > SMA(200)", "exit": "Close < SMA(200)"},
        ),
        (
            "buy when rsi(14) < 30 and close > sma(200) sell when rsi(14) > 70",
            {"entry": "all(RSI(14) < 30; Close > SMA(200))", "exit": "RSI(14) > 70"},
        ),
        (
            "buy when close > upper bollinger band sell when close < middle band",
            {
                "entry": "Close > BBANDS(20,2,2).upperband",
                "exit": "Close < BBANDS(20,2,2).middleband",
            },
        ),
        (
            "short if rsi(2) > 90 cover if rsi(2) < 50",
            {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 50"},
        ),
        (
            "buy when sma 50 is rising sell when it is falling",
            {"entry": "rising(SMA(50))", "exit": "falling(SMA(50))"},
        ),
        ("buy rsi<30 sell rsi>70", {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}),
        ("buy rsi below 30 sell rsi above 70", {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}),
        (
            "long close > sma(200) exit close < sma(200)",
            {"entry": "Close > SMA(200)", "exit": "Close < SMA(200)"},
        ),
        (
            "short rsi 2 > 90 cover rsi 2 < 50",
            {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 50"},
        ),
        (
            "buy rsi(14) < 30 and close > sma 200 sell rsi(14) > 70",
            {"entry": "all(RSI(14) < 30; Close > SMA(200))", "exit": "RSI(14) > 70"},
        ),
        # refused before (a near miss of the fourth prose round, which read one comparison
        # after a side word but no conjunction of them)
        (
            "Buy RSI(2) below 10 and the close above SMA(200).",
            {"entry": "all(RSI(2) < 10; Close > SMA(200))"},
        ),
    ],
)
def test_a_rule_right_after_another_starts_a_new_rule(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # no "when": a side word on its own after a rule is not a new rule
        "buy when rsi < 30 sell 70",
        # the second rule has no condition of its own
        "buy when rsi < 30 sell when",
        # a side word before an indicator that nothing compares
        "buy rsi sell rsi > 70",
        "buy sma 50 sma 200",
    ],
)
def test_only_a_side_word_with_when_starts_a_rule(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "lead_in"),
    [
        (
            "Create a strategy that buys when the 10 EMA crosses above the 20 EMA and sells when "
            "it crosses below",
            "Create a strategy that",
        ),
        ("Write a strategy that buys when RSI < 30 and sells when RSI > 70", "Write a strategy"),
        ("Build a trading bot that buys when RSI < 30 and sells when RSI > 70", "trading bot"),
        ("I want a strategy that buys when RSI < 30 and sells when RSI > 70", "I want a"),
        ("Generate a strategy where we buy when RSI < 30 and sell when RSI > 70", "where we"),
        (
            "Please, can you code up a simple trading bot to buy when RSI < 30 and sell when "
            "RSI > 70?",
            "code up a simple trading bot to",
        ),
    ],
)
def test_a_request_to_the_tool_before_the_rules_is_set_aside_and_noted(
    text: str, lead_in: str
) -> None:
    parsed = parse_description(text)
    noted = [w for w in parsed.warnings if w.endswith("as the request")]
    assert len(noted) == 1
    assert lead_in in noted[0]
    said = noted[0].removeprefix("read '").removesuffix("' as the request")
    rules = " ".join(text.split()).removeprefix(said).strip()
    rules = rules.replace("buys", "buy").replace("sells", "sell")
    assert parsed.understood_as == parse_description(rules).understood_as


@pytest.mark.parametrize(
    "text",
    [
        # words that may change the strategy are never part of the request
        "Create a pyramiding strategy that buys when RSI < 30",
        # ("an intraday long strategy" is read: long only, see test_prose_round16.py)
        "Make me an intraday long/short strategy on 5-minute bars: buy when RSI < 30",
        "Create a strategy that never buys when RSI < 30",
        "Create a strategy for AAPL that buys when RSI < 30",
    ],
)
def test_a_request_with_other_words_is_not_set_aside(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when RSI(14) is under 30 on two consecutive days, sell when RSI(14) > 50",
            {"entry": "for_bars(RSI(14) < 30, 2)", "exit": "RSI(14) > 50"},
        ),
        (
            "Buy when the close is above the 20 SMA on 3 straight days",
            {"entry": "for_bars(Close > SMA(20), 3)"},
        ),
        # "DI+" / "DI-" typed after the name, as "+DI" / "-DI" before it
        (
            "Enter long when ADX(14) > 25 and DI+ > DI-. Exit when ADX < 20.",
            {"entry": "all(ADX(14) > 25; PLUS_DI(14) > MINUS_DI(14))", "exit": "ADX(14) < 20"},
        ),
    ],
)
def test_other_ways_requests_are_typed(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_on_a_number_of_days_without_a_row_is_refused() -> None:
    refused("Buy when the close is above the 20 SMA on 3 days")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a setting typed straight after a rule, followed by its value
        (
            "buy when rsi < 30 sell when rsi > 70 sl 2% tp 4%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "2%", "target": "4%"},
        ),
        (
            "buy when rsi < 30 sell when rsi > 70 trailing stop 3%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "trailing": "3%"},
        ),
        (
            "buy when close > ema 20 exit when close drops under the 20 ema stop 2 atr",
            {"entry": "Close > EMA(20)", "exit": "Close below EMA(20)", "stop": "2 ATR(14)"},
        ),
        (
            "buy when rsi < 30 sell when rsi > 70 size 50%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "size": "50%"},
        ),
        ("Buy when the close > 20 sma sl 3%", {"entry": "Close > SMA(20)", "stop": "3%"}),
        # words of a request that may change the strategy are read, not set aside
        ("Create a long-only strategy that buys when RSI < 30", {"entry": "RSI(14) < 30"}),
        (
            "Can you build a short-only strategy? Short when RSI(2) > 90, cover when RSI(2) < 50.",
            {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 50"},
        ),
    ],
)
def test_settings_and_requests_typed_with_the_rules(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # a setting word with no value of its own after a rule
        "buy when rsi < 30 sell when rsi > 70 sl",
        "buy when rsi < 30 sell when rsi > 70 stop loss at",
    ],
)
def test_a_setting_word_without_its_value_is_refused(text: str) -> None:
    refused(text)
