"""Rules typed one after another with no comma ("buy when rsi < 30 sell when rsi > 70"), the
commonest way a request is typed into a text box: a side word and "when"/"if" right after an
operand starts the next rule, as a comma would. Anything else stays as it was."""

from __future__ import annotations

import pytest

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
    ],
)
def test_only_a_side_word_with_when_starts_a_rule(text: str) -> None:
    refused(text)
