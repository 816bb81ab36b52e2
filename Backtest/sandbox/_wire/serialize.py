"""JSON-safe conversion of backtesting.py results (stats, trades, equity curve).

Runs inside the sandbox child (so the work happens where the objects are) and in tests, which
compare an in-process ``Backtest.run()`` against the sandbox. Transport is columnar (one list per
field) because the parent validates lists much faster than thousands of small dicts, and numeric
columns are packed (``{"f8": base64}`` / ``{"i8": base64}``, little-endian): JSON-encoding and
parsing float reprs cost more than the backtest's own bookkeeping on short runs, and every hop
(child, server, parent) paid it again. Packing is exact (the same bits come out), and a
non-finite float is carried as NaN, which the parent turns into ``None`` as JSON did before.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: backtesting.py ``_trades`` column -> transport/result field name.
TRADE_FIELDS: dict[str, str] = {
    "EntryBar": "entry_bar",
    "ExitBar": "exit_bar",
    "EntryTime": "entry_time",
    "ExitTime": "exit_time",
    "EntryPrice": "entry_price",
    "ExitPrice": "exit_price",
    "Size": "size",
    "PnL": "pnl",
    "ReturnPct": "return_pct",
    "Commission": "commission",
    "Duration": "duration_s",
    "SL": "sl",
    "TP": "tp",
    "Tag": "tag",
}
MAX_TAG_CHARS = 200


def json_safe(value: Any) -> Any:
    """Convert one stats value: timestamps -> ISO, timedeltas -> seconds, NaN/inf -> None."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return value.total_seconds()
    if isinstance(value, np.timedelta64):
        return None if np.isnat(value) else pd.Timedelta(value).total_seconds()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def stats_to_dict(stats: Mapping[str, Any]) -> dict[str, Any]:
    """All public stats entries of a ``Backtest.run()`` result, JSON-safe.

    The private ``_strategy``, ``_equity_curve`` and ``_trades`` objects are dropped; they are
    carried separately (strategy name, equity curve, trades).
    """
    return {str(k): json_safe(v) for k, v in stats.items() if not str(k).startswith("_")}


def _iso_strings(values: Any) -> list[str | None]:
    """Vectorised ISO formatting that matches ``Timestamp.isoformat()`` element by element."""
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        return [None if ts is pd.NaT else ts.isoformat() for ts in index]
    raw = index.to_numpy()
    nat = np.isnat(raw)
    unit = np.datetime_data(raw.dtype)[0]
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}.get(unit, 1)
    whole = raw.view("i8") % per_second == 0
    text = np.datetime_as_string(raw.astype("datetime64[s]"))
    if not whole.all():
        # isoformat() prints microseconds (or nanoseconds) only when they are non-zero
        micro = np.datetime_as_string(raw.astype("datetime64[us]"))
        text = np.where(whole, text, micro)
        if unit == "ns":
            nanos = raw.view("i8") % 1000 != 0
            if nanos.any():
                text = np.where(nanos, np.datetime_as_string(raw), text)
    out: list[str | None] = text.tolist()
    for i in np.flatnonzero(nat):
        out[i] = None
    return out


def packed_floats(values: Any) -> dict[str, str]:
    """``{"f8": base64 of little-endian float64}`` (non-finite values travel as NaN)."""
    arr = np.ascontiguousarray(values, dtype="<f8")
    return {"f8": base64.b64encode(arr.tobytes()).decode("ascii")}


def packed_ints(values: Any) -> dict[str, str]:
    """``{"i8": base64 of little-endian int64}``."""
    arr = np.ascontiguousarray(values, dtype="<i8")
    return {"i8": base64.b64encode(arr.tobytes()).decode("ascii")}


def _column(series: pd.Series, field: str) -> list[Any] | dict[str, str]:
    if field in ("entry_time", "exit_time"):
        if pd.api.types.is_datetime64_any_dtype(series):
            return _iso_strings(series)
        return [json_safe(v) for v in series.tolist()]
    if field == "tag":
        return [None if v is None else str(json_safe(v))[:MAX_TAG_CHARS] for v in series]
    values = series.to_numpy()
    kind = values.dtype.kind
    if field == "duration_s":
        if kind == "m":  # seconds the way Timedelta.total_seconds() computes them
            ticks = values.view("i8")
            seconds = ticks / np.timedelta64(1, "s").astype(values.dtype).view("i8")
            return packed_floats(np.where(np.isnat(values), np.nan, seconds))
        return [json_safe(v) for v in series.tolist()]
    if field in ("entry_bar", "exit_bar") or (field == "size" and kind in "iu"):
        return packed_ints(values)
    if kind in "fiub":
        return packed_floats(values)
    if kind == "O":  # SL/TP: floats and None
        try:
            return packed_floats(np.asarray(values, dtype="float64"))
        except (TypeError, ValueError):
            pass
    return packed_floats(
        pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    )


def trades_columns(trades: pd.DataFrame, limit: int) -> dict[str, list[Any] | dict[str, str]]:
    """The first ``limit`` trades as ``{field: [values...]}`` (absent columns are skipped)."""
    head = trades.iloc[:limit]
    return {
        field: _column(head[column], field)
        for column, field in TRADE_FIELDS.items()
        if column in head.columns
    }


def downsample_indices(equity: np.ndarray, drawdown: np.ndarray, max_points: int) -> np.ndarray:
    """Row indices to keep so a long curve stays honest in <= ``max_points`` points.

    Every bucket keeps its first and last row, its equity minimum and maximum, and its deepest
    drawdown, so the global extremes (and the max-drawdown bar) always survive. Vectorised: the
    buckets are laid out as rows of a padded 2-D array.
    """
    n = len(equity)
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, max_points // 5)
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    starts, stops = edges[:-1], edges[1:]
    width = int((stops - starts).max())
    grid = starts[:, None] + np.arange(width)[None, :]
    valid = grid < stops[:, None]
    grid = np.minimum(grid, n - 1)
    eq = np.asarray(equity, dtype="float64")[grid]
    dd = np.asarray(drawdown, dtype="float64")[grid]
    finite_eq = valid & np.isfinite(eq)
    lows = np.where(finite_eq, eq, np.inf).argmin(axis=1)
    highs = np.where(finite_eq, eq, -np.inf).argmax(axis=1)
    deepest = np.where(valid & np.isfinite(dd), dd, -np.inf).argmax(axis=1)
    keep = np.zeros(n, dtype=bool)
    for rows in ([0, n - 1], starts, stops - 1, starts + lows, starts + highs, starts + deepest):
        keep[rows] = True
    return np.flatnonzero(keep)


def equity_columns(equity_curve: pd.DataFrame, max_points: int) -> dict[str, Any]:
    """Downsampled equity curve as ``{"time": [...], "equity": [...], "drawdown_pct": [...]}``."""
    equity = equity_curve["Equity"].to_numpy(dtype="float64")
    drawdown = equity_curve["DrawdownPct"].to_numpy(dtype="float64")
    idx = downsample_indices(equity, drawdown, max_points)
    index = equity_curve.index[idx]
    if isinstance(index, pd.DatetimeIndex):
        times: list[Any] = _iso_strings(index)
    else:
        times = [json_safe(v) for v in index.tolist()]
    return {
        "time": times,
        "equity": packed_floats(equity[idx]),
        "drawdown_pct": packed_floats(drawdown[idx]),
        "total_points": len(equity),
    }


def numeric_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The numeric public stats only (durations in seconds): a batch's compact per-set result."""
    return {
        key: value
        for key, value in stats_to_dict(stats).items()
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool))
    }


#: Indicator values a run may return (look-ahead checks ask for them), and how many arrays.
MAX_INDICATOR_VALUES = 1_000_000
MAX_INDICATORS = 50


def indicator_columns(indicators: Any, bars: int) -> dict[str, Any]:
    """A strategy's ``self.I`` arrays as ``{"items": [{"name", "rows": [packed]}]}``.

    One packed float column per row of the indicator (a 2-D indicator such as Bollinger bands
    has several), each ``bars`` long; ``{"skipped": reason}`` when there are too many values.
    """
    items: list[dict[str, Any]] = []
    total = 0
    for indicator in list(indicators)[: MAX_INDICATORS + 1]:
        try:
            array = np.asarray(indicator, dtype="float64")
        except (TypeError, ValueError):  # text or objects: nothing to compare as numbers
            return {"skipped": "an indicator's values are not numbers"}
        rows = array.reshape(1, -1) if array.ndim == 1 else array.reshape(array.shape[0], -1)
        if rows.shape[1] != bars:
            return {"skipped": f"an indicator has {rows.shape[1]} values for {bars} bars"}
        total += rows.size
        if len(items) >= MAX_INDICATORS or total > MAX_INDICATOR_VALUES:
            return {
                "skipped": f"more than {MAX_INDICATORS} indicators or "
                f"{MAX_INDICATOR_VALUES:,} indicator values"
            }
        name = getattr(indicator, "name", None)
        label = name if isinstance(name, str) else ", ".join(map(str, name or [])) or "indicator"
        items.append({"name": label[:200], "rows": [packed_floats(row) for row in rows]})
    return {"items": items}
