"""The offline parser reads the phrasings traders use into the right rules (structurally)."""

from __future__ import annotations

import pytest

from tests.backtest.offline.cases import check

MACD = "MACD(12,26,9)"
STOCH = "STOCH(14,3,3)"
BB = "BBANDS(20,2.0,2.0)"

# (text, expected Case fields). Rules not listed must be absent; risk defaults to none.
CROSSOVERS = [
    (
        "10-day SMA crosses above the 30-day SMA",
        {"entry": "SMA(10) crosses_above SMA(30)", "exit": "SMA(10) crosses_below SMA(30)"},
    ),
    (
        "buy when the fast EMA (12) crosses over the slow EMA (26), sell on the reverse",
        {"entry": "EMA(12) crosses_above EMA(26)", "exit": "EMA(12) crosses_below EMA(26)"},
    ),
    (
        "enter long on a golden cross, close the position on a death cross",
        {"entry": "SMA(50) crosses_above SMA(200)", "exit": "SMA(50) crosses_below SMA(200)"},
    ),
    (
        "moving average crossover 20/50",
        {"entry": "SMA(20) crosses_above SMA(50)", "exit": "SMA(20) crosses_below SMA(50)"},
    ),
    (
        "when the 9 ema crosses the 21 ema",
        {"entry": "EMA(9) crosses_above EMA(21)", "exit": "EMA(9) crosses_below EMA(21)"},
    ),
    (
        "Go long if the fast MA crosses above the slow MA",
        {"entry": "SMA(10) crosses_above SMA(30)", "exit": "SMA(10) crosses_below SMA(30)"},
    ),
    (
        "Fast EMA 5, slow EMA 20. Buy when fast crosses above slow, sell when fast crosses "
        "below slow",
        {"entry": "EMA(5) crosses_above EMA(20)", "exit": "EMA(5) crosses_below EMA(20)"},
    ),
    (
        "Buy when the 12 period ema crosses the 26 period ema from below. Sell when it crosses "
        "from above.",
        {"entry": "EMA(12) crosses_above EMA(26)", "exit": "EMA(12) crosses_below EMA(26)"},
    ),
    (
        "Strategy: EMA 50/200 golden cross. Exit on EMA 50/200 death cross.",
        {"entry": "EMA(50) crosses_above EMA(200)", "exit": "EMA(50) crosses_below EMA(200)"},
    ),
    (
        "I'd like to buy when the twenty-one day EMA crosses over the fifty five day EMA",
        {"entry": "EMA(21) crosses_above EMA(55)", "exit": "EMA(21) crosses_below EMA(55)"},
    ),
    (
        "Buy when price crosses above the 200 dma; sell when it crosses back under",
        {"entry": "Close crosses_above SMA(200)", "exit": "Close crosses_below SMA(200)"},
    ),
    (
        "sma20 crosses sma50 -> long ; opposite -> flat",
        {"entry": "SMA(20) crosses_above SMA(50)", "exit": "SMA(20) crosses_below SMA(50)"},
    ),
    (
        "Looking to backtest a classic: long when 50 > 200 SMA, flat otherwise",
        {"entry": "SMA(50) > SMA(200)", "exit": "SMA(50) < SMA(200)"},
    ),
]
OSCILLATORS = [
    ("buy when RSI(21) drops below 25", {"entry": "RSI(21) below 25", "exit": "RSI(21) above 75"}),
    ("RSI under 30", {"entry": "RSI(14) < 30", "exit": "RSI(14) above 70"}),
    (
        "buy when RSI is oversold and sell when overbought",
        {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
    ),
    (
        "long when the stochastic is oversold",
        {"entry": f"{STOCH}.slowk < 20", "exit": f"{STOCH}.slowk above 80"},
    ),
    (
        "Enter when CCI is oversold, exit when it is overbought",
        {"entry": "CCI(20) < -100", "exit": "CCI(20) > 100"},
    ),
    (
        "buy when williams %R is oversold and sell when williams r is overbought",
        {"entry": "WILLR(14) < -80", "exit": "WILLR(14) > -20"},
    ),
    (
        "buy when MFI is oversold, sell when MFI is overbought",
        {"entry": "MFI(14) < 20", "exit": "MFI(14) > 80"},
    ),
    (
        "RSI crosses back above 30 -> buy",
        {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
    ),
    (
        "buy when stochastic %K crosses above %D below 20",
        {
            "entry": f"all({STOCH}.slowk crosses_above {STOCH}.slowd; {STOCH}.slowk < 20)",
            "exit": f"{STOCH}.slowk crosses_below {STOCH}.slowd",
        },
    ),
    (
        "Buy when the stochastic %K line crosses above the %D line and both are below 20",
        {
            "entry": f"all({STOCH}.slowk crosses_above {STOCH}.slowd; {STOCH}.slowk < 20; "
            f"{STOCH}.slowd < 20)",
            "exit": f"{STOCH}.slowk crosses_below {STOCH}.slowd",
        },
    ),
    (
        "Stochastic(5,3,3) below 20 and crossing up = buy, above 80 and crossing down = sell",
        {
            "entry": "all(STOCH(5,3,3).slowk < 20; STOCH(5,3,3).slowk crosses_above "
            "STOCH(5,3,3).slowd)",
            "exit": "all(STOCH(5,3,3).slowk > 80; STOCH(5,3,3).slowk crosses_below "
            "STOCH(5,3,3).slowd)",
        },
    ),
    (
        "I like buying when the RSI gets oversold (below 25) and selling once it hits 70",
        {"entry": "RSI(14) below 25", "exit": "RSI(14) >= 70"},
    ),
    (
        "Buy when the RSI is between 40 and 50 and price is above the 200 SMA. Sell when RSI "
        "is above 70.",
        {"entry": "all(RSI(14) > 40; RSI(14) < 50; Close > SMA(200))", "exit": "RSI(14) > 70"},
    ),
    (
        "Simple RSI strategy: RSI 7, buy below 30, sell above 70",
        {"entry": "RSI(7) < 30", "exit": "RSI(7) > 70"},
    ),
]
MACD_AND_BANDS = [
    (
        "buy when MACD crosses above its signal line",
        {
            "entry": f"{MACD}.macd crosses_above {MACD}.macdsignal",
            "exit": f"{MACD}.macd crosses_below {MACD}.macdsignal",
        },
    ),
    (
        "enter when the MACD histogram turns positive, exit when it turns negative",
        {"entry": f"{MACD}.macdhist crosses_above 0", "exit": f"{MACD}.macdhist crosses_below 0"},
    ),
    (
        "go long when MACD is above zero, exit when MACD falls below 0",
        {"entry": f"{MACD}.macd > 0", "exit": f"{MACD}.macd < 0"},
    ),
    (
        "MACD(8,21,5) bullish crossover, sell on bearish crossover",
        {
            "entry": "MACD(8,21,5).macd crosses_above MACD(8,21,5).macdsignal",
            "exit": "MACD(8,21,5).macd crosses_below MACD(8,21,5).macdsignal",
        },
    ),
    (
        "buy when price touches the lower Bollinger Band (20, 2), sell when it touches the "
        "upper band",
        {"entry": f"Close <= {BB}.lowerband", "exit": f"Close >= {BB}.upperband"},
    ),
    (
        "buy when close breaks above the upper band, sell when it breaks below the middle band",
        {
            "entry": f"Close crosses_above {BB}.upperband",
            "exit": f"Close crosses_below {BB}.middleband",
        },
    ),
    (
        "Buy when price is below the lower bollinger band with 2.5 standard deviations, exit at "
        "the middle band (mean reversion to the middle band)",
        {
            "entry": "Close < BBANDS(20,2.5,2.5).lowerband",
            "exit": "Close >= BBANDS(20,2.5,2.5).middleband",
        },
    ),
    (
        "buy when price is 2 standard deviations below the 20-day mean",
        {"entry": f"Close < {BB}.lowerband", "exit": f"Close > {BB}.middleband"},
    ),
    (
        "Use Bollinger Bands (20,2). Enter long when the price closes outside the lower band, "
        "exit when price closes back inside the bands.",
        {
            "entry": f"Close < {BB}.lowerband",
            "exit": f"all(Close > {BB}.lowerband; Close < {BB}.upperband)",
        },
    ),
]
PRICE_AND_OTHERS = [
    (
        "buy when price is above the 200-day SMA",
        {"entry": "Close > SMA(200)", "exit": "Close < SMA(200)"},
    ),
    (
        "buy when ADX(14) above 25 and +DI above -DI",
        {
            "entry": "all(ADX(14) > 25; PLUS_DI(14) > MINUS_DI(14))",
            "exit": "PLUS_DI(14) < MINUS_DI(14)",
        },
    ),
    ("ROC(10) > 0", {"entry": "ROC(10) > 0", "exit": "ROC(10) < 0"}),
    (
        "buy when aroon up crosses above aroon down",
        {
            "entry": "AROON(14).aroonup crosses_above AROON(14).aroondown",
            "exit": "AROON(14).aroonup crosses_below AROON(14).aroondown",
        },
    ),
    (
        "Buy when ATR(5) is greater than ATR(20) and price crosses above the 20 EMA",
        {
            "entry": "all(ATR(5) > ATR(20); Close crosses_above EMA(20))",
            "exit": "Close crosses_below EMA(20)",
        },
    ),
    (
        "buy when volume is above its 20-day average and the close is above the 50 day high",
        {
            "entry": "all(Volume > SMA(20)@Volume; Close > MAX(50)@High[1])",
            "exit": "Close < MIN(50)@Low[1]",
        },
    ),
    (
        "Buy when the 50 EMA is rising and price is above it",
        {"entry": "all(EMA(50) > EMA(50)[1]; Close > EMA(50))", "exit": "EMA(50) < EMA(50)[1]"},
    ),
    (
        "Buy after 3 down days in a row, exit on the first up close",
        {
            "entry": "all(Close < Close[1]; Close[1] < Close[2]; Close[2] < Close[3])",
            "exit": "Close > Close[1]",
        },
    ),
    (
        "buy when the stock drops 5% in a day, sell when the close is above the 5 day SMA",
        {"entry": "ROC(1) < -5", "exit": "Close > SMA(5)"},
    ),
    ("Buy on a gap up", {"entry": "Open > High[1]", "exit": "Open < Low[1]"}),
    (
        "Buy on a bullish engulfing pattern, sell when RSI > 70",
        {"entry": "CDLENGULFING > 0", "exit": "RSI(14) > 70"},
    ),
    (
        "Go long when the 10 day high is broken and exit when the 10 day low is broken",
        {
            "entry": "Close crosses_above MAX(10)@High[1]",
            "exit": "Close crosses_below MIN(10)@Low[1]",
        },
    ),
    (
        "enter long when price > EMA 50 > EMA 200",
        {"entry": "all(Close > EMA(50); EMA(50) > EMA(200))", "exit": "Close < EMA(50)"},
    ),
    (
        "Buy when the close is above the 10-day SMA for 3 consecutive days",
        {
            "entry": "all(Close > SMA(10); Close[1] > SMA(10)[1]; Close[2] > SMA(10)[2])",
            "exit": "Close < SMA(10)",
        },
    ),
]
COMBINATIONS = [
    (
        "RSI below 30 and price above the 200 SMA",
        {"entry": "all(RSI(14) < 30; Close > SMA(200))", "exit": "RSI(14) > 70"},
    ),
    (
        "buy when either RSI < 30 or stochastic below 20",
        {"entry": f"any(RSI(14) < 30; {STOCH}.slowk < 20)", "exit": "RSI(14) > 70"},
    ),
    (
        "Buy signal: RSI(14) crosses above 30 while price is above the 50 day moving average. "
        "Sell signal: RSI crosses above 70 or price closes below the 50 day moving average.",
        {
            "entry": "all(RSI(14) crosses_above 30; Close > SMA(50))",
            "exit": "any(RSI(14) crosses_above 70; Close < SMA(50))",
        },
    ),
    (
        "When RSI < 30 and price > SMA(200), and the MACD is positive, buy",
        {
            "entry": f"all(RSI(14) < 30; Close > SMA(200); {MACD}.macd > 0)",
            "exit": "RSI(14) > 70",
        },
    ),
    (
        "I want a strategy that buys when MACD crosses above signal and sells when it crosses "
        "below, but only when price is above 50 sma",
        {
            "entry": f"all({MACD}.macd crosses_above {MACD}.macdsignal; Close > SMA(50))",
            "exit": f"{MACD}.macd crosses_below {MACD}.macdsignal",
        },
    ),
    (
        "Entry:\n- close > SMA(200)\n- RSI(3) < 20\nExit:\n- RSI(3) > 80",
        {"entry": "all(Close > SMA(200); RSI(3) < 20)", "exit": "RSI(3) > 80"},
    ),
    (
        "buy:rsi<25 sell:rsi>75",
        {"entry": "RSI(14) < 25", "exit": "RSI(14) > 75"},
    ),
    (
        "entry = price crosses above 20 sma, exit = price crosses below 20 sma",
        {"entry": "Close crosses_above SMA(20)", "exit": "Close crosses_below SMA(20)"},
    ),
    (
        "buy when rsi drops below 30 then rises back above it",
        {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
    ),
]
SIDES = [
    (
        "short when RSI > 70, cover when RSI < 50",
        {"side": "short", "short_entry": "RSI(14) > 70", "short_exit": "RSI(14) < 50"},
    ),
    (
        "sell short when the 10 sma crosses below the 30 sma",
        {
            "side": "short",
            "short_entry": "SMA(10) crosses_below SMA(30)",
            "short_exit": "SMA(10) crosses_above SMA(30)",
        },
    ),
    (
        "go short when price falls below the 20 SMA",
        {
            "side": "short",
            "short_entry": "Close crosses_below SMA(20)",
            "short_exit": "Close crosses_above SMA(20)",
        },
    ),
    (
        "long only: buy when the 20 EMA crosses above the 50 EMA",
        {"entry": "EMA(20) crosses_above EMA(50)", "exit": "EMA(20) crosses_below EMA(50)"},
    ),
    (
        "both directions: trade the EMA 9/21 crossover",
        {
            "side": "both",
            "entry": "EMA(9) crosses_above EMA(21)",
            "short_entry": "EMA(9) crosses_below EMA(21)",
        },
    ),
    (
        "Long when price closes above yesterday's high, short when price closes below "
        "yesterday's low",
        {"side": "both", "entry": "Close > High[1]", "short_entry": "Close < Low[1]"},
    ),
    (
        "When the price crosses above the parabolic SAR go long, reverse when it crosses below",
        {
            "side": "both",
            "entry": "Close crosses_above SAR(0.02,0.2)",
            "short_entry": "Close crosses_below SAR(0.02,0.2)",
        },
    ),
    (
        "short setup - when RSI(7) goes above 80 and price is below the 100 EMA, short it.",
        {
            "side": "short",
            "short_entry": "all(RSI(7) crosses_above 80; Close < EMA(100))",
            "short_exit": "RSI(7) crosses_below 20",
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), CROSSOVERS)
def test_crossover_phrasings_give_the_right_rules(text: str, expected: dict) -> None:
    assert check(text, **expected) == []


@pytest.mark.parametrize(("text", "expected"), OSCILLATORS)
def test_oscillator_threshold_and_zone_phrasings(text: str, expected: dict) -> None:
    assert check(text, **expected) == []


@pytest.mark.parametrize(("text", "expected"), MACD_AND_BANDS)
def test_macd_and_bollinger_phrasings(text: str, expected: dict) -> None:
    assert check(text, **expected) == []


@pytest.mark.parametrize(("text", "expected"), PRICE_AND_OTHERS)
def test_price_and_other_indicator_phrasings(text: str, expected: dict) -> None:
    assert check(text, **expected) == []


@pytest.mark.parametrize(("text", "expected"), COMBINATIONS)
def test_and_or_filters_and_sections(text: str, expected: dict) -> None:
    assert check(text, **expected) == []


@pytest.mark.parametrize(("text", "expected"), SIDES)
def test_long_short_and_both_directions(text: str, expected: dict) -> None:
    assert check(text, **expected) == []
