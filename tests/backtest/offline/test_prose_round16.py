"""Trader wording learnt in the sixteenth prose round from the refusals of held-out 6, 13, 14,
16 and 17 and the tuning parts, with the near misses that must stay refused. Compared
semantically, in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_BUY = "Buy when RSI(2) < 10."
_RSI = "Sell when RSI(2) > 70."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "Take profit at 2 ATR(14)": a distance (a multiple of an ATR is no price to exit at)
        (
            _BUY + " " + _RSI + " Take profit at 2 ATR(14), stop at 1 ATR(14).",
            {
                "entry": "RSI(2) < 10",
                "exit": "RSI(2) > 70",
                "stop": "1 ATR(14)",
                "target": "2 ATR(14)",
            },
        ),
        (
            _BUY + " " + _RSI + " Stop at 2 ATR(14), target at 4 ATR(14).",
            {
                "entry": "RSI(2) < 10",
                "exit": "RSI(2) > 70",
                "stop": "2 ATR(14)",
                "target": "4 ATR(14)",
            },
        ),
        # "half of the 14-day ATR" in a price
        (
            "Buy when the close is below the 20-day SMA minus half of the 14-day ATR. " + _RSI,
            {"entry": "Close < SMA(20) - 0.5 * ATR(14)", "exit": "RSI(2) > 70"},
        ),
        # "higher than any close of the previous 50 sessions": than all of them
        (
            "Buy when today's close is higher than any close of the previous 50 sessions. " + _RSI,
            {"entry": "Close > MAX(50, Close)[1]", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when the close is below any close of the last 5 days. " + _RSI,
            {"entry": "Close < MIN(5, Close)[1]", "exit": "RSI(2) > 70"},
        ),
        # "a day closes below ...", "today closes above ...": the close
        (
            "Buy when a day closes below the previous day's low while the close is above the "
            "200-day SMA. " + _RSI,
            {"entry": "all(Close < Low[1]; Close > SMA(200))", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when today closes above the 20 sma. " + _RSI,
            {"entry": "Close > SMA(20)", "exit": "RSI(2) > 70"},
        ),
        # "closes higher than it opened"; "finishes above"; "undercuts"; "beats"
        (
            "Buy when today's low undercuts yesterday's low but the close finishes above "
            "yesterday's close. Sell when a day closes higher than it opened.",
            {"entry": "all(Low < Low[1]; Close > Close[1])", "exit": "Close > Open"},
        ),
        (
            _BUY + " Sell when the stock closes lower than it opened.",
            {"entry": "RSI(2) < 10", "exit": "Close < Open"},
        ),
        (
            "Buy when the close beats the prior 20-day high. " + _RSI,
            {"entry": "Close > MAX(20, High)[1]", "exit": "RSI(2) > 70"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a multiple of something other than a price is no target price either
        (_BUY + " " + _RSI + " Target at 2 x RSI(14).", ")"),
        # half of something other than an ATR, or of another day's ATR
        ("Buy when the close is below half of the 20-day SMA. " + _RSI, "SMA"),
        (
            "Buy when the close is below the 20-day SMA minus half of yesterday's ATR(14). " + _RSI,
            "ATR",
        ),
        # "not above any close": not read (is it below all of them, or not above some?)
        ("Buy when the close is not above any close of the last 5 days. " + _RSI, "above any"),
        ("Buy when RSI(2) is above any 30. " + _RSI, "30"),
        # a day does not cross; another day's close against its open is not today's
        ("Buy when a day crosses above the 20 sma. " + _RSI, "crosses above"),
        ("Buy when yesterday closes above the 20 sma. " + _RSI, "closes above"),
        (_BUY + " Sell when a day closes higher than it opened yesterday.", "yesterday"),
        (_BUY + " Sell when a day closes higher than yesterday.", "yesterday"),
        # "finishes" only as a verb of closing
        (_BUY + " Sell when the trade finishes above 5%.", "finishes above"),
    ],
)
def test_near_misses_refused(text: str, named: str) -> None:
    assert named in refused(text)
