"""Spec -> code -> backtesting.py run: the compiled strategies trade as the spec says."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest
import talib
from backtesting import Backtest
from backtesting.test import GOOG

from Backtest.spec import compile_spec, example_names, example_spec_data, validate_spec


@pytest.mark.parametrize("name", example_names())
def test_every_example_compiles_runs_on_goog_and_trades(name, run_spec):
    stats = run_spec(example_spec_data(name))
    # Deterministic data and rules that fire many times on 8 years of GOOG: trades are certain.
    assert stats["# Trades"] > 0
    assert np.isfinite(stats["Equity Final [$]"])


@pytest.mark.skipif(
    importlib.util.find_spec("Backtest.validation") is None,
    reason="Backtest/validation.py (validate_code) has not been written yet",
)
@pytest.mark.parametrize("name", example_names())
def test_every_compiled_example_passes_code_validation(name):
    from Backtest.validation import validate_code

    code = compile_spec(validate_spec(example_spec_data(name)), class_name="Compiled")
    report = validate_code(code)
    assert report.ok, report.findings
    assert report.findings == []  # not even a warning
    assert report.strategy_class == "Compiled"


def test_long_only_trades_only_long_and_short_only_only_short(run_spec):
    assert (run_spec(example_spec_data("sma_cross"))._trades.Size > 0).all()
    assert (run_spec(example_spec_data("short_only"))._trades.Size < 0).all()


def test_both_sides_reverses_on_the_opposite_signal(run_spec):
    trades = run_spec(example_spec_data("both_sides"))._trades
    signs = np.sign(trades.Size.to_numpy())
    assert {1, -1} <= set(signs)
    assert (signs[1:] != signs[:-1]).all()  # long, short, long, ...: stop and reverse
    # Each reversal closes one trade and opens the next on the same bar.
    assert (trades.ExitBar.to_numpy()[:-1] == trades.EntryBar.to_numpy()[1:]).all()


def test_equivalent_macd_rules_trade_identically(run_spec):
    # The histogram is macd - signal, so "hist crosses 0" == "macd crosses signal".
    signal = run_spec(example_spec_data("macd_signal_cross"))._trades
    histogram = run_spec(example_spec_data("macd_histogram"))._trades
    assert signal[["EntryBar", "ExitBar"]].equals(histogram[["EntryBar", "ExitBar"]])


def test_position_size_fraction_and_units(run_spec):
    units = run_spec(example_spec_data("fixed_units"))._trades
    assert (units.Size == 10).all()
    half = run_spec(example_spec_data("rsi_with_risk"))._trades.iloc[0]
    notional = half.Size * half.EntryPrice
    assert 0.5 * 10_000 - half.EntryPrice < notional <= 0.5 * 10_000


def test_class_attributes_drive_the_indicators(run_spec):
    default = run_spec(example_spec_data("sma_cross"))
    tuned = run_spec(example_spec_data("sma_cross"), fast_timeperiod=5)
    assert tuned._strategy.fast_timeperiod == 5
    np.testing.assert_allclose(
        np.asarray(tuned._strategy.fast), talib.SMA(GOOG.Close.to_numpy(), 5), equal_nan=True
    )
    assert tuned["# Trades"] != default["# Trades"]


def test_donchian_needs_bars_ago_to_ever_break_out(run_spec):
    # Close can never exceed a 20-bar high that includes the current bar's own High.
    data = example_spec_data("donchian_breakout")
    data["rules"]["entry"]["right"] = "dc_high"
    assert run_spec(data)["# Trades"] == 0
    assert run_spec(example_spec_data("donchian_breakout"))["# Trades"] > 0


def _always(rule_side: str, guard_id: str) -> dict:
    return {
        "logic": "any",
        "conditions": [
            {"left": "Close", "op": ">", "right": 0},
            {"left": guard_id, "op": ">", "right": -1e12},
        ],
    }


def test_warm_up_guard_skips_bars_where_an_indicator_is_nan(run_spec, ohlcv):
    volume = np.full(200, 1_000.0)
    volume[100:110] = np.nan  # momentum of volume is NaN on bars 100..110
    df = ohlcv(100 + np.sin(np.arange(200) / 5) * 5, volume)
    spec = {
        "name": "always in and out",
        "indicators": [
            {"id": "vol_mom", "indicator": "MOM", "params": {"timeperiod": 1}, "source": "Volume"}
        ],
        # "Close > 0" alone is always true, so only the guard can stop these rules.
        "rules": {"entry": _always("entry", "vol_mom"), "exit": _always("exit", "vol_mom")},
    }
    trades = run_spec(spec, df)._trades
    fills = set(trades.EntryBar) | set(trades.ExitBar)
    assert not fills & set(range(101, 112))  # orders from bars 100..110 would fill on 101..111
    assert min(fills) < 100
    assert max(fills) > 112


def _trend_then_drop(ohlcv):
    up = np.linspace(100, 160, 61)
    down = np.linspace(159, 120, 40)
    return ohlcv(np.concatenate([up, down])), 160.0


def test_trailing_stop_follows_the_close_and_exits_on_the_pullback(run_spec, ohlcv):
    df, peak_close = _trend_then_drop(ohlcv)
    spec = {
        "name": "trail",
        "rules": {"entry": {"left": "Close", "op": ">", "right": 0}},
        "trailing_stop_pct": 5.0,
    }
    first = run_spec(spec, df)._trades.iloc[0]
    assert first.ExitPrice == pytest.approx(peak_close * 0.95)
    assert first.ExitBar > 61  # it held through the whole rise
    without = run_spec({**spec, "trailing_stop_pct": None}, df)._trades
    assert len(without) == 1  # no exit rule and no stop: held to the end


def test_fixed_stop_and_target_are_measured_from_the_fill_price(run_spec, ohlcv):
    df, _ = _trend_then_drop(ohlcv)
    spec = {
        "name": "brackets",
        "rules": {"entry": {"left": "Close", "op": ">", "right": 0}},
        "stop_loss_pct": 10.0,
        "take_profit_pct": 20.0,
    }
    trade = run_spec(spec, df)._trades.iloc[0]
    stop, target = trade["SL"], trade["TP"]
    assert stop == pytest.approx(trade.EntryPrice * 0.9)
    assert target == pytest.approx(trade.EntryPrice * 1.2)
    assert trade.ExitPrice == pytest.approx(target)  # the rise reaches +20 % first


def test_short_stop_sits_above_and_target_below(run_spec, ohlcv):
    df, _ = _trend_then_drop(ohlcv)
    spec = {
        "name": "short brackets",
        "side": "short",
        "rules": {"short_entry": {"left": "Close", "op": ">", "right": 0}},
        "stop_loss_pct": 5.0,
        "take_profit_pct": 10.0,
    }
    trade = run_spec(spec, df)._trades.iloc[0]
    assert trade.Size < 0
    stop, target = trade["SL"], trade["TP"]
    assert stop == pytest.approx(trade.EntryPrice * 1.05)
    assert target == pytest.approx(trade.EntryPrice * 0.9)
    assert trade.ExitPrice == pytest.approx(stop)  # price rises into the stop


@pytest.mark.slow
def test_optimize_sweeps_compiled_class_attributes(load_strategy):
    code = compile_spec(validate_spec(example_spec_data("sma_cross")), class_name="Cross")
    strategy = load_strategy(code, "Cross")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = Backtest(GOOG, strategy, cash=10_000, finalize_trades=True).optimize(
            fast_timeperiod=[5, 10], slow_timeperiod=[20, 30], maximize="Equity Final [$]"
        )
    assert stats._strategy.fast_timeperiod in (5, 10)
    assert stats._strategy.slow_timeperiod in (20, 30)
