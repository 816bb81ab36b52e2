"""A dash after a label is punctuation, not a minus: held-out 15's first run read "macd 8,21,5 —
histogram crosses above 0" as the MACD line less its histogram (h15-011). An em dash is never a
minus, and an indicator named without a line less a bare line name is a label and a dash; a
difference of two named lines still reads."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

HIST = "MACD(8,21,5).macdhist"


def test_an_em_dash_after_a_label_is_punctuation() -> None:
    reads_as(
        "macd 8,21,5 — histogram crosses above 0 → buy, crosses below 0 → sell. daily",
        {"entry": f"{HIST} crosses_above 0", "exit": f"{HIST} crosses_below 0"},
    )


@pytest.mark.parametrize(
    "text",
    [
        # a hyphen: a label and a dash, or the MACD less its histogram? never guessed
        "macd 8,21,5 - histogram crosses above 0 -> buy, crosses below 0 -> sell.",
        # an em dash between two operands is no minus
        "Buy when close — sma(20) > 0. Sell when RSI(14) > 70.",
    ],
)
def test_a_dash_that_may_be_a_minus_is_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when sma(10) - sma(50) > 0, sell when sma(10) - sma(50) < 0.",
            {"entry": "SMA(10) - SMA(50) > 0", "exit": "SMA(10) - SMA(50) < 0"},
        ),
        (
            "Buy when the MACD line - the signal line crosses above 0. Sell when it crosses "
            "below 0.",
            {
                "entry": "MACD(12,26,9).macd - MACD(12,26,9).macdsignal crosses_above 0",
                "exit": "MACD(12,26,9).macd - MACD(12,26,9).macdsignal crosses_below 0",
            },
        ),
    ],
)
def test_differences_of_named_lines_still_read(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)
