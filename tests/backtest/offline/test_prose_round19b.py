"""Trader wording learnt in the nineteenth prose round (b) from the refusals of held-out 7, 8,
10, 11, 13, 15, 17, 18 and 19, with the near misses that must stay refused (or keep their old
reading). Compared semantically, in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_RSI = "Sell when RSI(2) > 70."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "SuperTrend turns up / turns down": its trend flips (as "flips up"), never its line
        # rising on the bar (the line jumps to the other side of the price when it flips)
        (
            "Go long when SuperTrend turns up and short when it turns down, always in the market.",
            {
                "side": "both",
                "entry": "SUPERTREND(10,3).direction crosses_above 0",
                "exit": "SUPERTREND(10,3).direction crosses_below 0",
                "short_entry": "SUPERTREND(10,3).direction crosses_below 0",
                "short_exit": "SUPERTREND(10,3).direction crosses_above 0",
            },
        ),
        (
            "Buy when SuperTrend(12,3) turns back up. Sell when it turns down.",
            {
                "entry": "SUPERTREND(12,3).direction crosses_above 0",
                "exit": "SUPERTREND(12,3).direction crosses_below 0",
            },
        ),
        # ... and any other line's turn, the SuperTrend line's, or a motion, as before
        (
            "Buy when the 20 SMA turns up. Sell when it turns down.",
            {
                "entry": "rising(SMA(20))",
                "exit": "falling(SMA(20))",
            },
        ),
        (
            "Buy when the SuperTrend line turns up. " + _RSI,
            {
                "entry": "rising(SUPERTREND(10,3).line)",
                "exit": "RSI(2) > 70",
            },
        ),
        (
            "Buy when SuperTrend is rising. " + _RSI,
            {
                "entry": "rising(SUPERTREND(10,3).line)",
                "exit": "RSI(2) > 70",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_a_supertrend_turn_is_noted() -> None:
    warnings = parse_description("Buy when SuperTrend\nturns up. " + _RSI).warnings
    assert "read 'SuperTrend turns up' as SuperTrend's direction turning up" in warnings


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Buy when SuperTrend turns up for 3 days. " + _RSI, "turns on one bar"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
