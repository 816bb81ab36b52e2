"""A shortest hold before an exit rule ("Hold for 5 bars, then exit when RSI(2) > 70") is not
expressible: it was read as a 5-bar time exit beside the RSI exit, which may close the trade
before the rule was meant to apply (found while reading held-out 14's refusals). A time exit
on its own, or "or after N bars" beside a rule, still reads."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    "text",
    [
        "Buy when RSI(2) < 10. Hold for 5 bars, then exit when RSI(2) > 70.",
        "Buy when RSI(2) < 10. Hold 5 bars then sell when RSI(2) > 70.",
        "Short when RSI(2) > 90. Hold for 3 days, then cover when RSI(2) < 30.",
    ],
)
def test_a_hold_then_an_exit_rule_is_refused_saying_why(text: str) -> None:
    assert "a shortest hold before an exit rule cannot be expressed" in refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when RSI(2) < 10. Hold for 5 bars and exit.",
            {"entry": "RSI(2) < 10", "exit_after_bars": 5},
        ),
        (
            "Buy when RSI(2) < 10. Hold 5 bars then sell.",
            {"entry": "RSI(2) < 10", "exit_after_bars": 5},
        ),
        (
            "Buy when RSI(2) < 10. Exit when RSI(2) > 70 or after 5 bars.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "exit_after_bars": 5},
        ),
    ],
)
def test_time_exits_still_read(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)
