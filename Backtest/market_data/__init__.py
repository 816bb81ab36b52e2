"""Market data for backtests: bundled samples, user uploads, a disk cache and Yahoo Finance.

Everything handed to backtesting.py goes through ``normalize_ohlcv`` first, so every frame has a
sorted, unique, tz-naive DatetimeIndex named ``Date`` and float64 ``Open High Low Close Volume``.
"""

from __future__ import annotations

from Backtest.market_data.csv_upload import parse_ohlcv_csv
from Backtest.market_data.errors import (
    CSVValidationError,
    DataError,
    DataFetchError,
    EmptyRangeError,
    InvalidDataError,
    InvalidIntervalError,
    InvalidRangeError,
    InvalidSymbolError,
    UnknownSymbolError,
)
from Backtest.market_data.loader import (
    SymbolInfo,
    fetch_to_cache,
    iso_utc,
    list_symbols,
    load_ohlcv,
    save_dataset,
)
from Backtest.market_data.normalize import COLUMNS, normalize_ohlcv

__all__ = [
    "COLUMNS",
    "CSVValidationError",
    "DataError",
    "DataFetchError",
    "EmptyRangeError",
    "InvalidDataError",
    "InvalidIntervalError",
    "InvalidRangeError",
    "InvalidSymbolError",
    "SymbolInfo",
    "UnknownSymbolError",
    "fetch_to_cache",
    "iso_utc",
    "list_symbols",
    "load_ohlcv",
    "normalize_ohlcv",
    "parse_ohlcv_csv",
    "save_dataset",
]
