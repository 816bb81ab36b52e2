"""Trader wording learnt in the twenty-first prose round (d), rules said as a teacher (or a
config file) says them: sides said with a verb or a noun ("Keep it long only", "No long
trades"), a side's exit ("Close a long when ..."), a stop said of one side's entry, a trailing
stop after "buy to cover", "Exit 5 bars after entry", "size 200 shares"; with the near misses
that must stay refused. Compared semantically, in the corpus notation of
tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_LONG = "Buy when RSI(2) < 10, sell when RSI(2) > 50. "
_LONG_EXPECT = {"entry": "RSI(2) < 10", "exit": "RSI(2) > 50"}
_SHORT = "Short when RSI(2) > 90. Cover when RSI(2) < 50. "
_SHORT_EXPECT = {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 50"}


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # sides said with a verb or a noun
        (_LONG + "Long trades only.", _LONG_EXPECT),
        (_LONG + "Keep it long only.", _LONG_EXPECT),
        (_LONG + "Don't take the short side of this setup.", _LONG_EXPECT),
        (_SHORT + "No long trades.", _SHORT_EXPECT),
        (_SHORT + "Trade the short side only.", _SHORT_EXPECT),
        (_SHORT + "Short trades only.", _SHORT_EXPECT),
        (_SHORT + "Short only - don't take the long side of this setup.", _SHORT_EXPECT),
        # a side's exit
        (
            _LONG + "Close a long when RSI(2) > 80.",
            {"entry": "RSI(2) < 10", "exit": "any(RSI(2) > 50; RSI(2) > 80)"},
        ),
        (
            "Buy when RSI(2) < 10. Short when RSI(2) > 90. Close a long when RSI(2) > 50; "
            "close a short when RSI(2) < 50.",
            {
                "side": "both",
                "entry": "RSI(2) < 10",
                "exit": "RSI(2) > 50",
                "short_entry": "RSI(2) > 90",
                "short_exit": "RSI(2) < 50",
            },
        ),
        # a stop said of the short's entry, on a short-only strategy
        (
            "Short when the close is above the upper Bollinger band (20, 2). Cover when the "
            "close is back below the middle band. Stop 3% above your short entry, target 5%. "
            "Short only - don't take the long side of this setup.",
            {
                "side": "short",
                "short_entry": "Close > BBANDS(20,2,2).upperband",
                "short_exit": "Close below BBANDS(20,2,2).middleband",
                "stop": "3%",
                "target": "5%",
            },
        ),
        (_LONG + "Stop 3% below your long entry.", {**_LONG_EXPECT, "stop": "3%"}),
        # a trailing stop after the exit's verb
        (
            "Sell short when the close is below the lowest close of the previous 30 days. Buy "
            "to cover with a trailing stop of 2.5 ATR(14). No long trades.",
            {
                "side": "short",
                "short_entry": "Close < MIN(30, Close)[1]",
                "trailing": "2.5 ATR(14)",
            },
        ),
        (
            "Buy when RSI(2) < 10, sell with a trailing stop of 5%.",
            {"entry": "RSI(2) < 10", "trailing": "5%"},
        ),
        # a time exit counted from the entry; a size of shares after "size"
        (
            "Buy when the close crosses above SMA(20). Exit 5 bars after entry. Stop loss 2%.",
            {"entry": "Close crosses_above SMA(20)", "exit_after_bars": 5, "stop": "2%"},
        ),
        (
            "Go long when the 8 EMA crosses above the 21 EMA. Exit when the 8 EMA crosses back "
            "below the 21 EMA. Stop 0.75%, size 200 shares.",
            {
                "entry": "EMA(8) crosses_above EMA(21)",
                "exit": "EMA(8) crosses_below EMA(21)",
                "stop": "0.75%",
                "size": "200 units",
            },
        ),
        # "Use 14 periods": a check of the one indicator's period (never sets it)
        (
            "Use 14 periods. Buy when MFI drops below 20 and sell when it rises above 80. "
            "Trade 50 shares, with a stop 6% below the entry price.",
            {"entry": "MFI(14) < 20", "exit": "MFI(14) > 80", "size": "50 units", "stop": "6%"},
        ),
        # a stochastic's settings by name, in any order: a check, as "(14,3,3)"
        (
            "Settings: %K 14, slowing 3, %D 3. BUY: %K crosses above %D while %K is below 20. "
            "SELL: %K crosses below %D while %K is above 80. Long trades only. Stop loss: 2 x "
            "ATR(14) below the entry price.",
            {
                "entry": "all(STOCH(14,3,3).slowk crosses_above STOCH(14,3,3).slowd; "
                "STOCH(14,3,3).slowk < 20)",
                "exit": "all(STOCH(14,3,3).slowk crosses_below STOCH(14,3,3).slowd; "
                "STOCH(14,3,3).slowk > 80)",
                "stop": "2 ATR(14)",
            },
        ),
        (
            "Settings: %K 5, %D 3, slowing 3. Buy when Stochastic(5,3,3) %K crosses above %D. "
            "Sell when %K crosses below %D.",
            {
                "entry": "STOCH(5,3,3).slowk crosses_above STOCH(5,3,3).slowd",
                "exit": "STOCH(5,3,3).slowk crosses_below STOCH(5,3,3).slowd",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a stop said of one side's entry, with the other side (or both) traded
        (_SHORT + _LONG + "Stop 3% above your short entry.", "short entry"),
        (_LONG + "Stop 3% above your short entry.", "short entry"),
        (_SHORT + "Stop 3% below your short entry. Short only.", "short position's stop"),
        # the side said twice, disagreeing; a side against the rules
        (_LONG + "Long only - don't take the long side of this setup.", "take the long side"),
        (_LONG + "Don't go long.", "short only"),
        ("Buy when RSI(2) < 10. Keep it short only.", "short only"),
        (_SHORT + "Close a long when RSI(2) < 50.", "exit"),
        # a time exit after something other than the entry
        (_LONG + "Exit 5 bars after the cross.", "cross"),
        (_LONG + "Exit 5 bars after exit.", "exit"),
        # a period that disagrees with the indicator's, or with several indicators
        ("Use 10 periods. Buy when MFI drops below 20 and sell when it rises above 80.", "Use 10"),
        ("Use 14 periods. Buy when MFI(10) < 20 and sell when MFI(10) > 80.", "Use 14"),
        (
            "Use 14 periods. Buy when RSI(14) < 30 and the close is above SMA(200). Sell when "
            "RSI(14) > 70.",
            "Use 14",
        ),
        # stochastic settings that match no stochastic used, or are incomplete / repeated
        (
            "Settings: %K 5, slowing 3, %D 3. Buy when %K crosses above %D. Sell when %K crosses "
            "below %D.",
            "match no indicator",
        ),
        (
            "Settings: %K 14, slowing 3, %D 3. Buy when RSI(14) < 30. Sell when RSI(14) > 70.",
            "match no indicator",
        ),
        (
            "Settings: %K 14, slowing 3. Buy when %K crosses above %D. Sell when %K crosses below "
            "%D.",
            "could not place",
        ),
        (
            "Settings: %K 14, %K 3, %D 3. Buy when %K crosses above %D. Sell when %K crosses below "
            "%D.",
            "could not place",
        ),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_use_periods_is_noted() -> None:
    parsed = parse_description("Use 14 periods. Buy when RSI < 30. Sell when RSI > 70.")
    assert any("'Use 14 periods' read as a check" in w and "RSI(14)" in w for w in parsed.warnings)
