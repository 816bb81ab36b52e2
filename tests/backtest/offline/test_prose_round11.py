"""Trader wording learnt in the eleventh prose round from the refusals of held-out 6 to 12 and
tuning 2, with the near misses that must stay refused. Compared semantically, in the corpus
notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_RSI = "Buy when RSI(2) < 5. Sell when RSI(2) > 70. "


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "1d candles": the daily bar size, as "daily candles"
        (
            "rsi under 30 -> buy, rsi over 65 -> sell. 1d candles",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 65"},
        ),
        # "take new entries" / "take the entry": the entering verb
        (
            _RSI + "Don't take new entries in December.",
            {"entry": "all(RSI(2) < 5; month not in [dec])", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when RSI(2) < 5. Only take the entry if ADX(14) is above 20. "
            "Sell when RSI(2) > 70.",
            {"entry": "all(RSI(2) < 5; ADX(14) > 20)", "exit": "RSI(2) > 70"},
        ),
        # "if that comes first": as "whichever comes first"
        (
            "Short when MFI(14) > 85. Cover when the MFI drops below 40, or after 8 days if "
            "that comes first",
            {
                "side": "short",
                "short_entry": "MFI(14) > 85",
                "short_exit": "MFI(14) < 40",
                "exit_after_bars": 8,
            },
        ),
        # "turns back up", "starts falling": rising / falling, as "turns up" / "falls"
        (
            "Short when the 20-day EMA has fallen for 4 consecutive days and the close is below "
            "it. Cover when the 20-day EMA turns back up.",
            {
                "side": "short",
                "short_entry": "all(falling(EMA(20), 4); Close < EMA(20))",
                "short_exit": "rising(EMA(20))",
            },
        ),
        # "... has risen 5 days and the close is above it": "it" is the line that rose
        (
            "Buy when the 50-day SMA has been rising for 5 days straight and the close is above "
            "it. Sell when the 50-day SMA starts falling.",
            {"entry": "all(rising(SMA(50), 5); Close > SMA(50))", "exit": "falling(SMA(50))"},
        ),
        # "gets to -10 or higher": the level or beyond, with a verb that does not contradict
        (
            "williams %r(10) crosses above -80 -> buy. sell when it gets to -10 or higher",
            {"entry": "WILLR(10) crosses_above -80", "exit": "WILLR(10) >= -10"},
        ),
        (
            "Buy when RSI(2) drops to 10 or lower. Sell when RSI(2) hits 70 or more",
            {"entry": "RSI(2) <= 10", "exit": "RSI(2) >= 70"},
        ),
        # "macd 8/17/9": one indicator's parameters, as "macd 8,17,9"; "line x signal up"
        (
            "macd 8/17/9: line x signal up = long, line x signal down = flat",
            {
                "entry": "MACD(8,17,9).macd crosses_above MACD(8,17,9).macdsignal",
                "exit": "MACD(8,17,9).macd crosses_below MACD(8,17,9).macdsignal",
            },
        ),
        (
            "Use Bollinger Bands 20/2. Buy when the close is below the lower band. Sell when "
            "the close is above the middle band",
            {"entry": "Close < BBANDS(20,2).lowerband", "exit": "Close > BBANDS(20,2).middleband"},
        ),
        ("sma(10) x sma(30) up = buy", {"entry": "SMA(10) crosses_above SMA(30)"}),
        # "the standard MACD settings": a check that the MACD the rules use is 12/26/9
        (
            "Use the default MACD settings. Buy when the MACD line crosses above zero. Sell "
            "when it crosses below zero.",
            {
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below 0",
            },
        ),
        (
            "Using the standard MACD settings here, nothing fancy. Buy when the MACD histogram "
            "crosses above zero.",
            {"entry": "MACD(12,26,9).macdhist crosses_above 0"},
        ),
        (
            "Default MACD (12, 26, 9). Buy when the histogram crosses above zero. When the "
            "histogram crosses back below zero, sell.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
        # "that day's close" in an order's price: the signal bar's; "put in a limit order"
        (
            "When RSI(2) drops below 5, place a limit buy 2% under that day's close. Exit when "
            "RSI(2) goes above 50.",
            {
                "entry": "RSI(2) < 5",
                "order": "limit Close * 0.98",
                "exit": "RSI(2) > 50",
            },
        ),
        (
            "When RSI(2) < 5, put in a limit order to buy 1.5% under that day's close. Sell when "
            "RSI(2) > 70.",
            {"entry": "RSI(2) < 5", "order": "limit Close * 0.985", "exit": "RSI(2) > 70"},
        ),
        # "(flip)" / "flip" as a sentence of its own: stop and reverse
        (
            "always in the market. close crosses above 40 ema -> long, crosses below 40 ema -> "
            "short. (flip). 10 units per trade",
            {
                "side": "both",
                "entry": "Close crosses_above EMA(40)",
                "exit": "Close crosses_below EMA(40)",
                "short_entry": "Close crosses_below EMA(40)",
                "short_exit": "Close crosses_above EMA(40)",
                "size": "10 units",
            },
        ),
        # "default" with numbers written out is filler, as "standard" (the numbers are used)
        (
            "Default MACD (8, 17, 9). Buy when the MACD histogram crosses above zero.",
            {"entry": "MACD(8,17,9).macdhist crosses_above 0"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # days on hourly candles stay refused (they would silently be counted as hours; hourly
        # candles alone read since the fourteenth round, as "1h chart" did)
        ("rsi under 30 -> buy. sell after 5 days. 1h candles", "days"),
        # a verb of one way with "or" the other way
        ("Buy when RSI(2) drops to 10 or higher.", "higher"),
        (_RSI + "Exit when RSI(2) rises to 70 or lower", "lower"),
        # "x" between a line and a number is a product, never a crossing
        ("close x 2 up = buy", "="),
        # "it" after a rising line that is the subject itself: nothing else to name
        ("Buy when the close is rising and the close is above it.", "it"),
        # two averages' periods after a slash stay a pair, never one average's parameters
        ("sma 10/40/60 x up = buy", "sma"),
        # "standard settings" with rules that use other parameters, or an indicator whose
        # standard differs between charting packages (CCI 14 or 20?)
        (
            "Using the standard MACD settings here. Buy when MACD(8,17,9) crosses above its "
            "signal line.",
            "standard MACD settings",
        ),
        ("Standard RSI settings. Buy when RSI(2) < 5", "Standard RSI settings"),
        # "(flip)" with no short entry to flip to
        ("Buy when the close crosses above the 40 EMA. (flip)", "no short entry rule"),
        # "that day" outside an order's price may be an earlier day: never the current bar
        ("Buy on an inside day. Sell when the close is below that day's low.", "that day"),
        ("Whenever RSI(2) is under 10, buy at the day's low and sell at that day's high.", "low"),
        ("Standard CCI settings. Buy when CCI(20) < -100", "CCI"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
