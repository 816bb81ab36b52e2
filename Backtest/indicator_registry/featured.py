"""The seven hand-written featured indicators: curated names, ranges and examples."""

from __future__ import annotations

from typing import Any

import talib

from Backtest.indicator_registry.model import IndicatorInfo, IndicatorParam, Number, ParamType

_talib: Any = talib  # TA-Lib's stubs do not export MA_Type
MA_TYPES: dict[int, str] = dict(_talib.MA_Type._lookup)  # {0: "Simple Moving Average", ...}
MA_TYPE_MAX = max(MA_TYPES)
MA_TYPE_HELP = ", ".join(f"{code}={label}" for code, label in sorted(MA_TYPES.items()))

FEATURED_ORDER = ("SMA", "EMA", "RSI", "MACD", "BBANDS", "ATR", "STOCH")


def _p(
    name: str, type_: ParamType, default: Number, lo: Number, hi: Number, desc: str
) -> IndicatorParam:
    return IndicatorParam(name, type_, default, lo, hi, desc)


def _matype(name: str = "matype", what: str = "moving average") -> IndicatorParam:
    return _p(name, "int", 0, 0, MA_TYPE_MAX, f"Type of {what} ({MA_TYPE_HELP})")


FEATURED = (
    IndicatorInfo(
        "SMA",
        "Simple Moving Average",
        "Unweighted mean of the last `timeperiod` closes; the classic trend filter and the "
        "building block of moving-average crossovers.",
        "Overlap Studies",
        ("Close",),
        (_p("timeperiod", "int", 20, 2, 1000, "Number of bars averaged"),),
        ("real",),
        "self.sma = self.I(SMA, self.data.Close, 20)",
        True,
    ),
    IndicatorInfo(
        "EMA",
        "Exponential Moving Average",
        "Moving average that weights recent bars more heavily, so it reacts faster than an SMA "
        "of the same period.",
        "Overlap Studies",
        ("Close",),
        (_p("timeperiod", "int", 20, 2, 1000, "Number of bars in the smoothing window"),),
        ("real",),
        "self.ema = self.I(EMA, self.data.Close, 20)",
        True,
    ),
    IndicatorInfo(
        "RSI",
        "Relative Strength Index",
        "Momentum oscillator between 0 and 100 comparing average gains to average losses; "
        "readings below 30 are read as oversold and above 70 as overbought.",
        "Momentum Indicators",
        ("Close",),
        (_p("timeperiod", "int", 14, 2, 500, "Number of bars in the gain/loss averages"),),
        ("real",),
        "self.rsi = self.I(RSI, self.data.Close, 14)",
        True,
    ),
    IndicatorInfo(
        "MACD",
        "Moving Average Convergence Divergence",
        "Difference between a fast and a slow EMA (macd), its EMA (macdsignal) and their "
        "difference (macdhist); signal-line crosses and histogram sign changes mark momentum "
        "shifts.",
        "Momentum Indicators",
        ("Close",),
        (
            _p("fastperiod", "int", 12, 2, 500, "Period of the fast EMA"),
            _p("slowperiod", "int", 26, 2, 1000, "Period of the slow EMA"),
            _p("signalperiod", "int", 9, 1, 500, "Period of the signal-line EMA"),
        ),
        ("macd", "macdsignal", "macdhist"),
        "self.macd = self.I(MACD, self.data.Close, 12, 26, 9)",
        True,
    ),
    IndicatorInfo(
        "BBANDS",
        "Bollinger Bands",
        "A moving average (middleband) with bands a number of standard deviations above and "
        "below it; touches of the bands are used for mean-reversion or breakout signals.",
        "Overlap Studies",
        ("Close",),
        (
            _p("timeperiod", "int", 20, 2, 500, "Number of bars for the average and deviation"),
            _p("nbdevup", "float", 2.0, 0.1, 10.0, "Standard deviations for the upper band"),
            _p("nbdevdn", "float", 2.0, 0.1, 10.0, "Standard deviations for the lower band"),
            _matype(what="middle-band moving average"),
        ),
        ("upperband", "middleband", "lowerband"),
        "self.bb = self.I(BBANDS, self.data.Close, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)",
        True,
    ),
    IndicatorInfo(
        "ATR",
        "Average True Range",
        "Average of the true range (gap-aware high-low range) over `timeperiod` bars; measures "
        "volatility in price units, commonly used to size stops.",
        "Volatility Indicators",
        ("High", "Low", "Close"),
        (_p("timeperiod", "int", 14, 1, 500, "Number of bars in the true-range average"),),
        ("real",),
        "self.atr = self.I(ATR, self.data.High, self.data.Low, self.data.Close, 14)",
        True,
    ),
    IndicatorInfo(
        "STOCH",
        "Stochastic Oscillator",
        "Where the close sits inside the recent high-low range, 0 to 100 (slowk), with a "
        "smoothed signal line (slowd); below 20 is read as oversold and above 80 as overbought.",
        "Momentum Indicators",
        ("High", "Low", "Close"),
        (
            _p("fastk_period", "int", 14, 1, 500, "Look-back bars for the raw %K high-low range"),
            _p("slowk_period", "int", 3, 1, 500, "Smoothing period turning fast %K into slow %K"),
            _matype("slowk_matype", "slow %K smoothing"),
            _p("slowd_period", "int", 3, 1, 500, "Smoothing period of slow %K giving %D"),
            _matype("slowd_matype", "%D smoothing"),
        ),
        ("slowk", "slowd"),
        "self.stoch = self.I(STOCH, self.data.High, self.data.Low, self.data.Close, "
        "fastk_period=14, slowk_period=3, slowd_period=3)",
        True,
    ),
)

# TA-Lib's own float ranges are mostly (0, 3e37); these are the sensible ranges we accept.
