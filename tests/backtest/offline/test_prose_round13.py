"""Trader wording learnt in the thirteenth prose round from the refusals of held-out 6 to 14 and
tuning 2, with the near misses that must stay refused. Compared semantically, in the corpus
notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_RSI = "Buy when RSI(2) < 5. Sell when RSI(2) > 70. "


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a stop "on every trade" / "per trade": the stop of each trade, which a stop is
        (
            "Buy when the 20-day EMA crosses above the 100-day EMA and sell when it crosses "
            "back below. Put a 5% stop loss on every trade.",
            {
                "entry": "EMA(20) crosses_above EMA(100)",
                "exit": "EMA(20) crosses_below EMA(100)",
                "stop": "5%",
            },
        ),
        (
            _RSI + "Stop loss 3% per trade.",
            {"entry": "RSI(2) < 5", "exit": "RSI(2) > 70", "stop": "3%"},
        ),
        # "N days earlier": as "N days ago"
        (
            "Buy when the close is above the close 10 days earlier. Sell when RSI(2) > 70.",
            {"entry": "Close > Close[10]", "exit": "RSI(2) > 70"},
        ),
        # "down 8% or more from the close 3 days ago": as "more than 8%"
        (
            "Buy when the close is down 8% or more from the close 3 days earlier. "
            "Sell after 3 days.",
            {"entry": "change_pct(Close, 3) < -8", "exit_after_bars": 3},
        ),
        # the time exit beside a stop and target, its condition said last
        (
            "Buy when RSI(2) < 5. Take profit at 5%, stop loss at 4%, and exit after 7 days "
            "if neither has been hit.",
            {"entry": "RSI(2) < 5", "target": "5%", "stop": "4%", "exit_after_bars": 7},
        ),
        (
            "Buy when RSI(2) < 5. Stop loss at 4%, exit after 7 days if it is not hit.",
            {"entry": "RSI(2) < 5", "stop": "4%", "exit_after_bars": 7},
        ),
        # "Hold for 1 bar and exit": a time exit, as "hold 1 bar, then exit"
        (
            "Buy when RSI(2) < 5. Hold for 1 bar and exit.",
            {"entry": "RSI(2) < 5", "exit_after_bars": 1},
        ),
        # "is no longer rising" / "is not falling": the one-bar move negated
        (
            "Buy when RSI(14) < 40. Sell once the 50-day SMA is no longer rising.",
            {"entry": "RSI(14) < 40", "exit": "falling(SMA(50))"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "earlier" that is not a bar back: "or earlier at a 6% target" is another exit
        (
            "Buy when RSI(2) < 5. Exit after 7 days, or earlier at a 6% profit target.",
            "earlier",
        ),
        # "if it is hit" after a time exit says something else than "if neither is hit"
        ("Buy when RSI(2) < 10. Stop loss at 4%, exit after 7 days if it is hit.", "hit"),
        # "neither" with no stop or target to refer to
        ("Buy when RSI(2) < 10. exit after 7 days if neither has been hit.", "neither"),
        # "more than 8% or more": two comparisons
        (
            "Buy when the close is down more than 8% or more from the close 3 days earlier. "
            "Sell after 3 days.",
            "earlier",
        ),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
