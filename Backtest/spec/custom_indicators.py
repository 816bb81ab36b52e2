"""Indicators spec 2.0 offers beyond TA-Lib: Donchian, Keltner, VWAP and SuperTrend.

Each is one plain function of numpy arrays (numpy, pandas and talib only), so the compiler can
copy its source into the generated strategy module (:func:`source_of`): the strategy stays
self-contained and readable, and the sandbox needs nothing new. Tests call the functions here
directly, so the code that runs in strategies is the code that is tested.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import talib

from Backtest.indicator_registry import IndicatorInfo, IndicatorParam

GROUP = "Channels and bands (spec 2.0)"


def DONCHIAN(high: Any, low: Any, timeperiod: int = 20) -> tuple[Any, Any, Any]:
    """Donchian channel: highest high, midpoint and lowest low of the last `timeperiod` bars.

    The current bar is included, so a close can never be above the upper line: breakouts
    compare with the previous bar's channel ({"ref": "dc.upper", "bars_ago": 1}).
    """
    upper = talib.MAX(np.asarray(high, dtype=float), timeperiod)
    lower = talib.MIN(np.asarray(low, dtype=float), timeperiod)
    return upper, (upper + lower) / 2, lower


def KELTNER(
    high: Any,
    low: Any,
    close: Any,
    timeperiod: int = 20,
    atr_period: int = 10,
    multiplier: float = 2.0,
) -> tuple[Any, Any, Any]:
    """Keltner channel: EMA(close, timeperiod) plus/minus multiplier * ATR(atr_period)."""
    high, low, close = (np.asarray(a, dtype=float) for a in (high, low, close))
    middle = talib.EMA(close, timeperiod)
    band = multiplier * talib.ATR(high, low, close, atr_period)
    return middle + band, middle, middle - band


def VWAP(high: Any, low: Any, close: Any, volume: Any, index: Any, timeperiod: int = 0) -> Any:
    """Volume-weighted average of the typical price (high + low + close) / 3.

    timeperiod 0 anchors it to the session: it restarts at each calendar day (on daily bars
    that is the bar's own typical price). timeperiod N > 0 is a rolling N-bar VWAP.
    """
    typical = (np.asarray(high, float) + np.asarray(low, float) + np.asarray(close, float)) / 3
    weights = pd.Series(np.asarray(volume, dtype=float))
    traded = pd.Series(typical) * weights
    if timeperiod > 0:
        num = traded.rolling(timeperiod).sum()
        den = weights.rolling(timeperiod).sum()
    else:
        day = np.asarray(pd.DatetimeIndex(index).normalize())
        num = traded.groupby(day).cumsum()
        den = weights.groupby(day).cumsum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den.to_numpy() > 0, num.to_numpy() / den.to_numpy(), np.nan)


def SUPERTREND(
    high: Any, low: Any, close: Any, atr_period: int = 10, multiplier: float = 3.0
) -> tuple[Any, Any]:
    """SuperTrend line and direction (+1 up, -1 down) from ATR bands around (high + low) / 2.

    The lower band only rises and the upper band only falls while the trend lasts; the
    direction flips when the close crosses the active band.
    """
    high, low, close = (np.asarray(a, dtype=float) for a in (high, low, close))
    atr = talib.ATR(high, low, close, atr_period)
    middle = (high + low) / 2
    basic_upper, basic_lower = middle + multiplier * atr, middle - multiplier * atr
    upper, lower = basic_upper.copy(), basic_lower.copy()
    line = np.full(len(close), np.nan)
    direction = np.full(len(close), np.nan)
    for i in range(len(close)):
        if np.isnan(atr[i]):
            continue
        if i == 0 or np.isnan(direction[i - 1]):
            direction[i] = 1.0 if close[i] >= middle[i] else -1.0
        else:
            if not (basic_upper[i] < upper[i - 1] or close[i - 1] > upper[i - 1]):
                upper[i] = upper[i - 1]
            if not (basic_lower[i] > lower[i - 1] or close[i - 1] < lower[i - 1]):
                lower[i] = lower[i - 1]
            if direction[i - 1] > 0:
                direction[i] = -1.0 if close[i] < lower[i] else 1.0
            else:
                direction[i] = 1.0 if close[i] > upper[i] else -1.0
        line[i] = lower[i] if direction[i] > 0 else upper[i]
    return line, direction


@dataclass(frozen=True)
class CustomIndicator:
    """Catalogue entry plus the function the compiler copies into strategies."""

    info: IndicatorInfo
    function: Callable[..., Any]
    needs_index: bool = False  # the bar timestamps are passed after the price inputs


def _int(name: str, default: int, description: str, low: int = 1) -> IndicatorParam:
    return IndicatorParam(name, "int", default, low, 1000, description)


def _float(name: str, default: float, description: str) -> IndicatorParam:
    return IndicatorParam(name, "float", default, 0.1, 20.0, description)


CUSTOM: dict[str, CustomIndicator] = {
    "DONCHIAN": CustomIndicator(
        IndicatorInfo(
            "DONCHIAN",
            "Donchian Channel",
            "Highest high, midpoint and lowest low of the last N bars (current bar included).",
            GROUP,
            ("High", "Low"),
            (_int("timeperiod", 20, "Number of bars", low=2),),
            ("upper", "middle", "lower"),
            "self.dc = self.I(DONCHIAN, self.data.High, self.data.Low, 20)",
            False,
        ),
        DONCHIAN,
    ),
    "KELTNER": CustomIndicator(
        IndicatorInfo(
            "KELTNER",
            "Keltner Channel",
            "EMA of the close plus/minus a multiple of the ATR.",
            GROUP,
            ("High", "Low", "Close"),
            (
                _int("timeperiod", 20, "EMA period of the middle line", low=2),
                _int("atr_period", 10, "ATR period of the band width"),
                _float("multiplier", 2.0, "ATR multiple of the band width"),
            ),
            ("upper", "middle", "lower"),
            "self.kc = self.I(KELTNER, self.data.High, self.data.Low, self.data.Close)",
            False,
        ),
        KELTNER,
    ),
    "VWAP": CustomIndicator(
        IndicatorInfo(
            "VWAP",
            "Volume Weighted Average Price",
            "Volume-weighted typical price, restarting each session (timeperiod 0) or over a "
            "rolling window of N bars.",
            GROUP,
            ("High", "Low", "Close", "Volume"),
            (IndicatorParam("timeperiod", "int", 0, 0, 1000, "0 = session VWAP, N = rolling"),),
            ("real",),
            "self.vwap = self.I(VWAP, self.data.High, self.data.Low, self.data.Close, "
            "self.data.Volume, self.data.index)",
            False,
        ),
        VWAP,
        needs_index=True,
    ),
    "SUPERTREND": CustomIndicator(
        IndicatorInfo(
            "SUPERTREND",
            "SuperTrend",
            "ATR trailing band that flips with the trend; direction is +1 up, -1 down.",
            GROUP,
            ("High", "Low", "Close"),
            (
                _int("atr_period", 10, "ATR period"),
                _float("multiplier", 3.0, "ATR multiple"),
            ),
            ("line", "direction"),
            "self.st = self.I(SUPERTREND, self.data.High, self.data.Low, self.data.Close)",
            False,
        ),
        SUPERTREND,
    ),
}


def source_of(name: str) -> str:
    """The function's source, to paste into a generated strategy module."""
    return inspect.getsource(CUSTOM[name].function)
