"""Symbols that ship inside backtesting.py (``backtesting.test``) and so work offline."""

from __future__ import annotations

from functools import cache

import pandas as pd

from Backtest.market_data.normalize import normalize_ohlcv

#: Native bar interval of each bundled frame (see the ``backtesting.test`` docstrings).
BUNDLED_INTERVALS = {"GOOG": "1d", "EURUSD": "1h", "BTCUSD": "1mo"}


def bundled_symbols() -> list[str]:
    """Names of the bundled symbols, upper case."""
    return list(BUNDLED_INTERVALS)


@cache
def _load(symbol: str) -> pd.DataFrame:
    # Imported lazily: backtesting.test reads its three CSV files at import time.
    import backtesting.test as bt_test

    return normalize_ohlcv(getattr(bt_test, symbol))


def load_bundled(symbol: str) -> pd.DataFrame:
    """A fresh normalised copy of a bundled frame (callers may mutate it freely)."""
    return _load(symbol.upper()).copy()
