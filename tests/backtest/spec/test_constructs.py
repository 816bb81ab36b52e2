"""Spec 2.0 constructs do what they say when backtested (compiled, run in-process here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import talib
from backtesting.test import GOOG

ALWAYS = {"left": "Close", "op": ">", "right": 0}


def spec(**fields) -> dict:
    return {"version": "2.0", "name": "construct", "rules": {"entry": ALWAYS}, **fields}


def wave(ohlcv, n=300, period=20.0, amplitude=10.0):
    return ohlcv(100 + amplitude * np.sin(np.arange(n) / period * 2 * np.pi))


def test_exit_after_bars_holds_each_trade_exactly_that_long(run_spec, ohlcv):
    trades = run_spec(spec(exit_after_bars=5), wave(ohlcv))._trades
    closed = trades[trades.ExitBar < 299]
    assert len(closed) > 10
    assert set(closed.ExitBar - closed.EntryBar) == {5}


@pytest.mark.parametrize(
    ("node", "check"),
    [
        ({"weekdays": ["mon"]}, lambda ts: ts.weekday() == 0),
        ({"negate": {"weekdays": ["mon", "tue"]}}, lambda ts: ts.weekday() > 1),
        ({"months": [3, 4]}, lambda ts: ts.month in (3, 4)),
    ],
)
def test_calendar_filters_look_at_the_signal_bar(run_spec, ohlcv, node, check):
    df = wave(ohlcv, n=400)
    data = spec(rules={"entry": {"logic": "all", "conditions": [ALWAYS, node]}}, exit_after_bars=1)
    trades = run_spec(data, df)._trades
    assert len(trades) > 5
    assert all(check(df.index[bar - 1]) for bar in trades.EntryBar)


def test_time_of_day_window_on_intraday_bars(run_spec, ohlcv):
    df = wave(ohlcv, n=400)
    df.index = pd.date_range("2024-01-02 09:30", periods=400, freq="15min")
    window = {"time_from": "10:00", "time_to": "11:00"}
    data = spec(
        rules={"entry": {"logic": "all", "conditions": [ALWAYS, window]}}, exit_after_bars=1
    )
    trades = run_spec(data, df)._trades
    signal_times = {df.index[bar - 1].strftime("%H:%M") for bar in trades.EntryBar}
    assert signal_times
    assert signal_times <= {"10:00", "10:15", "10:30", "10:45"}


def test_atr_stop_and_target_are_multiples_of_the_atr_before_the_fill(run_spec):
    data = spec(
        stop_loss={"atr": 2, "atr_period": 14},
        take_profit={"atr": 3, "atr_period": 14},
    )
    trade = run_spec(data, GOOG)._trades.iloc[0]
    atr = talib.ATR(GOOG.High.to_numpy(), GOOG.Low.to_numpy(), GOOG.Close.to_numpy(), 14)
    before = atr[trade.EntryBar - 1]
    assert pytest.approx(trade.EntryPrice - 2 * before) == trade.SL
    assert pytest.approx(trade.EntryPrice + 3 * before) == trade.TP


def test_risk_percent_sizes_the_position_from_the_stop_distance(run_spec):
    data = spec(stop_loss={"percent": 5}, sizing={"mode": "risk_percent", "value": 1})
    trade = run_spec(data, GOOG)._trades.iloc[0]
    signal_close = GOOG.Close.iloc[trade.EntryBar - 1]
    assert trade.Size == int(10_000 * 0.01 / (signal_close * 0.05))


def test_units_sizing_buys_that_many_units(run_spec):
    trades = run_spec(spec(sizing={"mode": "units", "value": 7}, exit_after_bars=3), GOOG)._trades
    assert set(trades.Size) == {7}


def test_limit_entry_fills_at_or_below_its_price(run_spec, ohlcv):
    df = wave(ohlcv)
    price = {"left": "Close", "arith": "*", "right": 0.99}
    data = spec(entry_order={"type": "limit", "price": price, "valid_bars": 3}, exit_after_bars=2)
    trades = run_spec(data, df)._trades
    assert len(trades) > 5
    for _, trade in trades.iterrows():
        signal_closes = df.Close.iloc[max(0, trade.EntryBar - 3) : trade.EntryBar]
        assert trade.EntryPrice <= signal_closes.max() * 0.99 + 1e-9


def test_stop_entry_fills_at_or_above_its_price(run_spec, ohlcv):
    df = wave(ohlcv)
    price = {"left": "High", "arith": "*", "right": 1.001}
    data = spec(entry_order={"type": "stop", "price": price}, exit_after_bars=2)
    trades = run_spec(data, df)._trades
    assert len(trades) > 5
    for _, trade in trades.iterrows():
        assert trade.EntryPrice >= df.High.iloc[trade.EntryBar - 1] * 1.001 - 1e-9


def _signal_bars(trades) -> list[int]:
    return [bar - 1 for bar in trades.EntryBar]


def test_percent_change_and_arithmetic_select_the_right_bars(run_spec):
    change = {"change_pct": "Close", "bars": 5}
    data = spec(rules={"entry": {"left": change, "op": "<", "right": -4}}, exit_after_bars=1)
    trades = run_spec(data, GOOG)._trades
    close = GOOG.Close.to_numpy()
    assert len(trades) > 5
    assert all((close[b] / close[b - 5] - 1) * 100 < -4 for b in _signal_bars(trades))


def test_trend_and_held_for_need_every_bar(run_spec):
    rising = {"trend": "rising", "of": "Close", "bars": 4}
    data = spec(rules={"entry": rising}, exit_after_bars=1)
    close = GOOG.Close.to_numpy()
    bars = _signal_bars(run_spec(data, GOOG)._trades)
    assert bars
    assert all(all(close[b - k] > close[b - k - 1] for k in range(4)) for b in bars)
    held = {"held_for": 3, "condition": {"left": "Close", "op": ">", "right": "Open"}}
    opens = GOOG.Open.to_numpy()
    bars = _signal_bars(run_spec(spec(rules={"entry": held}, exit_after_bars=1), GOOG)._trades)
    assert bars
    assert all(all(close[b - k] > opens[b - k] for k in range(3)) for b in bars)


def test_indicator_of_an_indicator_uses_the_first_as_input(run_spec):
    data = spec(
        indicators=[
            {"id": "rsi", "indicator": "RSI"},
            {"id": "rsi_avg", "indicator": "SMA", "params": {"timeperiod": 9}, "source": "rsi"},
        ],
        rules={"entry": {"left": "rsi", "op": "crosses_above", "right": "rsi_avg"}},
        exit_after_bars=2,
    )
    stats = run_spec(data, GOOG)
    expected = talib.SMA(talib.RSI(GOOG.Close.to_numpy(), 14), 9)
    np.testing.assert_allclose(np.asarray(stats._strategy.rsi_avg), expected, equal_nan=True)
    assert len(stats._trades) > 5


def test_channel_indicators_compile_and_trade_on_goog(run_spec):
    data = spec(
        indicators=[
            {"id": "dc", "indicator": "DONCHIAN"},
            {"id": "kc", "indicator": "KELTNER"},
            {"id": "st", "indicator": "SUPERTREND"},
            {"id": "vwap", "indicator": "VWAP", "params": {"timeperiod": 10}},
        ],
        rules={
            "entry": {
                "logic": "any",
                "conditions": [
                    {"left": "Close", "op": ">", "right": {"ref": "dc.upper", "bars_ago": 1}},
                    {"left": "Close", "op": "crosses_above", "right": "kc.upper"},
                    {"left": "st.direction", "op": "crosses_above", "right": 0},
                    {"left": "Close", "op": "crosses_above", "right": "vwap"},
                ],
            },
            "exit": {"left": "Close", "op": "<", "right": "st.line"},
        },
    )
    assert run_spec(data, GOOG)["# Trades"] > 20
