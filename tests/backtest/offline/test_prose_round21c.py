"""The teaching voice learnt in prose round 21c: the lesson around the rules (labels,
headings, a teacher's instruction), with the near misses that must stay refused. Compared
semantically, in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_RSI = "buy when RSI(14) < 30, sell when RSI(14) > 70."
_RSI_FACTS = {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a label before a colon, a dash or a comma: set aside, the rest read
        ("Mentor's note to Alex: " + _RSI, _RSI_FACTS),
        ("Note for the group: " + _RSI, _RSI_FACTS),
        ("Textbook, chapter 6 exercise: " + _RSI, _RSI_FACTS),
        ("Q: how do I code it? A: " + _RSI, _RSI_FACTS),
        ("Remember that you " + _RSI, _RSI_FACTS),
        # the words after a label are rules: read
        (
            "Homework, short side only: short when Williams %R(14) crosses below -20, and "
            "cover when it crosses below -80.",
            {
                "side": "short",
                "short_entry": "WILLR(14) crosses_below -20",
                "short_exit": "WILLR(14) crosses_below -80",
            },
        ),
        ("Exercise 3: a mean-reversion system on daily bars, long only. " + _RSI, _RSI_FACTS),
        # a heading: the whole sentence, or a topic of plain words
        ("Exercise 12. " + _RSI, _RSI_FACTS),
        ("Coach's homework sheet, week 6. " + _RSI, _RSI_FACTS),
        ("Mentor notes: fading stretched moves. " + _RSI, _RSI_FACTS),
        ("Slide 4 - the basics\n* " + _RSI, _RSI_FACTS),
        # a heading's bracket is read like any other: an explanation, or a bar size
        ("Exercise 6 (momentum). " + _RSI, _RSI_FACTS),
        (
            "Day-trading lesson 5 (15-minute bars). Go long when the 8 EMA crosses above the "
            "21 EMA. Exit when the 8 EMA crosses back below the 21 EMA.",
            {"entry": "EMA(8) crosses_above EMA(21)", "exit": "EMA(8) crosses_below EMA(21)"},
        ),
        # an indicator a heading names stays, as a declaration the rules agree with
        (
            "Money Flow Index lesson. Buy when MFI drops below 20 and sell when it rises above 80.",
            {"entry": "MFI(14) < 20", "exit": "MFI(14) > 80"},
        ),
        (
            "Slide 21 - MACD histogram (12/26/9)\nEntry: the histogram crosses above zero.\n"
            "Exit: the histogram crosses below zero.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
        # a teacher's instruction before what it names
        (
            "Lesson 1 homework: code the classic golden cross. Buy when the 50-day SMA crosses "
            "above the 200-day SMA, and sell when the 50-day SMA crosses back below the "
            "200-day SMA.",
            {"entry": "SMA(50) crosses_above SMA(200)", "exit": "SMA(50) crosses_below SMA(200)"},
        ),
        (
            "Compute the 10-day Rate of Change. Buy when ROC(10) crosses above zero; sell when "
            "it crosses below zero.",
            {"entry": "ROC(10) crosses_above 0", "exit": "ROC(10) crosses_below 0"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_the_lesson_is_noted() -> None:
    warnings = parse_description(
        "Coach's homework sheet, week 6. Mentor's note to Alex: code the classic golden cross. "
        "Buy when the 50-day SMA crosses above the 200-day SMA, and sell when the 50-day SMA "
        "crosses back below the 200-day SMA."
    ).warnings
    assert "read 'Coach's homework sheet, week 6' as a lesson heading (no rule in it)" in warnings
    assert "read 'Mentor's note to Alex:' as a lesson label" in warnings
    assert "set aside 'code' (the lesson's instruction); what it names is read" in warnings
    warnings = parse_description(
        "Money Flow Index lesson. Buy when MFI drops below 20 and sell when it rises above 80."
    ).warnings
    assert (
        "read 'Money Flow Index lesson' as a lesson heading; 'Money Flow Index' in it is read "
        "as the indicator the rules use" in warnings
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a label word after a word that may place a rule: not a label
        ("Short lesson: " + _RSI, "lesson"),
        # the words after a label are read: a side that clashes with the rules
        (
            "Exercise 3: long only. Short when RSI(2) > 95, cover when RSI(2) < 50.",
            "long only",
        ),
        # a heading's bracket that may place a rule is read, and refused
        ("Study group recap (Thursday). " + _RSI, "Thursday"),
        # a heading's topic with rule words is read, and refused
        ("Lesson 10: the inside day breakout. " + _RSI, ":"),
        # what an instruction names must be what the rules use
        (
            "Lesson 1 homework: code the classic golden cross. Buy when the 20-day SMA crosses "
            "above the 100-day SMA, and sell when it crosses back below.",
            "SMA(50) is named",
        ),
        (
            "Compute the 10-day Rate of Change. Buy when ROC(12) crosses above zero; sell when "
            "it crosses below zero.",
            "ROC(10) is named",
        ),
        # an indicator a heading names that no rule uses
        ("Money Flow Index lesson. " + _RSI, "MFI"),
        # a remark after "Remember" is read, and refused
        ("Remember that CCI swings around zero. " + _RSI, "swings"),
    ],
)
def test_near_misses_stay_refused(text: str, named: str) -> None:
    assert named in refused(text)


_EMA_UP = "Buy when the close is above the 20-day EMA. "


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a restatement after a comma or a dash, checked to say the same as the rule
        (
            _EMA_UP + "Sell when the 20-day EMA is no longer rising, meaning it is lower than it "
            "was the day before.",
            {"entry": "Close > EMA(20)", "exit": "falling(EMA(20))"},
        ),
        (
            "Buy when the close is more than 5% below the 20-day SMA - in code, close < SMA(20) "
            "x 0.95. Sell when the close is above the 20-day SMA.",
            {"entry": "Close < SMA(20) * 0.95", "exit": "Close > SMA(20)"},
        ),
        (
            "Buy when RSI(14) is below 30, that is, RSI(14) < 30. Sell when RSI(14) is above 70.",
            _RSI_FACTS,
        ),
    ],
)
def test_restatements_read(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_a_restatement_of_one_atr_above() -> None:
    parsed = parse_description(
        "Buy when the close is more than one ATR(14) above the 20-day SMA (a strong push) - in "
        "other words, the close is greater than SMA(20) + ATR(14). Sell when the close is below "
        "the 20-day SMA."
    )
    assert parsed.understood[0] == "Enter long when Close is above SMA(20) + (1 * ATR(14))."


def test_a_restatement_is_noted() -> None:
    warnings = parse_description(
        _EMA_UP + "Sell when the 20-day EMA is no longer rising, meaning it is lower than it was "
        "the day before."
    ).warnings
    assert (
        "read 'meaning it is lower than it was the day before' as a restatement of the rule "
        "before it, checked to say the same" in warnings
    )
    assert (
        "read the rule on '20-day EMA is no longer rising' as its restatement 'it is lower than "
        "it was the day before' says (a bar with no change does not count)" in warnings
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a restatement that says something else is refused, never dropped
        (
            _EMA_UP + "Sell when the 20-day EMA is no longer rising, meaning it is higher than "
            "it was the day before.",
            "says something else",
        ),
        (
            _EMA_UP + "Sell when the 20-day EMA is no longer rising, meaning the 50-day EMA is "
            "lower than it was the day before.",
            "says something else",
        ),
        (
            "Buy when the close is more than 5% below the 20-day SMA - in code, close < SMA(20) "
            "x 0.90. Sell when the close is above the 20-day SMA.",
            "says something else",
        ),
        (
            "Buy when the close is more than one ATR(14) above the 20-day SMA - in other words, "
            "the close is greater than SMA(20) + ATR(10). Sell when the close is below the "
            "20-day SMA.",
            "says something else",
        ),
        (
            "Buy when RSI(14) is below 30, that is, RSI(14) < 25. Sell when RSI(14) is above 70.",
            "says something else",
        ),
        # a restatement that is no condition is refused
        (
            "Buy when RSI(14) is below 30, meaning the market is scared. Sell when RSI(14) is "
            "above 70.",
            "scared",
        ),
    ],
)
def test_restatements_that_differ_stay_refused(text: str, named: str) -> None:
    assert named in refused(text)
