"""Definitions of an indicator learnt in prose round 21e: "the MACD line is the 12-period EMA
minus the 26-period EMA; the signal line is a 9-period EMA of the MACD line" read as a check
of MACD(12,26,9) against the standard MACD, a declaration the rules then take, with the near
misses that must stay refused. Compared semantically, in the corpus notation of
tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_LINE = "the MACD line is the 12-period EMA minus the 26-period EMA"
_SIGNAL = "the signal line is a 9-period EMA of the MACD line"
_HIST = "the histogram is the MACD line minus the signal line"
_RULES = (
    " Buy when the MACD line crosses above zero. Sell when the MACD line crosses below its "
    "signal line."
)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            f"Definitions: {_LINE}; {_SIGNAL}." + _RULES,
            {
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
            },
        ),
        (
            f"Definitions: {_LINE}; {_SIGNAL}; {_HIST}." + _RULES,
            {
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
            },
        ),
        # other periods are the settings the rules then take
        (
            "The MACD line is the 8-day EMA minus the 21-day EMA. The signal line is a 5-day EMA "
            "of the MACD line. The histogram is the MACD line minus the signal line. Buy when the "
            "histogram crosses above zero. Sell when the MACD line crosses below its signal line.",
            {
                "entry": "MACD(8,21,5).macdhist crosses_above 0",
                "exit": "MACD(8,21,5).macd crosses_below MACD(8,21,5).macdsignal",
            },
        ),
        (
            "The MACD line is the EMA(12) minus the EMA(26); the signal line is an EMA(9) of the "
            "MACD line. Buy when the MACD line crosses above its signal line.",
            {"entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal"},
        ),
        # the histogram alone: a check with no settings, after a heading on the line before
        (
            "Slide 21 - MACD histogram (12/26/9)\nThe histogram is the MACD line minus the "
            "signal line.\nEntry: the histogram crosses above zero.\n"
            "Exit: the histogram crosses below zero.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
    ],
)
def test_definition_read(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_definition_noted() -> None:
    parsed = parse_description(f"Definitions: {_LINE}; {_SIGNAL}." + _RULES)
    assert (
        f"read '{_LINE}; {_SIGNAL}' as the definition of MACD(12,26,9); it agrees with the "
        "standard MACD"
    ) in parsed.warnings
    parsed = parse_description(
        "The histogram is the MACD line minus the signal line. Buy when the histogram crosses "
        "above zero."
    )
    assert any("definition of the MACD histogram" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    "text",
    [
        # not the standard MACD
        f"Definitions: the MACD line is the 12-period SMA minus the 26-period SMA; {_SIGNAL}."
        + _RULES,
        f"Definitions: the MACD line is the 26-period EMA minus the 12-period EMA; {_SIGNAL}."
        + _RULES,
        f"Definitions: the MACD line is the 12-period EMA minus the 12-period EMA; {_SIGNAL}."
        + _RULES,
        f"Definitions: {_LINE}; the signal line is a 9-period EMA of the close." + _RULES,
        f"Definitions: {_LINE}; the signal line is a 9-period SMA of the MACD line." + _RULES,
        "The histogram is the signal line minus the MACD line. Buy when the histogram crosses "
        "above zero.",
        f"The MACD line is the 12-period EMA of the volume minus the 26-period EMA; {_SIGNAL}."
        + _RULES,
        # one line without the other would leave a setting to guess
        f"Definitions: {_LINE}." + _RULES,
        f"{_SIGNAL}." + _RULES,
        # a line defined twice, a bare "main line"
        f"{_LINE}; {_SIGNAL}; the MACD line is the 8-period EMA minus the 21-period EMA." + _RULES,
        "The main line is the 12-period EMA minus the 26-period EMA; the signal line is a "
        "9-period EMA of the main line." + _RULES,
        # settings the rules or another declaration give differently
        "The MACD line is the 8-day EMA minus the 21-day EMA. The signal line is a 5-day EMA of "
        "the MACD line. Buy when the MACD(12,26,9) line crosses above zero.",
        "Use MACD(12,26,9). The MACD line is the 8-day EMA minus the 21-day EMA. The signal line "
        "is a 5-day EMA of the MACD line. Buy when the MACD line crosses above zero.",
        # a definition no rule uses
        f"{_LINE}; {_SIGNAL}. Buy when RSI(14) crosses above 30.",
    ],
)
def test_definition_near_miss_refused(text: str) -> None:
    refused(text)


_OBV_RULES = (
    " Buy when OBV crosses above its own 20-day simple moving average. Sell when OBV crosses "
    "back below its 20-day simple moving average."
)


@pytest.mark.parametrize(
    "definition",
    [
        "OBV (on-balance volume) adds the day's volume on up days and subtracts it on down days.",
        "OBV adds volume on up days and subtracts volume on down days.",
    ],
)
def test_obv_definition_read(definition: str) -> None:
    reads_as(
        definition + _OBV_RULES,
        {"entry": "OBV crosses_above SMA(20, OBV)", "exit": "OBV crosses_below SMA(20, OBV)"},
    )
    parsed = parse_description(definition + _OBV_RULES)
    assert any(
        "as the definition of OBV" in w and "agrees with the standard OBV" in w
        for w in parsed.warnings
    )


@pytest.mark.parametrize(
    "definition",
    [
        "OBV adds the day's volume on down days and subtracts it on up days.",
        "OBV adds the day's volume on up days and subtracts it on up days.",
        "OBV adds the day's close on up days and subtracts it on down days.",
        "OBV adds the day's volume on up days.",
        "RSI (on-balance volume) adds the day's volume on up days and subtracts it on down days.",
        "OBV adds the day's volume on up weeks and subtracts it on down weeks.",
    ],
)
def test_obv_definition_near_miss_refused(definition: str) -> None:
    refused(definition + _OBV_RULES)
