"""OHLCV frames and indicator arrays as JSON rows (NaN and infinities become null)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from Backtest.market_data import iso_utc

_FIELDS = (("open", "Open"), ("high", "High"), ("low", "Low"), ("close", "Close"))


class OhlcvRow(TypedDict):
    time: str
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    volume: float | None


class SeriesPoint(TypedDict):
    time: str
    value: float | None


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _times(index: pd.Index) -> list[str]:
    return [iso_utc(ts) for ts in index]


def ohlcv_rows(frame: pd.DataFrame) -> list[OhlcvRow]:
    """One ``{time, open, high, low, close, volume}`` dict per bar."""
    columns = {key: frame[column].to_numpy() for key, column in _FIELDS}
    volume = frame["Volume"].to_numpy() if "Volume" in frame else np.full(len(frame), np.nan)
    return [
        OhlcvRow(
            time=time,
            open=_number(columns["open"][i]),
            high=_number(columns["high"][i]),
            low=_number(columns["low"][i]),
            close=_number(columns["close"][i]),
            volume=_number(volume[i]),
        )
        for i, time in enumerate(_times(frame.index))
    ]


class FrameRows:
    """A frame as a sliceable sequence of rows for the paginator, converting only one page."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, index: slice) -> list[OhlcvRow]:
        if not isinstance(index, slice):
            raise TypeError("FrameRows supports slices only")
        return ohlcv_rows(self.frame.iloc[index])


def series_points(
    index: pd.Index, outputs: Mapping[str, np.ndarray]
) -> dict[str, list[SeriesPoint]]:
    """``{output: [{time, value}]}`` for charts; warm-up NaNs are null."""
    times = _times(index)
    return {
        name: [
            SeriesPoint(time=time, value=_number(value))
            for time, value in zip(times, values, strict=True)
        ]
        for name, values in outputs.items()
    }
