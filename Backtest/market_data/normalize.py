"""The one OHLCV normaliser every frame goes through before it reaches backtesting.py.

Policy (documented here because callers and users depend on it):

* Columns are matched in any case, ignoring spaces/underscores/punctuation, with common aliases
  (``o``/``h``/``l``/``c``/``v``, ``vol``, ``last``, ``price``). ``Close`` wins over ``Adj Close``;
  ``Adj Close`` is used only when there is no ``Close`` column. Other columns are dropped.
* Timestamps come from a ``Date``/``Datetime``/``Timestamp``/``Time`` column (separate ``Date``
  and ``Time`` columns are combined), else from the index. Strings, ``YYYYMMDD`` integers and
  epoch numbers (s/ms/us/ns, guessed from magnitude) are accepted. Time zones are converted to
  UTC, then dropped.
* Prices become float64. ``±inf`` counts as missing. Rows with a missing Open/High/Low/Close are
  dropped; a missing Volume becomes 0 (a missing Volume column is all zeros). Completely blank
  rows are dropped; a row with prices but no timestamp is an error.
* Rows are sorted by time; for duplicate timestamps the last row wins (later rows are usually
  corrections).
* Rejected with a message naming the row: unparseable values, High < Low, prices <= 0, negative
  Volume, and Open/Close outside [Low, High] (unless ``repair=True``, which widens High/Low to
  include Open/Close: vendor feeds such as Yahoo occasionally carry such rounding artefacts).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from Backtest.market_data.errors import InvalidDataError

PRICE_COLUMNS = ("Open", "High", "Low", "Close")
COLUMNS = (*PRICE_COLUMNS, "Volume")
INDEX_NAME = "Date"

# Candidates in priority order, keyed by the squashed header (lowercase, alphanumerics only).
_COLUMN_CANDIDATES: dict[str, tuple[str, ...]] = {
    "Open": ("open", "o", "openprice"),
    "High": ("high", "h", "highprice", "hi"),
    "Low": ("low", "l", "lowprice", "lo"),
    "Close": ("close", "c", "closeprice", "last", "price", "adjclose", "adjustedclose"),
    "Volume": ("volume", "vol", "v", "tickvolume"),
}
_DATE_CANDIDATES = ("datetime", "timestamp", "date", "time", "dt", "unnamed0", "index", "")
# Positional row -> (human location for messages, number reported in error details).
Locator = Callable[[int], tuple[str, int]]


def _default_locator(pos: int) -> tuple[str, int]:
    return f"row {pos}", pos


def _squash(name: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def normalize_ohlcv(df: pd.DataFrame, *, repair: bool = False) -> pd.DataFrame:
    """Return a clean copy: sorted unique tz-naive DatetimeIndex named ``Date``, float64 OHLCV.

    Raises InvalidDataError (with ``field`` and 0-based positional ``row`` when known) for data
    that cannot be trusted; see the module docstring for the full policy.
    """
    return _normalize(df, repair=repair, locate=_default_locator)


def _normalize(df: pd.DataFrame, *, repair: bool, locate: Locator) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise InvalidDataError(f"expected a pandas DataFrame, got {type(df).__name__}")
    df = _flatten_columns(df)
    by_key: dict[str, object] = {}
    for col in df.columns:
        key = _squash(col)
        if key in by_key and key in _all_known_keys():
            raise InvalidDataError(
                f"duplicate column: {by_key[key]!r} and {col!r} both mean {key!r}", field=str(col)
            )
        by_key.setdefault(key, col)

    dates = _extract_dates(df, by_key, locate)
    picked: dict[str, object] = {}
    for target, candidates in _COLUMN_CANDIDATES.items():
        found = next((by_key[c] for c in candidates if c in by_key), None)
        if found is None and target != "Volume":
            raise InvalidDataError(
                f"missing required column {target!r} (found columns: "
                f"{', '.join(map(str, df.columns)) or 'none'})",
                field=target,
            )
        picked[target] = found

    values = {
        name: _to_float(df[col], name, locate) if col is not None else None
        for name, col in picked.items()
    }
    n = len(df)
    volume = values["Volume"] if values["Volume"] is not None else np.zeros(n)
    columns: list[np.ndarray] = [_present(values[c]) for c in PRICE_COLUMNS]
    prices = np.column_stack(columns) if n else np.empty((0, 4))
    positions = np.arange(n)

    missing_date = dates.isna()
    blank = missing_date & np.isnan(prices).all(axis=1) & np.isnan(volume)
    if (missing_date & ~blank).any():
        where, num = locate(int(np.flatnonzero(missing_date & ~blank)[0]))
        raise InvalidDataError(f"missing date/time on {where}", field=INDEX_NAME, row=num)

    keep = ~np.isnan(prices).any(axis=1) & ~missing_date
    prices, volume, positions = prices[keep], volume[keep], positions[keep]
    volume = np.where(np.isnan(volume), 0.0, volume)
    prices = _check_prices(prices, volume, positions, repair=repair, locate=locate)

    out = pd.DataFrame(prices, columns=list(PRICE_COLUMNS), index=dates[keep])
    out["Volume"] = volume
    out.index.name = INDEX_NAME
    out = out.sort_index(kind="stable")
    out = out[~out.index.duplicated(keep="last")]
    if out.empty:
        raise InvalidDataError("no usable rows: every row lacks a price or a date")
    return out.astype("float64")


def _all_known_keys() -> set[str]:
    keys = {c for cands in _COLUMN_CANDIDATES.values() for c in cands}
    return keys | set(_DATE_CANDIDATES)


def _flatten_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Drop the ticker level of yfinance-style MultiIndex columns (one ticker only)."""
    if not isinstance(df.columns, pd.MultiIndex):
        return df
    known = {c for cands in _COLUMN_CANDIDATES.values() for c in cands}
    for level in range(df.columns.nlevels):
        names = df.columns.get_level_values(level)
        if {_squash(x) for x in names} & known:
            others = [lvl for lvl in range(df.columns.nlevels) if lvl != level]
            for other in others:
                if df.columns.get_level_values(other).nunique() > 1:
                    raise InvalidDataError("frame holds several tickers; pass one ticker at a time")
            out = df.copy()
            out.columns = names
            return out
    raise InvalidDataError("could not find Open/High/Low/Close in the column levels")


def _extract_dates(df: pd.DataFrame, by_key: dict[str, object], locate: Locator) -> pd.Series:
    """Return one timestamp per row (NaT where missing), tz-naive UTC, datetime64[ns]."""
    if "date" in by_key and "time" in by_key:
        # Separate date and time columns (MetaTrader-style exports): join them as text.
        date_text = df[by_key["date"]].astype("string").str.strip()
        time_text = df[by_key["time"]].astype("string").str.strip()
        return _to_datetime(date_text + " " + time_text, "Date", locate)
    col = next((by_key[c] for c in _DATE_CANDIDATES if c in by_key), None)
    if col is not None:
        return _to_datetime(df[col], str(col), locate)
    index = df.index
    if isinstance(index, pd.DatetimeIndex):
        return _to_datetime(pd.Series(index, index=range(len(df))), INDEX_NAME, locate)
    if isinstance(index, pd.RangeIndex) or len(index) == 0:
        raise InvalidDataError(
            "no date column: add a column named Date (or Datetime/Timestamp) "
            "or pass a frame with a DatetimeIndex",
            field=INDEX_NAME,
        )
    return _to_datetime(pd.Series(index, index=range(len(df))), INDEX_NAME, locate)


def _to_datetime(raw: pd.Series, field: str, locate: Locator) -> pd.Series:
    raw = raw.reset_index(drop=True)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return _as_naive_ns(raw)
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw.astype("datetime64[ns]")
    text = raw.astype("string").str.strip().replace("", pd.NA)
    present = text.notna()
    numeric = pd.to_numeric(text, errors="coerce")
    if present.any() and numeric[present].notna().all():
        return _from_numbers(numeric, field, locate)
    parsed = pd.to_datetime(text, errors="coerce", utc=True)
    retry = parsed.isna() & present
    if retry.any():
        # Inferred formats must be consistent; fall back to per-value parsing for the rest.
        parsed[retry] = pd.to_datetime(text[retry], errors="coerce", utc=True, format="mixed")
    bad = parsed.isna() & present
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        where, num = locate(pos)
        raise InvalidDataError(
            f"could not parse {field} value {text[pos]!r} on {where} as a date/time",
            field=field,
            row=num,
        )
    return _as_naive_ns(parsed)


def _from_numbers(numbers: pd.Series, field: str, locate: Locator) -> pd.Series:
    """YYYYMMDD integers or epoch timestamps; the unit is guessed from the magnitude."""
    values = numbers.dropna()
    if ((values >= 19000101) & (values <= 21001231) & (values % 1 == 0)).all():
        text = numbers.astype("Int64").astype("string")
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        bad = parsed.isna() & numbers.notna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            where, num = locate(pos)
            raise InvalidDataError(
                f"{field} value {text[pos]!r} on {where} is not a valid YYYYMMDD date",
                field=field,
                row=num,
            )
        return parsed.astype("datetime64[ns]")
    if (values.abs() < 1e8).any():
        pos = int(np.flatnonzero((numbers.abs() < 1e8).to_numpy())[0])
        where, num = locate(pos)
        raise InvalidDataError(
            f"{field} value {numbers[pos]!r} on {where} is neither a date nor an epoch timestamp",
            field=field,
            row=num,
        )
    biggest = values.abs().max()
    unit = "s" if biggest < 1e11 else "ms" if biggest < 1e14 else "us" if biggest < 1e17 else "ns"
    return pd.to_datetime(numbers, unit=unit, errors="coerce").astype("datetime64[ns]")


def _as_naive_ns(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[ns]")


def _to_float(raw: pd.Series, field: str, locate: Locator) -> np.ndarray:
    raw = raw.reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        out = raw.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    else:
        text = raw.astype("string").str.strip().replace("", pd.NA)
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() & text.notna() & ~text.str.lower().isin(["nan", "null", "none", "na"])
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            where, num = locate(pos)
            raise InvalidDataError(
                f"could not parse {field} value {text[pos]!r} on {where} as a number",
                field=field,
                row=num,
            )
        out = numbers.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    out[~np.isfinite(out)] = np.nan
    return np.asarray(out, dtype="float64")


def _outside_message(
    name: str, col: np.ndarray, lows: np.ndarray, highs: np.ndarray
) -> Callable[[int], str]:
    def message(i: int) -> str:
        return f"{name} {col[i]} is outside the bar's range Low {lows[i]} .. High {highs[i]}"

    return message


def _present(column: np.ndarray | None) -> np.ndarray:
    """A price column the caller has already checked exists."""
    assert column is not None
    return column


def _check_prices(
    prices: np.ndarray, volume: np.ndarray, positions: np.ndarray, *, repair: bool, locate: Locator
) -> np.ndarray:
    opens, highs, lows, closes = prices.T

    def fail(mask: np.ndarray, field: str, problem: Callable[[int], str]) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            where, num = locate(int(positions[i]))
            count = int(mask.sum())
            more = f" ({count - 1} more rows like this)" if count > 1 else ""
            raise InvalidDataError(f"{problem(i)} on {where}{more}", field=field, row=num)

    fail((prices <= 0).any(axis=1), "Close", lambda i: f"non-positive price {prices[i].tolist()}")
    fail(volume < 0, "Volume", lambda i: f"negative Volume {volume[i]}")
    fail(highs < lows, "High", lambda i: f"High {highs[i]} is below Low {lows[i]}")
    if repair:
        highs = np.maximum.reduce([highs, opens, closes])
        lows = np.minimum.reduce([lows, opens, closes])
    else:
        for name, col in (("Open", opens), ("Close", closes)):
            fail((col > highs) | (col < lows), name, _outside_message(name, col, lows, highs))
    return np.column_stack([opens, highs, lows, closes])
