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
        # a channel's settings in a sentence of their own after the sentence naming it, when
        # the description names one indicator with an ATR multiple (noted)
        (
            "Could you set up a SuperTrend system? ATR period 12, multiplier 2. Go long when "
            "SuperTrend turns up, exit when it turns down.",
            {
                "entry": "SUPERTREND(12,2).direction crosses_above 0",
                "exit": "SUPERTREND(12,2).direction crosses_below 0",
            },
        ),
        (
            "SuperTrend breakout, daily bars. Settings: ATR period 12, multiplier 2. "
            "Buy when SuperTrend flips to bullish. Sell when it flips to bearish.",
            {
                "entry": "SUPERTREND(12,2).direction crosses_above 0",
                "exit": "SUPERTREND(12,2).direction crosses_below 0",
            },
        ),
        # ... and after the channel's name and a colon
        (
            "SuperTrend: ATR period 12, multiplier 3. Buy when SuperTrend flips up. Sell when it "
            "flips down.",
            {
                "entry": "SUPERTREND(12,3).direction crosses_above 0",
                "exit": "SUPERTREND(12,3).direction crosses_below 0",
            },
        ),
        # an exception after the action of a rule said condition first ("when ..., buy,
        # except in december") or on an event ("Long on a ... crossover, except in May"): it
        # holds for the whole rule; "in the months (of) May through October"
        (
            "when adx(14) goes above 25 and the close is above the 100 ema, buy, except in "
            "january. then sell when the close falls under the 100 ema",
            {
                "entry": "all(ADX(14) > 25; Close > EMA(100); month not in [jan])",
                "exit": "Close < EMA(100)",
            },
        ),
        (
            "When RSI(2) < 10, buy, unless ADX(14) > 40 or RSI(14) < 20. " + _RSI,
            {
                "entry": "all(RSI(2) < 10; not(any(ADX(14) > 40; RSI(14) < 20)))",
                "exit": "RSI(2) > 70",
            },
        ),
        (
            "Long on a 10/30 EMA bullish crossover, except in the months June through August. "
            "Close on the bearish crossover.",
            {
                "entry": "all(EMA(10) crosses_above EMA(30); month not in [jun, jul, aug])",
                "exit": "EMA(10) crosses_below EMA(30)",
            },
        ),
        (
            "Buy when RSI(2) < 10 in the months of November through April. " + _RSI,
            {
                "entry": "all(RSI(2) < 10; month in [nov, dec, jan, feb, mar, apr])",
                "exit": "RSI(2) > 70",
            },
        ),
        (
            "Buy when RSI(2) < 10, only in the months June, July and August. " + _RSI,
            {"entry": "all(RSI(2) < 10; month in [jun, jul, aug])", "exit": "RSI(2) > 70"},
        ),
        # "default settings (12 26 9)", "settings: 12, 26, 9": a check of the one indicator
        # with several settings, as "Standard 12/26/9 settings" (never applied)
        (
            "macd histogram turns positive -> buy. turns negative -> sell. default settings "
            "(12 26 9)",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
        (
            "Buy when the MACD histogram turns positive. Sell when it turns negative. Settings "
            "12/26/9.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
        (
            "Buy when the close is below the lower Bollinger band. " + _RSI + " Settings 20, 2.",
            {"entry": "Close < BBANDS(20,2,2).lowerband", "exit": "RSI(2) > 70"},
        ),
        # "simple moving avg", "exponential moving avg": the average said with "avg"
        (
            "Go long when the close crosses above the 50-day simple moving avg. " + _RSI,
            {"entry": "Close crosses_above SMA(50)", "exit": "RSI(2) > 70"},
        ),
        (
            "Go long when the close crosses above the 20 exponential moving avg. " + _RSI,
            {"entry": "Close crosses_above EMA(20)", "exit": "RSI(2) > 70"},
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
        # settings said after the rules, beside two channels, after a sentence that does not
        # name the channel, without the multiple, or with another indicator's setting
        (
            "Buy when SuperTrend flips up. Sell when it flips down. Could you set up a SuperTrend "
            "system? My settings are ATR period 12 and multiplier 2.",
            "no rule uses it",
        ),
        (
            "Could you set up a SuperTrend and Keltner system? ATR period 12, multiplier 2. "
            "Buy when SuperTrend flips up. Sell when the close is below the middle Keltner line.",
            "period",
        ),
        ("Buy when SuperTrend flips up. Sell when it flips down. ATR period 14, multiplier 3.", ""),
        ("Could you set up a SuperTrend system? ATR period 12. Buy when SuperTrend flips up.", ""),
        # a rule's SuperTrend with other settings, or one before them, is another SuperTrend
        (
            "Could you set up a SuperTrend system? ATR period 12, multiplier 2. Buy when "
            "SuperTrend(10,3) flips up. " + _RSI,
            "no rule uses it",
        ),
        (
            "Buy when SuperTrend flips up. ATR period 12, multiplier 2. Sell when it flips down.",
            "no rule uses it",
        ),
        (
            "Could you set up a SuperTrend system? Settings are ATR period 12 and multiplier 2 and "
            "RSI 14. Buy when "
            "SuperTrend flips up. " + _RSI,
            "",
        ),
        # an exception that is no condition, a negated one, and "the months" with no months
        ("when adx(14) goes above 20, buy, except december. " + _RSI, "except"),
        ("when adx(14) goes above 20, buy, except when it is high. " + _RSI, "high"),
        ("when adx(14) goes above 20, buy, unless it is not december. " + _RSI, ""),
        ("Buy when RSI(2) < 10 in the months. " + _RSI, "the months"),
        ("Buy when RSI(2) < 10 in the months after May. " + _RSI, ""),
        # settings that differ from the indicator's, or two numbers after spaces (a pair?)
        (
            "macd histogram turns positive -> buy. turns negative -> sell. default settings "
            "(12 26 10)",
            "match no indicator",
        ),
        (
            "Buy when the 10 SMA crosses above the 30 SMA. Sell when it crosses below. "
            "Settings 10 30.",
            "30",
        ),
        ("Buy when the MACD line crosses above zero. " + _RSI + " Settings (8 17 9).", "match no"),
        # the average's noun left out after its period ("the 200 day") is not read yet
        (
            "Go long when the 50-day simple moving avg crosses above the 200 day, exit when it "
            "crosses back under.",
            "day",
        ),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_unnamed_settings_are_noted() -> None:
    warnings = parse_description(
        "Could you set up a SuperTrend system? ATR period 10, multiplier 3. Buy when SuperTrend "
        "flips up. " + _RSI
    ).warnings
    assert (
        "read 'ATR period 10, multiplier 3' as the settings of SuperTrend, the one indicator "
        "with an ATR multiple named" in warnings
    )
