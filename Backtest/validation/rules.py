"""What strategy code may import and touch; every table the checker consults lives here."""

from __future__ import annotations

import re

ALLOWED_MODULES = (
    "backtesting",
    "backtesting.lib",
    "backtesting.test",
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "numpy.fft",
    "numpy.polynomial",
    "numpy.ma",
    "pandas",
    "talib",
    "talib.abstract",
    "math",
    "statistics",
    "typing",
    "dataclasses",
    "functools",
    "itertools",
    "collections",
    "collections.abc",
    "__future__",
    "Backtest.indicators",
)
FORBIDDEN_FROM = {("numpy", "ctypeslib"), ("numpy", "f2py"), ("numpy", "testing")}
FORBIDDEN_CALLS = frozenset(
    {"eval", "exec", "compile", "open", "__import__", "globals", "locals", "vars", "breakpoint"}
    | {"input", "memoryview", "exit", "quit", "help"}
)
FORBIDDEN_MODULE_NAMES = frozenset(
    {"os", "sys", "subprocess", "socket", "ctypes", "importlib", "shutil", "pathlib", "pickle"}
    | {"marshal", "builtins", "io", "inspect", "gc", "signal", "tempfile", "multiprocessing"}
)
ATTR_FUNCS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
INTROSPECTION_ATTRS = frozenset(
    {"gi_frame", "gi_code", "ag_frame", "cr_frame", "f_globals", "f_locals", "f_builtins"}
    | {"f_back", "f_code", "tb_frame", "tb_next", "co_code", "func_globals", "ctypeslib", "f2py"}
    | {"eval", "exec"}
)
FILE_IO_ATTRS = frozenset(
    {"read_csv", "read_excel", "read_json", "read_parquet", "read_pickle", "read_sql"}
    | {"read_sql_query", "read_sql_table", "read_table", "read_fwf", "read_hdf", "read_html"}
    | {"read_xml", "read_feather", "read_orc", "read_stata", "read_sas", "read_spss"}
    | {"read_clipboard", "to_csv", "to_excel", "to_json", "to_parquet", "to_pickle", "to_sql"}
    | {"to_hdf", "to_feather", "to_stata", "to_xml", "to_clipboard", "to_html", "to_latex"}
    | {"to_markdown", "tofile", "fromfile", "loadtxt", "savetxt", "genfromtxt", "savez"}
    | {"savez_compressed", "fromregex", "memmap", "HDFStore", "ExcelWriter", "ExcelFile"}
    | {"DataSource"}
)
NUMPY_ONLY_IO = frozenset({"load", "save"})  # too generic to flag on any object
INIT_ALIASES: tuple[str, ...] = (
    "__init__",
    "initialize",
    "setup",
    "on_init",
    "on_start",
    "start",
    "Init",
)
NEXT_ALIASES: tuple[str, ...] = (
    "on_bar",
    "on_data",
    "on_tick",
    "onbar",
    "on_candle",
    "handle_data",
    "on_next",
    "tick",
    "step",
    "run",
    "update",
    "Next",
)
PRICE_COLUMNS = {
    "open": "Open",
    "high": "High",
    "low": "Low",
    "close": "Close",
    "volume": "Volume",
}
PANDAS_ONLY = frozenset(
    {"rolling", "iloc", "loc", "iat", "at", "shift", "ewm", "expanding", "pct_change"}
    | {"fillna", "dropna", "resample"}
)
STRATEGY_BASES = {
    "backtesting.Strategy": "base",
    "backtesting.backtesting.Strategy": "base",
    "backtesting.lib.SignalStrategy": "lib",
    "backtesting.lib.TrailingStrategy": "lib",
}
FORMAT_DUNDER = re.compile(r"\{[^{}]*(?:\.|\[)\s*_")
#: Names LLM-written strategies use without importing, and the import that binds them.
KNOWN_IMPORTS = {
    "crossover": "from backtesting.lib import crossover",
    "cross": "from backtesting.lib import cross",
    "barssince": "from backtesting.lib import barssince",
    "resample_apply": "from backtesting.lib import resample_apply",
    "SignalStrategy": "from backtesting.lib import SignalStrategy",
    "TrailingStrategy": "from backtesting.lib import TrailingStrategy",
    "Strategy": "from backtesting import Strategy",
    "SMA": "from backtesting.test import SMA",
    "EMA": "from Backtest.indicators import EMA",
    "RSI": "from Backtest.indicators import RSI",
    "MACD": "from Backtest.indicators import MACD",
    "BBANDS": "from Backtest.indicators import BBANDS",
    "ATR": "from Backtest.indicators import ATR",
    "STOCH": "from Backtest.indicators import STOCH",
    "ADX": "from Backtest.indicators import ADX",
    "CCI": "from Backtest.indicators import CCI",
    "OBV": "from Backtest.indicators import OBV",
    "WMA": "from Backtest.indicators import WMA",
    "MFI": "from Backtest.indicators import MFI",
    "WILLR": "from Backtest.indicators import WILLR",
    "talib": "import talib",
    "np": "import numpy as np",
    "numpy": "import numpy",
    "pd": "import pandas as pd",
    "pandas": "import pandas",
    "math": "import math",
    "statistics": "import statistics",
}
#: What ``self.<name>`` a backtesting.py ``Strategy`` has without defining it.
STRATEGY_MEMBERS = frozenset(
    {"I", "buy", "sell", "data", "position", "trades", "closed_trades", "orders", "equity"}
    | {"init", "next", "_broker", "_data", "_params", "_indicators"}
    # backtesting.lib's SignalStrategy / TrailingStrategy
    | {"set_signal", "set_trailing_sl", "set_atr_periods", "set_trailing_pct"}
)
