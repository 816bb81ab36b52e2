"""Donchian, Keltner, VWAP and SuperTrend: the functions compiled into strategies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import talib
from backtesting.test import GOOG

from Backtest.spec.custom_indicators import DONCHIAN, KELTNER, SUPERTREND, VWAP, source_of

H, L, C, V = (GOOG[c].to_numpy(dtype=float) for c in ("High", "Low", "Close", "Volume"))


def test_donchian_is_the_rolling_max_high_and_min_low():
    upper, middle, lower = DONCHIAN(H, L, 20)
    np.testing.assert_allclose(upper, talib.MAX(H, 20), equal_nan=True)
    np.testing.assert_allclose(lower, talib.MIN(L, 20), equal_nan=True)
    np.testing.assert_allclose(middle, (upper + lower) / 2, equal_nan=True)


def test_keltner_is_an_ema_plus_minus_atr_multiples():
    upper, middle, lower = KELTNER(H, L, C, 20, 10, 2.0)
    atr = talib.ATR(H, L, C, 10)
    np.testing.assert_allclose(middle, talib.EMA(C, 20), equal_nan=True)
    ready = ~np.isnan(middle)
    np.testing.assert_allclose((upper - middle)[ready], 2 * atr[ready])
    np.testing.assert_allclose((middle - lower)[ready], 2 * atr[ready])


def test_session_vwap_restarts_each_day_and_rolling_vwap_uses_n_bars():
    index = pd.date_range("2024-01-02 09:30", periods=8, freq="4h")  # spans two days
    high = np.array([11, 12, 13, 14, 15, 16, 17, 18.0])
    low, close = high - 2, high - 1
    volume = np.array([1, 2, 3, 4, 5, 6, 7, 8.0])
    session = VWAP(high, low, close, volume, index)
    typical = (high + low + close) / 3
    first_day = index.normalize() == index[0].normalize()
    expected_first = np.cumsum(typical[first_day] * volume[first_day]) / np.cumsum(
        volume[first_day]
    )
    np.testing.assert_allclose(session[first_day], expected_first)
    day_two = np.flatnonzero(~first_day)[0]
    assert session[day_two] == typical[day_two]  # a new session starts from its first bar
    rolling = VWAP(high, low, close, volume, index, 3)
    assert np.isnan(rolling[1])
    assert rolling[4] == np.dot(typical[2:5], volume[2:5]) / volume[2:5].sum()


def test_supertrend_turns_down_in_a_fall_and_up_in_a_rise():
    up = np.linspace(100, 150, 60)
    down = np.linspace(150, 90, 60)
    close = np.concatenate([up, down, down[::-1]])
    high, low = close + 1, close - 1
    line, direction = SUPERTREND(high, low, close, 10, 3.0)
    assert direction[55] == 1
    assert line[55] < close[55]
    assert direction[115] == -1
    assert line[115] > close[115]
    assert direction[-1] == 1
    flips = np.flatnonzero(np.diff(direction[~np.isnan(direction)]) != 0)
    assert len(flips) == 2


def test_sources_are_plain_functions_for_the_generated_module():
    for name in ("DONCHIAN", "KELTNER", "VWAP", "SUPERTREND"):
        text = source_of(name)
        assert text.startswith(f"def {name}(")
        compile(text, name, "exec")
