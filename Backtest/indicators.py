"""Indicator functions for strategy code, usable directly inside backtesting.py's ``self.I``.

    from Backtest.indicators import RSI, MACD, ATR
    self.rsi = self.I(RSI, self.data.Close, 14)
    self.macd = self.I(MACD, self.data.Close)            # tuple of 3 arrays -> 3 plotted lines
    self.atr = self.I(ATR, self.data.High, self.data.Low, self.data.Close, timeperiod=14)

Every TA-Lib function in the registry is importable by name (``from Backtest.indicators import
ADX``); the seven featured ones are defined explicitly. Defaults come from the registry (so
``SMA(close)`` is a 20-bar SMA, not TA-Lib's 30) and parameters are validated against it.

This module runs inside the strategy sandbox: it imports only numpy, pandas, talib and the
registry.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import talib

from Backtest.indicator_registry import (
    IndicatorInfo,
    IndicatorParameterError,
    ParameterValueError,
    UnknownIndicatorError,
    UnknownParameterError,
    get_indicator,
)

__all__ = [
    "ATR",
    "BBANDS",
    "EMA",
    "MACD",
    "RSI",
    "SMA",
    "STOCH",
    "IndicatorInputError",
    "IndicatorParameterError",
    "ParameterValueError",
    "UnknownIndicatorError",
    "UnknownParameterError",
    "compute",
    "compute_frame",
]

IndicatorResult = np.ndarray | tuple[np.ndarray, ...]


class IndicatorInputError(ValueError):
    """The price inputs are missing, of the wrong shape or not numeric."""


def _as_float_array(value: Any, indicator: str, field: str) -> np.ndarray:
    """Cast a backtesting ``_Array``, Series, list or ndarray to a contiguous 1-D float64 array."""
    if isinstance(value, pd.Series | pd.Index):
        value = value.to_numpy()
    try:
        array = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise IndicatorInputError(f"{indicator} input {field} is not numeric: {exc}") from exc
    if array.ndim != 1:
        raise IndicatorInputError(
            f"{indicator} input {field} must be one-dimensional, got shape {array.shape}"
        )
    # Drop numpy subclasses (backtesting's _Array) so TA-Lib sees a plain ndarray.
    return array.view(np.ndarray)


def _split_args(info: IndicatorInfo, args: tuple[Any, ...]) -> tuple[list[Any], dict[str, Any]]:
    """Separate the leading price series from positional parameters, in registry order."""
    n_inputs = len(info.inputs)
    series = list(args[:n_inputs])
    scalars = [i for i, a in enumerate(series) if isinstance(a, numbers.Number)]
    if len(series) < n_inputs or scalars:
        got = scalars[0] if scalars else len(series)
        raise IndicatorInputError(
            f"{info.name} needs {n_inputs} price series ({', '.join(info.inputs)}) before its "
            f"parameters, got {got}"
        )
    extra = args[n_inputs:]
    if len(extra) > len(info.parameters):
        raise IndicatorInputError(
            f"{info.name} takes at most {len(info.parameters)} parameters "
            f"({', '.join(p.name for p in info.parameters) or 'none'}), got {len(extra)}"
        )
    return series, {p.name: v for p, v in zip(info.parameters, extra, strict=False)}


def compute(name: str, *args: Any, **params: Any) -> IndicatorResult:
    """Compute indicator ``name`` on price series, with positional or keyword TA-Lib parameters.

    Returns one float64 array for single-output indicators, else a tuple (one array per
    output, in registry order) so backtesting.py plots each as its own line.
    """
    info = get_indicator(name)
    series, positional = _split_args(info, args)
    clash = sorted(set(positional) & set(params))
    if clash:
        raise IndicatorInputError(f"{info.name} got {', '.join(clash)} both by position and name")
    resolved = info.resolve_params({**positional, **params})
    arrays = [
        _as_float_array(value, info.name, field)
        for value, field in zip(series, info.inputs, strict=True)
    ]
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise IndicatorInputError(f"{info.name} inputs differ in length: {sorted(lengths)}")
    result = getattr(talib, info.name)(*arrays, **resolved)
    if isinstance(result, tuple | list):
        return tuple(np.asarray(r, dtype=np.float64) for r in result)
    return np.asarray(result, dtype=np.float64)


def compute_frame(name: str, df: pd.DataFrame, **params: Any) -> dict[str, np.ndarray]:
    """Compute an indicator from an OHLCV frame; returns ``{output name: values}``.

    Columns are matched case-insensitively, so yfinance-style and lower-case frames both work.
    """
    info = get_indicator(name)
    by_lower = {str(column).lower(): column for column in df.columns}
    missing = [field for field in info.inputs if field.lower() not in by_lower]
    if missing:
        raise IndicatorInputError(
            f"{info.name} needs column(s) {', '.join(missing)}; frame has "
            f"{', '.join(map(str, df.columns))}"
        )
    series = [df[by_lower[field.lower()]] for field in info.inputs]
    result = compute(info.name, *series, **params)
    values = result if isinstance(result, tuple) else (result,)
    return dict(zip(info.outputs, values, strict=True))


def _make(name: str) -> Callable[..., IndicatorResult]:
    """Named wrapper so backtesting.py labels the plot "RSI(...)" rather than "compute(...)"."""

    def indicator(*args: Any, **params: Any) -> IndicatorResult:
        return compute(name, *args, **params)

    info = get_indicator(name)
    params = ", ".join(f"{p.name}={p.default!r}" for p in info.parameters)
    indicator.__name__ = indicator.__qualname__ = name
    indicator.__doc__ = (
        f"{info.display_name}: {info.description}\n\n"
        f"Inputs: {', '.join(info.inputs)}. Parameters: {params or 'none'}. "
        f"Outputs: {', '.join(info.outputs)}.\nExample: {info.example}"
    )
    return indicator


SMA = _make("SMA")
EMA = _make("EMA")
RSI = _make("RSI")
MACD = _make("MACD")
BBANDS = _make("BBANDS")
ATR = _make("ATR")
STOCH = _make("STOCH")


def __getattr__(name: str) -> Callable[..., IndicatorResult]:
    """Expose every other registry indicator by its TA-Lib name (PEP 562), e.g. ``ADX``."""
    if not name.isupper():
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        info = get_indicator(name)
    except UnknownIndicatorError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    if info.name != name:  # aliases stay out of the namespace; one name per function
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    wrapper = _make(name)
    globals()[name] = wrapper
    return wrapper
