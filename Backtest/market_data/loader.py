"""Resolving a symbol to clean bars: uploads, bundled data, the disk cache, then Yahoo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from Backtest.market_data import cache, yahoo_client
from Backtest.market_data._files import atomic_write
from Backtest.market_data.bundled import BUNDLED_INTERVALS, load_bundled
from Backtest.market_data.errors import (
    DataError,
    DataFetchError,
    EmptyRangeError,
    InvalidDataError,
    InvalidIntervalError,
    InvalidRangeError,
    InvalidSymbolError,
    UnknownSymbolError,
)
from Backtest.market_data.intervals import (
    YAHOO_INTERVALS,
    Interval,
    infer_interval,
    parse_interval,
    resample_ohlcv,
)
from Backtest.market_data.normalize import normalize_ohlcv

type DateLike = str | dt.date | dt.datetime | pd.Timestamp | None
Source = Literal["bundled", "cache", "upload"]
_DAY = pd.Timedelta(days=1)
_NS = pd.Timedelta(1, "ns")


@dataclass(frozen=True)
class SymbolInfo:
    """One loadable symbol as listed by ``GET /api/data/symbols/``."""

    symbol: str
    source: Source
    start: dt.datetime
    end: dt.datetime
    bars: int
    interval: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO timestamps)."""
        return {
            "symbol": self.symbol,
            "source": self.source,
            "start": iso_utc(self.start),
            "end": iso_utc(self.end),
            "bars": self.bars,
            "interval": self.interval,
        }


def iso_utc(value: Any) -> str:
    """ISO 8601 with an explicit UTC offset: bar times are naive UTC after normalisation."""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return str(stamp.isoformat()).replace("+00:00", "Z")


def load_ohlcv(
    symbol: str,
    start: DateLike = None,
    end: DateLike = None,
    interval: str | None = "1d",
    *,
    cache_dir: Path | None = None,
    datasets: Mapping[str, Path] | None = None,
    allow_network: bool = False,
) -> pd.DataFrame:
    """Bars for ``symbol`` within ``[start, end]`` (both inclusive) at ``interval``.

    Resolution order: ``datasets`` (user uploads, name -> normalised file), bundled symbols
    (GOOG, EURUSD, BTCUSD; case-insensitive), the cache in ``cache_dir``, then Yahoo when
    ``allow_network``. A midnight ``end`` (e.g. ``"2020-01-31"``) covers that whole day.
    Coarser intervals are built by resampling only the bars inside the range; resampled bars
    are labelled by period start (weeks on Monday, months on the 1st), so the first label may
    precede ``start``. Finer intervals raise InvalidIntervalError.
    ``interval=None`` returns the data at its native interval (BTCUSD is monthly, EURUSD hourly).
    """
    wanted = parse_interval(interval) if interval is not None else None
    start_ts, end_ts = _parse_range(start, end)

    upload = _find_upload(symbol, datasets)
    if upload is not None:
        name, path = upload
        frame = _read_dataset(Path(path))
        native = infer_interval(frame.index)
    elif symbol.strip().upper() in BUNDLED_INTERVALS:
        name = symbol.strip().upper()
        frame = load_bundled(name)
        native = parse_interval(BUNDLED_INTERVALS[name])
    else:
        target = wanted or Interval(1, "d")
        try:
            name = cache.check_symbol(symbol)
        except InvalidSymbolError:
            if allow_network:
                raise
            raise UnknownSymbolError(str(symbol), _available(cache_dir, datasets)) from None
        frame = _from_cache_or_yahoo(
            name, start_ts, end_ts, target, cache_dir, datasets, allow_network=allow_network
        )
        native = target

    selected = frame.loc[start_ts:end_ts]
    if selected.empty:
        raise EmptyRangeError(
            name,
            start_ts,
            end_ts,
            frame.index[0] if len(frame) else None,
            frame.index[-1] if len(frame) else None,
        )
    return _convert(selected, name, native, wanted).copy()


def list_symbols(
    *, cache_dir: Path | None = None, datasets: Mapping[str, Path] | None = None
) -> list[SymbolInfo]:
    """Uploads, then bundled symbols, then cached Yahoo downloads (unreadable uploads skipped)."""
    infos: list[SymbolInfo] = []
    for name, path in (datasets or {}).items():
        try:
            frame = _read_dataset(Path(path))
        except DataError:
            continue
        inferred = infer_interval(frame.index)
        infos.append(_info(name, "upload", frame, inferred.name if inferred else None))
    for name, interval in BUNDLED_INTERVALS.items():
        infos.append(_info(name, "bundled", load_bundled(name), interval))
    for entry in cache.list_entries(cache_dir):
        infos.append(
            SymbolInfo(
                entry.symbol,
                "cache",
                entry.first.to_pydatetime(),
                entry.last.to_pydatetime(),
                entry.bars,
                entry.interval,
            )
        )
    return infos


def fetch_to_cache(
    symbol: str,
    start: DateLike = None,
    end: DateLike = None,
    interval: str = "1d",
    *,
    cache_dir: Path,
    force: bool = False,
) -> SymbolInfo:
    """Download ``symbol`` from Yahoo into the cache and describe the whole cached file.

    Skipped when the cache already covers the range, unless ``force`` (which re-downloads the
    union of the request and the cached range). Raises DataFetchError on network failure.
    """
    name = cache.check_symbol(symbol)
    start_ts, end_ts = _parse_range(start, end)
    iv = _yahoo_interval(parse_interval(interval))
    entry = cache.read_entry(cache.cache_path(cache_dir, name, iv.name))
    if force or entry is None or not entry.covers(start_ts, _effective_end(end_ts)):
        entry = _download(name, start_ts, end_ts, iv, cache_dir, entry)
    return SymbolInfo(
        entry.symbol,
        "cache",
        entry.first.to_pydatetime(),
        entry.last.to_pydatetime(),
        entry.bars,
        entry.interval,
    )


def save_dataset(df: pd.DataFrame, path: Path, *, name: str) -> SymbolInfo:
    """Normalise ``df`` and store it atomically at ``path`` (``.csv`` or ``.csv.gz``) so it can
    later be passed to ``load_ohlcv(..., datasets={name: path})``."""
    frame = normalize_ohlcv(df)
    compression = "gzip" if str(path).endswith(".gz") else None

    def write(fh: Any) -> None:
        frame.to_csv(fh, date_format="%Y-%m-%dT%H:%M:%S.%f", compression=compression)

    atomic_write(Path(path), write)
    inferred = infer_interval(frame.index)
    return _info(name, "upload", frame, inferred.name if inferred else None)


def _info(name: str, source: Source, frame: pd.DataFrame, interval: str | None) -> SymbolInfo:
    return SymbolInfo(
        name,
        source,
        frame.index[0].to_pydatetime(),
        frame.index[-1].to_pydatetime(),
        len(frame),
        interval,
    )


def _find_upload(symbol: str, datasets: Mapping[str, Path] | None) -> tuple[str, Path] | None:
    if not datasets:
        return None
    if symbol in datasets:
        return symbol, datasets[symbol]
    folded = symbol.strip().casefold()
    for name, path in datasets.items():
        if name.casefold() == folded:
            return name, path
    return None


def _read_dataset(path: Path) -> pd.DataFrame:
    try:
        stat = path.stat()
    except OSError as exc:
        raise DataError(
            f"uploaded dataset file {path.name} is unavailable: {exc.strerror}",
            details={"path": str(path)},
        ) from exc
    return _read_dataset_cached(str(path), stat.st_mtime_ns, stat.st_size).copy()


@lru_cache(maxsize=8)
def _read_dataset_cached(path: str, _mtime_ns: int, _size: int) -> pd.DataFrame:
    # mtime and size are part of the key so a replaced file is read again.
    try:
        raw = pd.read_csv(path, index_col=0)
    except (OSError, ValueError) as exc:
        raise InvalidDataError(f"cannot read uploaded dataset {Path(path).name}: {exc}") from exc
    return normalize_ohlcv(raw)


def _parse_range(start: DateLike, end: DateLike) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    start_ts = _to_timestamp(start, "start")
    end_ts = _to_timestamp(end, "end")
    if end_ts is not None and end_ts == end_ts.normalize():
        try:
            end_ts = end_ts + _DAY - _NS  # a bare date means "through the end of that day"
        except (OverflowError, ValueError) as exc:
            raise InvalidRangeError(
                f"end {end} is outside the supported dates", details={"end": str(end)}
            ) from exc
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        raise InvalidRangeError(
            f"start {start_ts} is after end {end_ts}",
            details={"start": str(start_ts), "end": str(end_ts)},
        )
    return start_ts, end_ts


def _to_timestamp(value: DateLike, which: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidRangeError(
            f"cannot parse {which} {value!r} as a date; use YYYY-MM-DD",
            details={which: str(value)},
        ) from exc
    if ts is pd.NaT:
        raise InvalidRangeError(f"{which} is not a date: {value!r}", details={which: str(value)})
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    try:
        return ts.as_unit("ns")
    except (OverflowError, ValueError) as exc:  # outside pandas' nanosecond range (1677-2262)
        raise InvalidRangeError(
            f"{which} {value!r} is outside the supported dates (1678 to 2261)",
            details={which: str(value)},
        ) from exc


def _convert(
    frame: pd.DataFrame, name: str, native: Interval | None, wanted: Interval | None
) -> pd.DataFrame:
    if wanted is None or (native is not None and wanted == native):
        return frame
    native_length = native.length if native is not None else _median_step(frame)
    if wanted.length < native_length:
        native_name = native.name if native is not None else f"spacing {native_length}"
        raise InvalidIntervalError(
            f"{name} has {native_name} bars; cannot build finer {wanted.name} bars from them. "
            f"Use interval={native_name!r} or coarser"
            + (" (intraday intervals need intraday data)" if wanted.is_intraday else ""),
            details={"symbol": name, "interval": wanted.name, "native_interval": native_name},
        )
    return resample_ohlcv(frame, wanted)


def _median_step(frame: pd.DataFrame) -> pd.Timedelta:
    if len(frame) < 2:
        return pd.Timedelta(0)
    return pd.Series(frame.index).diff().median()


def _yahoo_interval(iv: Interval) -> Interval:
    if iv.name not in YAHOO_INTERVALS:
        raise InvalidIntervalError(
            f"Yahoo Finance does not serve {iv.name!r} bars; "
            f"use one of {', '.join(YAHOO_INTERVALS)}",
            details={"interval": iv.name, "allowed": list(YAHOO_INTERVALS)},
        )
    return iv


def _end_of_today() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").tz_localize(None).normalize() + _DAY - _NS


def _effective_end(end_ts: pd.Timestamp | None) -> pd.Timestamp:
    """Requests reaching past today only need data through today (a same-day fetch counts)."""
    today = _end_of_today()
    return today if end_ts is None else min(end_ts, today)


def _available(cache_dir: Path | None, datasets: Mapping[str, Path] | None) -> list[str]:
    names = [*(datasets or {}), *BUNDLED_INTERVALS]
    return names + [e.symbol for e in cache.list_entries(cache_dir)]


def _from_cache_or_yahoo(
    symbol: str,
    start_ts: pd.Timestamp | None,
    end_ts: pd.Timestamp | None,
    wanted: Interval,
    cache_dir: Path | None,
    datasets: Mapping[str, Path] | None,
    *,
    allow_network: bool,
) -> pd.DataFrame:
    entry = None
    if cache_dir is not None:
        entry = cache.read_entry(cache.cache_path(cache_dir, symbol, wanted.name))
    frame = None
    if entry is not None and (not allow_network or entry.covers(start_ts, _effective_end(end_ts))):
        frame = cache.read_frame(entry)
    if frame is not None:
        return frame
    if not allow_network:
        raise UnknownSymbolError(
            symbol,
            _available(cache_dir, datasets),
            hint="Network access is off: fetch it from Yahoo Finance first",
        )
    if cache_dir is None:
        raise DataError("a cache_dir is required to download from Yahoo Finance")
    entry = _download(symbol, start_ts, end_ts, _yahoo_interval(wanted), cache_dir, entry)
    frame = cache.read_frame(entry)
    if frame is None:
        raise DataError(f"the cache file for {symbol} could not be read back after download")
    return frame


def _download(
    symbol: str,
    start_ts: pd.Timestamp | None,
    end_ts: pd.Timestamp | None,
    iv: Interval,
    cache_dir: Path,
    previous: cache.CacheEntry | None,
) -> cache.CacheEntry:
    """Fetch the union of the request and what was cached, so the file stays one range."""
    fetch_start = None if start_ts is None else start_ts.normalize()
    fetch_end = _effective_end(end_ts)
    if previous is not None:
        if previous.coverage_start is None or fetch_start is None:
            fetch_start = None
        else:
            fetch_start = min(fetch_start, previous.coverage_start)
        fetch_end = max(fetch_end, previous.coverage_end)
    # Yahoo's end is exclusive and day-granular in practice: ask through the end of that day.
    raw = yahoo_client.download(symbol, fetch_start, fetch_end.normalize() + _DAY, iv.name)
    try:
        frame = normalize_ohlcv(raw, repair=True)
    except InvalidDataError as exc:
        raise DataFetchError(symbol, f"Yahoo data failed validation: {exc.message}") from exc
    return cache.write_entry(
        cache_dir, symbol, iv.name, frame, coverage_start=fetch_start, coverage_end=fetch_end
    )
