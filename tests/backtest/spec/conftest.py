"""Fixtures for running compiled strategy code in-process."""

from __future__ import annotations

import itertools
import sys
import types
import warnings

import numpy as np
import pandas as pd
import pytest
from backtesting import Backtest
from backtesting.test import GOOG

from Backtest.spec import compile_spec, validate_spec

_counter = itertools.count()


@pytest.fixture
def load_strategy():
    """Exec generated code as a registered module (so optimize() can pickle the class)."""
    names: list[str] = []

    def load(code: str, class_name: str):
        name = f"generated_strategy_{next(_counter)}"
        module = types.ModuleType(name)
        sys.modules[name] = module
        names.append(name)
        exec(compile(code, f"<{name}>", "exec"), module.__dict__)
        return getattr(module, class_name)

    yield load
    for name in names:
        sys.modules.pop(name, None)


@pytest.fixture
def run_spec(load_strategy):
    """Validate, compile and backtest spec JSON; returns backtesting's stats Series."""

    def run(data: dict, df: pd.DataFrame = GOOG, **params):
        code = compile_spec(validate_spec(data), class_name="Generated")
        strategy = load_strategy(code, "Generated")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas deprecation noise from backtesting's stats
            return Backtest(df, strategy, cash=10_000, finalize_trades=True).run(**params)

    return run


def make_ohlcv(close: np.ndarray, volume: float | np.ndarray = 1_000.0) -> pd.DataFrame:
    """Gap-free OHLCV bars around a close path: each open is the previous close."""
    close = np.asarray(close, dtype=float)
    open_ = np.concatenate([[close[0]], close[:-1]])
    index = pd.date_range("2024-01-01", periods=len(close), freq="D")
    return pd.DataFrame(
        {
            "Open": open_,
            "High": np.maximum(open_, close) + 0.25,
            "Low": np.minimum(open_, close) - 0.25,
            "Close": close,
            "Volume": volume,
        },
        index=index,
    )


@pytest.fixture
def ohlcv():
    """Factory for synthetic OHLCV frames."""
    return make_ohlcv
