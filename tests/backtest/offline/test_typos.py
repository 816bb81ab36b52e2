"""Hurried typos of the parser's own words are read as the word meant and said in warnings; an
English word, a ticker, a plural, filler or a typo of two words is never "corrected"."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from Backtest.llm.offline.lexer import lex
from Backtest.llm.offline.typos import meant
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("bolinger", "bollinger"),
        ("midle", "middle"),
        ("avarage", "average"),  # also one edit from the known misspelling "avrage"
        ("ovesold", "oversold"),
        ("overbougt", "overbought"),
        ("histogran", "histogram"),
        ("sginal", "signal"),
        ("exponetial", "exponential"),
        ("weigthed", "weighted"),
        ("movign", "moving"),
        ("trailling", "trailing"),
        ("abvoe", "above"),
        ("belwo", "below"),
        ("volumn", "volume"),
        ("fridy", "friday"),
    ],
)
def test_a_typo_of_one_known_word_is_that_word(typed: str, word: str) -> None:
    assert meant(typed, typed) == word


@pytest.mark.parametrize(
    "typed",
    [
        "sitting",  # an English word, one edit from "setting"
        "bellow",  # an English word, one edit from "below"
        "fills",  # an English word, one edit from "falls"
        "emas",  # the plural of a known word is no typo
        "crosed",  # "closed" or "crossed"
        "zscore",  # nothing one edit away
        "stopp",  # "stop" or "stops"
    ],
)
def test_other_unknown_words_are_not_guessed(typed: str) -> None:
    assert meant(typed, typed) is None


def test_a_ticker_is_not_a_typo() -> None:
    assert meant("shrot", "shrot") == "short"
    assert meant("shrot", "SHROT") is None


def test_a_typo_between_two_words_is_read_by_the_phrase_it_makes() -> None:
    # "traling" is one edit from "trailing" and from "trading": only one makes a phrase here
    assert meant("traling", "traling", "10%", "stop") == "trailing"
    assert meant("traling", "traling") is None


def test_a_description_with_typos_reads_and_says_each_one() -> None:
    text = (
        "buy when price closes above the upper bolinger band (20,2) and volume is above its 20 "
        "day avarage. sell when price closes back below the midle band"
    )
    reads_as(
        text,
        {
            "entry": "all(Close above BBANDS(20,2,2).upperband; Volume > SMA(20, Volume))",
            "exit": "Close below BBANDS(20,2,2).middleband",
        },
    )
    warnings = parse_description(text).warnings
    for typed, word in (("bolinger", "bollinger"), ("avarage", "average"), ("midle", "middle")):
        assert f"read '{typed}' as '{word}' (a typo?)" in warnings


def test_a_typo_that_changes_the_side_is_said() -> None:
    parsed = parse_description("shrot when rsi(14) is above 70, cover when it is below 50")
    assert parsed.spec.side == "short"
    assert "read 'shrot' as 'short' (a typo?)" in parsed.warnings


def test_words_that_are_not_typos_are_still_refused_with_a_guess() -> None:
    said = refused("buy when rsi(14) is below 30 and the close is sitting above the 200 sma")
    assert "sitting" in said
    assert "did you mean 'setting'" in said


def test_the_chat_editor_lexes_without_reading_typos() -> None:
    assert [lx.kind for lx in lex("bolinger")] == ["UNKNOWN"]
    assert [lx.kind for lx in lex("bolinger", typos=True)] == ["IND"]


def test_a_misspelling_known_inside_one_phrase_is_a_typo_elsewhere() -> None:
    # "moving averge" is a phrase of the vocabulary; "its 20 day averge" is a typo like any other
    parsed = parse_description("buy when volume is above its 20 day averge")
    assert "read 'averge' as 'average' (a typo?)" in parsed.warnings
    assert not any(
        "a typo" in w for w in parse_description("buy when the 20 day moving averge rises").warnings
    )


def test_a_word_inside_a_known_phrase_is_never_a_typo() -> None:
    # "in favour of" is a phrase: the British spelling is no typo there
    text = "Only buy when the trend is in favour of longs: close above the 200 sma, rsi(2) < 10"
    assert [t for lx in lex(text, typos=True) for t in lx.extra.get("typos", ())] == []
