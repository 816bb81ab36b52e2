"""Trader wording learnt in the seventeenth prose round from the refusals of held-out 7 to 12
and 15, with the near misses that must stay refused. Compared semantically, in the corpus
notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_RSI = "Sell when RSI(2) > 70."
_EMA_EXIT = "Exit when the 20 EMA falls below the 50 EMA."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # an ATR distance added to a price: "plus 0.5 ATR(14)", "plus half an ATR(14)"
        (
            "Buy when the close is above yesterday's high plus 0.5 ATR(14). " + _RSI,
            {"entry": "Close > High[1] + ATR(14) * 0.5", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when the close is above the 20 EMA plus half an ATR(14). " + _RSI,
            {"entry": "Close > EMA(20) + ATR(14) * 0.5", "exit": "RSI(2) > 70"},
        ),
        # ... in a stop entry's price, after the signal bar's price
        (
            "Whenever the 20 EMA is above the 50 EMA, place a buy stop at the signal bar's high "
            "plus half an ATR(14). " + _EMA_EXIT,
            {
                "entry": "EMA(20) > EMA(50)",
                "exit": "EMA(20) below EMA(50)",
                "order": "stop High + 0.5 * ATR(14)",
            },
        ),
        (
            "When the close crosses above the 20-day SMA, put a buy stop at that bar's high plus "
            "a quarter of the 14-day ATR. Sell when the close crosses below the 20-day SMA.",
            {
                "entry": "Close crosses_above SMA(20)",
                "exit": "Close crosses_below SMA(20)",
                "order": "stop High + 0.25 * ATR(14)",
            },
        ),
        # "0.5 ATR(14) above today's high", "half an ATR(14) below that bar's low"
        (
            "When the 10 SMA is above the 30 SMA, place a buy stop 0.5 ATR(14) above today's "
            "high. Exit when the 10 SMA crosses below the 30 SMA.",
            {
                "entry": "SMA(10) > SMA(30)",
                "exit": "SMA(10) crosses_below SMA(30)",
                "order": "stop High + 0.5 * ATR(14)",
            },
        ),
        (
            "When the 10 EMA crosses below the 30 EMA, place a sell stop half an ATR(14) below "
            "that bar's low. Cover when the 10 EMA crosses back above the 30 EMA.",
            {
                "side": "short",
                "short_entry": "EMA(10) crosses_below EMA(30)",
                "short_exit": "EMA(10) crosses_above EMA(30)",
                "order": "stop Low - 0.5 * ATR(14)",
            },
        ),
        # "plus" before anything but an ATR distance stays "and" (a bare ATR is no distance)
        (
            "Buy when the close is above yesterday's high plus ATR(14) > 2. " + _RSI,
            {"entry": "all(Close > High[1]; ATR(14) > 2)", "exit": "RSI(2) > 70"},
        ),
        # "a quarter of a percent" stays a percentage
        (
            "Buy when RSI(2) < 10. " + _RSI + " Risk a quarter of a percent of equity per trade, "
            "with a 3% stop.",
            {
                "entry": "RSI(2) < 10",
                "exit": "RSI(2) > 70",
                "stop": "3%",
                "size": "risk 0.25%",
            },
        ),
        # SuperTrend settings said by name, and its flip to an uptrend / a downtrend
        (
            "Use SuperTrend with an ATR period of 10 and a multiplier of 3. Buy when it flips to "
            "an\nuptrend and sell when it flips to a downtrend.",
            {
                "entry": "SUPERTREND(10,3).direction crosses_above 0",
                "exit": "SUPERTREND(10,3).direction crosses_below 0",
            },
        ),
        (
            "Use SuperTrend with a multiplier of 3 and an ATR length of 12. Buy when SuperTrend "
            "turns bullish and sell when it turns bearish.",
            {
                "entry": "SUPERTREND(12,3).direction crosses_above 0",
                "exit": "SUPERTREND(12,3).direction crosses_below 0",
            },
        ),
        # "supertrend 10/3: flips bullish -> go long": the one indicator named, SuperTrend
        (
            "supertrend 10/3: flips bullish → go long, flips bearish → go short. always in",
            {
                "side": "both",
                "entry": "SUPERTREND(10,3).direction crosses_above 0",
                "exit": "SUPERTREND(10,3).direction crosses_below 0",
                "short_entry": "SUPERTREND(10,3).direction crosses_below 0",
                "short_exit": "SUPERTREND(10,3).direction crosses_above 0",
            },
        ),
        # a multiple alone in a Keltner bracket is its ATR multiple
        (
            "Short when the close crosses below the lower Keltner Channel (20 EMA, 10 ATR, 2x). "
            "Cover when the close crosses back above the middle line.",
            {
                "side": "short",
                "short_entry": "Close crosses_below KELTNER(20,10,2).lower",
                "short_exit": "Close crosses_above KELTNER(20,10,2).middle",
            },
        ),
        (
            "Buy when the close is above the upper Keltner Channel (20, 3x). Sell when the close "
            "is below the middle line.",
            {
                "entry": "Close > KELTNER(20,10,3).upper",
                "exit": "Close < KELTNER(20,10,3).middle",
            },
        ),
        # "crosses below the lower band": "lower" names the band, no second way
        (
            "Buy when the close crosses below the lower Bollinger band (20, 2). Sell when the "
            "close is above the middle band.",
            {
                "entry": "Close crosses_below BBANDS(20,2,2).lowerband",
                "exit": "Close > BBANDS(20,2,2).middleband",
            },
        ),
        (
            "Buy when RSI(14) crosses up 30. Sell when it crosses back down 70.",
            {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
        ),
        # "no stop for now", "no stops for this one": none in this test
        (
            "Buy when RSI(2) < 10. " + _RSI + " Long only, no stop for now.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when RSI(2) < 10. " + _RSI + " No stops and no target for this one.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70"},
        ),
        # a sentence of such words alone stays small talk
        (
            "Buy when RSI(2) < 10. " + _RSI + " Thanks for now.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70"},
        ),
        # "the previous day's 40-day Donchian high": that bar's upper line
        (
            "Buy when the close breaks above the previous day's 40-day Donchian high. Sell when "
            "the close breaks below the previous day's 15-day Donchian low.",
            {
                "entry": "Close above DONCHIAN(40).upper[1]",
                "exit": "Close below DONCHIAN(15).lower[1]",
            },
        ),
        # "the first close that is lower than ...": the close's comparison after "that"
        (
            "Buy when RSI(2) < 10. Sell on the first close that is lower than the previous day's "
            "close.",
            {"entry": "RSI(2) < 10", "exit": "Close < Close[1]"},
        ),
        # "higher than both of the previous two days' highs": above each of them
        (
            "Buy when the close is higher than both of the previous two days' highs. Sell on the "
            "first close that is lower than the previous day's close.",
            {"entry": "all(Close > High[1]; Close > High[2])", "exit": "Close < Close[1]"},
        ),
        (
            "Buy when the close is lower than both of the last two days' lows. " + _RSI,
            {"entry": "all(Close < Low[1]; Close < Low[2])", "exit": "RSI(2) > 70"},
        ),
        # "Exit after 7 days, or earlier at a 6% profit target": the target beside the time exit
        (
            "Buy when RSI(2) < 10. Exit after 7 days, or earlier at a 6% profit target.",
            {"entry": "RSI(2) < 10", "exit_after_bars": 7, "target": "6%"},
        ),
        (
            "Buy when RSI(2) < 10. Exit after 7 days, or sooner on a 3% stop.",
            {"entry": "RSI(2) < 10", "exit_after_bars": 7, "stop": "3%"},
        ),
        # a stochastic's settings by their labels: "%K length", "%K smoothing", "%D length"
        (
            "Indicator: slow stochastic, %K length 5, %K smoothing 3, %D length 4. Buy when %K "
            "crosses above %D. Sell when %K > 80.",
            {
                "entry": "STOCH(5,3,4).slowk crosses_above STOCH(5,3,4).slowd",
                "exit": "STOCH(5,3,4).slowk > 80",
            },
        ),
        # "(any month)" after an exit: every exit holds all year (filters restrict entries)
        (
            "sma 10/40 x up = buy, except in aug & sep. x down = sell (any month)",
            {
                "entry": "all(SMA(10) crosses_above SMA(40); month not in [aug, sep])",
                "exit": "SMA(10) crosses_below SMA(40)",
            },
        ),
        (
            "Buy when the 10 SMA crosses above the 40 SMA, except in August. Sell when it crosses "
            "below (any time of year).",
            {
                "entry": "all(SMA(10) crosses_above SMA(40); month not in [aug])",
                "exit": "SMA(10) crosses_below SMA(40)",
            },
        ),
        # "take profit at 3 ATR(14)" is a distance (a multiple of an ATR is no price level)
        (
            "Buy when RSI(2) < 10. "
            + _RSI
            + " Stop loss at 1.5 ATR(14). Profit target at 3 ATR(14).",
            {
                "entry": "RSI(2) < 10",
                "exit": "RSI(2) > 70",
                "stop": "1.5 ATR(14)",
                "target": "3 ATR(14)",
            },
        ),
        # "the zero line" is 0; "MACD zero line strat" names the strategy
        (
            "Buy when MACD crosses above the zero line. Sell when it crosses below the zero line.",
            {
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below 0",
            },
        ),
        (
            "MACD zero line strat, both sides. macd line crosses above 0 = long, crosses below 0 = "
            "short. always in the market",
            {
                "side": "both",
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below 0",
                "short_entry": "MACD(12,26,9).macd crosses_below 0",
                "short_exit": "MACD(12,26,9).macd crosses_above 0",
            },
        ),
        (
            "ROC(12) zero-line cross. Buy when ROC(12) crosses above zero. Sell when ROC(12) "
            "crosses below zero.",
            {"entry": "ROC(12) crosses_above 0", "exit": "ROC(12) crosses_below 0"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # an ATR distance is a price distance: never added to an oscillator or volume
        ("Buy when RSI(2) is above 30 plus 2 ATR(14). " + _RSI, ""),
        ("Buy when volume is above yesterday's volume plus 0.5 ATR(14). " + _RSI, ""),
        ("When the 10 SMA is above the 30 SMA, place a buy stop 0.5 ATR(14) above 30. " + _RSI, ""),
        # only SuperTrend flips to an uptrend; "in an uptrend" stays a vague trend
        ("Buy when RSI(14) flips to an uptrend. " + _RSI, "only SuperTrend flips to a trend"),
        ("Buy when the close flips to an uptrend. " + _RSI, "only SuperTrend"),
        (
            "Use SuperTrend with an ATR period of 10. Buy when it is in an uptrend. " + _RSI,
            "uptrend",
        ),
        ("Use RSI with an ATR period of 10 and a multiplier of 3. Buy when RSI < 30. " + _RSI, ""),
        # a subjectless flip is SuperTrend's only when it is the one indicator named
        ("MACD 12/26/9: flips bullish → go long, flips bearish → go short.", "what turns"),
        ("supertrend 10/3 and RSI(14): flips bullish → go long, flips bearish → go short.", ""),
        # a multiple alone sets an ATR multiple: refused where there is none
        (
            "Buy when the close is below the lower Bollinger band (20, 2x). Sell when the close "
            "is above the middle band.",
            "no such setting",
        ),
        ("Buy when the close is above the 20 EMA (2x). " + _RSI, "no such setting"),
        # the channel's middle line is an EMA: an SMA middle line is never read as one
        (
            "Buy when the close is above the upper Keltner Channel (20 SMA, 10 ATR, 2x). Sell when "
            "the close is below the middle line.",
            "no such setting",
        ),
        # a Donchian line is a high or a low, of a whole number of days
        (
            "Buy when the close breaks above the previous day's 40-day Donchian close. " + _RSI,
            "close",
        ),
        ("Buy when the close breaks above the previous day's 40.5-day Donchian high. " + _RSI, ""),
        # "that" after the first close: a plain comparison of the close only
        ("Buy when RSI(2) < 10. Sell on the first close that RSI(2) is above 70.", ""),
        ("Buy when RSI(2) < 10. Sell on the first close that crosses above the 5-day SMA.", ""),
        # "both" is two bars; a crossing of both, or highs of no window, stays refused
        ("Buy when the close is higher than both of the previous three days' highs. " + _RSI, ""),
        ("Buy when the close crosses above both of the previous two days' highs. " + _RSI, ""),
        ("Buy when the close makes higher highs. " + _RSI, ""),
        # "or earlier at a target" only after an exit
        ("Buy when RSI(2) < 10, or earlier at a 6% profit target. Exit after 7 days.", ""),
        ("Buy when RSI(2) < 10 or earlier. Exit after 7 days.", "earlier"),
        # the labels only for a stochastic, each once
        ("Indicator: RSI, %K length 14, %K smoothing 3. Buy when RSI < 30. " + _RSI, "no such"),
        (
            "Indicator: slow stochastic, %K length 14, %K length 5. Buy when %K crosses above %D. "
            "Sell when %K > 80.",
            "",
        ),
        ("Buy when RSI(2) < 10 with smoothing 3. " + _RSI, "smoothing"),
        # "(any month)" only after an exit rule with no calendar of its own
        ("sma 10/40 x up = buy (any month). x down = sell", ""),
        ("sma 10/40 x up = buy. x down = sell in september (any month)", ""),
        ("Buy when RSI(2) < 10. " + _RSI + " Any month.", "Any month"),
        # a zero-line strategy whose rules never compare its line with zero
        (
            "MACD zero line strat. Buy when the MACD line crosses above its signal line. Sell "
            "when it crosses below.",
            "no rule compares MACD(12,26,9) with zero",
        ),
        (
            "MACD zero line cross. Buy when the MACD histogram crosses above 0. Sell when it "
            "crosses below 0.",
            "no rule compares",
        ),
        ("Buy when RSI(2) < 10, zero line. " + _RSI, "zero line"),
        # "for now" only after "no stop"
        ("Buy when RSI(2) < 10 for now. " + _RSI, "for now"),
        ("Buy when RSI(2) < 10. " + _RSI + " 2% stop for now.", "for now"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
