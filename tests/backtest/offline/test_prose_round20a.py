"""Trader wording learnt in the twentieth prose round (a): who and where a system comes from
(:mod:`Backtest.llm.offline.sources`), set aside with a note, and the near misses that must
stay read or refused. Compared semantically, in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_RSI = ": buy when RSI(14) < 30, sell when RSI(14) > 70."
_RSI_FACTS = {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}


@pytest.mark.parametrize(
    ("text", "expect", "note"),
    [
        # a source phrase: "from" and a source, with what may follow it
        ("From a swing-trading video" + _RSI, _RSI_FACTS, "set aside 'From a swing-trading video'"),
        ("From my book notes" + _RSI, _RSI_FACTS, "set aside 'From my book notes'"),
        ("From a video I liked" + _RSI, _RSI_FACTS, "set aside 'From a video I liked'"),
        (
            "From a day-trading YouTube channel" + _RSI,
            _RSI_FACTS,
            "set aside 'From a day-trading YouTube channel'",
        ),
        (
            "This week's system from the newsletter" + _RSI,
            _RSI_FACTS,
            "set aside 'from the newsletter'",
        ),
        (
            'From Connors & Alvarez, "Short Term Trading Strategies That Work"' + _RSI,
            _RSI_FACTS,
            "set aside 'From Connors & Alvarez, \"Short Term Trading Strategies That Work\"'",
        ),
        # a quoted title after a source is a title, with the rule words in it
        (
            'Summary of the video "The only MACD strategy you need": buy when the MACD line '
            "crosses above the signal line. Sell when the MACD line crosses back below the "
            "signal line.",
            {
                "entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
            },
            "set aside 'Summary of the video \"The only MACD strategy you need\"'",
        ),
        (
            "Video summary (Larry Williams on %R): buy when Williams %R(10) drops below -90, "
            "then sell when it climbs back above -20.",
            {"entry": "WILLR(10) below -90", "exit": "WILLR(10) crosses_above -20"},
            "set aside 'Video summary'",
        ),
        (
            "Wilder's directional movement system from \"New Concepts in Technical Trading "
            'Systems": buy when +DI(14) crosses above -DI(14) and ADX(14) is above 20; sell '
            "when -DI(14) crosses above +DI(14).",
            {
                "entry": "all(PLUS_DI(14) crosses_above MINUS_DI(14); ADX(14) > 20)",
                "exit": "MINUS_DI(14) crosses_above PLUS_DI(14)",
            },
            "set aside 'from \"New Concepts in Technical Trading Systems\"'",
        ),
        # a credit: the name goes, what it credits is read
        (
            "Donald Lambert's CCI(20), the way he published it in 1980: buy when the CCI "
            "crosses above +100 and sell when it crosses back below +100.",
            {"entry": "CCI(20) crosses_above 100", "exit": "CCI(20) crosses_below 100"},
            "without the credit 'Donald Lambert's'",
        ),
        (
            "Chester Keltner's channel: buy when the close breaks above the upper band. Sell "
            "when the close falls below the middle line.",
            {
                "entry": "Close above KELTNER(20,10,2).upper",
                "exit": "Close below KELTNER(20,10,2).middle",
            },
            "without the credit 'Chester'",
        ),
        (
            "Wilder's ADX(14) above 25 and the 20 EMA crosses above the 50 EMA: buy. Sell when "
            "the 20 EMA crosses back below the 50 EMA.",
            {
                "entry": "all(ADX(14) > 25; EMA(20) crosses_above EMA(50))",
                "exit": "EMA(20) crosses_below EMA(50)",
            },
            "without the credit 'Wilder's'",
        ),
        ("Connors-style" + _RSI, _RSI_FACTS, "without the credit 'Connors-style'"),
    ],
)
def test_sources_are_set_aside_and_noted(text: str, expect: dict[str, object], note: str) -> None:
    reads_as(text, expect)
    assert any(note in warning for warning in parse_description(text).warnings)


def test_a_credit_sentence_with_no_rule_word_is_small_talk() -> None:
    text = (
        "Toby Crabel wrote a whole book about this. Buy when RSI(14) < 30, sell when RSI(14) > 70."
    )
    reads_as(text, _RSI_FACTS)
    assert any("Toby Crabel wrote" in w for w in parse_description(text).warnings)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # a word of the source phrase that may place a rule keeps it from being set aside
        ("From the 5-minute video" + _RSI, "video"),
        ("From the Friday email" + _RSI, "email"),
        ("From the daily video" + _RSI, "video"),
        # sentences about the source with rule words are read or refused, never set aside
        (
            "Buy when RSI(14) < 30, sell when RSI(14) > 70. He trades it long only and shows "
            "no stop in the video.",
            "He",
        ),
        ("John Bollinger himself says the bands are not buy and sell signals" + _RSI, "says"),
        (
            "Toby Crabel wrote a whole book on inside days. Buy when RSI(14) < 30, sell when "
            "RSI(14) > 70.",
            "Toby Crabel wrote",
        ),
        # a quote that follows no source is read (here refused), not set aside as a title
        ('"The only MACD strategy you need"' + _RSI, "need"),
        ('From "the only MACD strategy you need"' + _RSI, "need"),
        # a credit drops the name only: what follows is still read or refused
        ("Chuck LeBeau's chandelier exit" + _RSI, "chandelier"),
        ("Buy Connors-style adds when RSI(14) < 30, sell when RSI(14) > 70.", "adds"),
        # a possessive that is no author's name is not a credit ("the Nasdaq's")
        ("Nasdaq's RSI(14) < 30 -> buy. RSI(14) > 70 -> sell.", "Nasdaq's"),
        # a name with no possessive is not a credit
        ("Lambert CCI(20) crosses above 100 -> buy. CCI(20) < 0 -> sell.", "Lambert"),
    ],
)
def test_near_misses_stay_refused(text: str, reason: str) -> None:
    assert reason in refused(text)


def test_a_capitalised_word_before_an_indicator_is_no_first_name() -> None:
    # only an indicator's name in the possessive ("Chester Keltner's channel") is credited
    parsed = parse_description(
        "Tight Bollinger bands (20, 2): buy when the close is below the lower band, sell when "
        "the close is above the middle band."
    )
    assert not any("credit" in warning for warning in parsed.warnings)


def test_a_source_word_run_into_another_word_is_not_a_source() -> None:
    # "post-earnings" is no post: the phrase is left to be read (here refused)
    assert "earnings" in refused("From the post-earnings video" + _RSI)


@pytest.mark.parametrize(
    "text",
    [
        # Wilder's moving average is his smoothing, not the SMA the words alone name
        "Buy when the close crosses above Wilder's moving average (14). Sell when it is below.",
        "Buy when Wilder's smoothing of the close rises. Sell when it falls.",
        # a credit before an indicator the author did not make
        "Buy when Lambert's RSI(14) is below 30. Sell when it is above 70.",
    ],
)
def test_a_credit_that_may_name_an_indicator_of_its_own_is_kept(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when Wilder's RSI(14) is below 30. Sell when it is above 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        (
            "Buy when Appel's MACD(12, 26, 9) line crosses above zero. Sell when it crosses "
            "below zero.",
            {
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below 0",
            },
        ),
    ],
)
def test_a_credit_before_the_authors_own_indicator_is_dropped(
    text: str, expect: dict[str, object]
) -> None:
    reads_as(text, expect)
