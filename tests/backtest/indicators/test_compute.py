"""The compute helper that strategy code imports: input casting, params, outputs, errors."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib
from backtesting import Backtest, Strategy
from backtesting.test import GOOG

import Backtest.indicators as indicators
from Backtest.indicators import (
    ATR,
    BBANDS,
    EMA,
    MACD,
    RSI,
    SMA,
    STOCH,
    IndicatorInputError,
    ParameterValueError,
    UnknownIndicatorError,
    UnknownParameterError,
    compute,
    compute_frame,
)

CLOSE = GOOG.Close.to_numpy()
HIGH, LOW = GOOG.High.to_numpy(), GOOG.Low.to_numpy()


def assert_same(a, b):
    np.testing.assert_allclose(a, b, equal_nan=True)


@pytest.mark.parametrize(
    "close",
    [CLOSE, GOOG.Close, CLOSE.tolist(), CLOSE.astype(np.float32)],
    ids=["ndarray", "series", "list", "float32"],
)
def test_helpers_accept_array_likes_and_match_talib(close):
    expected = talib.RSI(np.asarray(close, dtype=np.float64), timeperiod=14)
    assert_same(RSI(close, 14), expected)


def test_integer_volume_is_cast_to_float64():
    assert GOOG.Volume.dtype == np.int64  # TA-Lib itself would refuse this
    result = compute("OBV", GOOG.Close, GOOG.Volume)
    assert_same(result, talib.OBV(CLOSE, GOOG.Volume.to_numpy(dtype=float)))


def test_positional_and_keyword_params_agree():
    expected = talib.BBANDS(CLOSE, timeperiod=10, nbdevup=1.5, nbdevdn=2.5)
    for result in (
        BBANDS(CLOSE, 10, 1.5, 2.5),
        BBANDS(CLOSE, timeperiod=10, nbdevup=1.5, nbdevdn=2.5),
        BBANDS(CLOSE, 10, nbdevdn=2.5, nbdevup=1.5),
    ):
        for got, want in zip(result, expected, strict=True):
            assert_same(got, want)


def test_int_values_for_float_params_are_cast():
    upper, _, _ = BBANDS(CLOSE, 20, 2, 2)  # ints where TA-Lib demands floats
    assert_same(upper, talib.BBANDS(CLOSE, 20, 2.0, 2.0)[0])


def test_numpy_and_integral_float_periods_are_cast_to_int():
    assert_same(RSI(CLOSE, np.int64(7)), talib.RSI(CLOSE, 7))
    assert_same(RSI(CLOSE, 7.0), talib.RSI(CLOSE, 7))


def test_registry_defaults_replace_talib_defaults():
    assert_same(SMA(CLOSE), talib.SMA(CLOSE, 20))  # TA-Lib alone would use 30
    assert_same(EMA(CLOSE), talib.EMA(CLOSE, 20))
    slowk, slowd = STOCH(HIGH, LOW, CLOSE)
    assert_same(slowk, talib.STOCH(HIGH, LOW, CLOSE, fastk_period=14)[0])


def test_multi_output_indicators_return_a_tuple_of_float_arrays():
    result = MACD(CLOSE)
    assert isinstance(result, tuple)
    assert len(result) == 3
    assert all(r.dtype == np.float64 and r.shape == CLOSE.shape for r in result)
    assert_same(result[2], result[0] - result[1])  # histogram = macd - signal


def test_compute_frame_picks_columns_case_insensitively():
    lower = GOOG.rename(columns=str.lower)
    result = compute_frame("ATR", lower, timeperiod=10)
    assert list(result) == ["real"]
    assert_same(result["real"], talib.ATR(HIGH, LOW, CLOSE, 10))
    bands = compute_frame("bollinger", GOOG)
    assert list(bands) == ["upperband", "middleband", "lowerband"]


def test_compute_frame_names_missing_columns():
    with pytest.raises(IndicatorInputError, match="Volume"):
        compute_frame("OBV", GOOG.drop(columns="Volume"))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: RSI(CLOSE, period=14), UnknownParameterError, "no parameter 'period'"),
        (lambda: RSI(CLOSE, 1), ParameterValueError, "between 2 and 500"),
        (lambda: RSI(CLOSE, 14.5), ParameterValueError, "whole number"),
        (lambda: BBANDS(CLOSE, nbdevup=-1.0), ParameterValueError, "nbdevup"),
        (lambda: RSI(CLOSE, 14, timeperiod=14), IndicatorInputError, "both by position"),
        (lambda: RSI(CLOSE, 14, 3), IndicatorInputError, "at most 1 parameters"),
        (lambda: ATR(CLOSE, 14), IndicatorInputError, r"3 price series \(High, Low, Close\)"),
        (lambda: ATR(HIGH, LOW[:-1], CLOSE), IndicatorInputError, "differ in length"),
        (lambda: RSI([[1.0, 2.0]]), IndicatorInputError, "one-dimensional"),
        (lambda: RSI(["a", "b"]), IndicatorInputError, "not numeric"),
        (lambda: compute("NOPE", CLOSE), UnknownIndicatorError, "NOPE"),
    ],
)
def test_bad_calls_raise_clear_typed_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_every_registry_indicator_is_importable_by_name():
    from Backtest.indicators import ADX, CDLDOJI  # the import itself is under test

    assert ADX.__name__ == "ADX"
    assert "Average Directional" in ADX.__doc__
    assert_same(ADX(HIGH, LOW, CLOSE), talib.ADX(HIGH, LOW, CLOSE, 14))
    assert CDLDOJI(GOOG.Open, HIGH, LOW, CLOSE).shape == CLOSE.shape
    with pytest.raises(AttributeError):
        indicators.NOT_AN_INDICATOR  # noqa: B018
    with pytest.raises(AttributeError):
        indicators.BB  # noqa: B018 - aliases are not module attributes


class _HelperStrategy(Strategy):
    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)
        self.macd = self.I(MACD, self.data.Close)
        self.atr = self.I(ATR, self.data.High, self.data.Low, self.data.Close, timeperiod=14)
        self.stoch = self.I(STOCH, self.data.High, self.data.Low, self.data.Close)
        self.bb = self.I(BBANDS, self.data.Close, timeperiod=20, nbdevup=2, nbdevdn=2)
        self.rsi = self.I(RSI, self.data.Close, 14)

    def next(self):
        if not self.position and self.macd[0][-1] > self.macd[1][-1]:
            self.buy()
        elif self.position and self.macd[0][-1] < self.macd[1][-1]:
            self.position.close()


def test_helpers_work_inside_backtesting_strategies():
    stats = Backtest(GOOG, _HelperStrategy, cash=10_000, finalize_trades=True).run()
    strategy = stats._strategy
    assert strategy.macd.shape == (3, len(GOOG))  # three plotted lines
    assert strategy.stoch.shape == (2, len(GOOG))
    assert strategy.sma.name == "SMA(C,20)"
    assert_same(np.asarray(strategy.atr), talib.ATR(HIGH, LOW, CLOSE, 14))
    assert stats["# Trades"] > 10


def test_sandbox_modules_import_only_numpy_pandas_talib_and_the_registry():
    allowed = {"__future__", "numpy", "pandas", "talib", "Backtest"}
    stdlib_ok = {"collections", "dataclasses", "difflib", "functools", "math", "numbers", "typing"}
    root = Path(indicators.__file__).parent
    files = [root / "indicators.py", *sorted((root / "indicator_registry").glob("*.py"))]
    assert len(files) > 1
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in allowed | stdlib_ok, f"{path.name} imports {module}"
                if top == "Backtest":
                    assert module.startswith("Backtest.indicator_registry"), module


def test_series_with_datetime_index_gives_plain_array():
    series = pd.Series(CLOSE, index=GOOG.index)
    result = SMA(series, 5)
    assert type(result) is np.ndarray
