"""On-disk cache of fetched bars: one gzip CSV per symbol+interval, written atomically.

The first line of each file is ``# algoagent-cache {json}`` holding the covered range, so a
listing reads one line per file and data plus metadata are replaced by a single rename.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote

import pandas as pd

from Backtest.market_data._files import atomic_write
from Backtest.market_data.errors import InvalidDataError, InvalidSymbolError
from Backtest.market_data.normalize import normalize_ohlcv

logger = logging.getLogger(__name__)

_MAGIC = "# algoagent-cache "
_SUFFIX = ".csv.gz"
# Yahoo tickers: AAPL, BRK-B, ^GSPC, EURUSD=X, BTC-USD, 7203.T. Starting with a letter, digit or ^
# keeps "." and ".." out, and quote() below keeps "/" out of file names.
_SYMBOL = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^_]{0,31}$")


def check_symbol(symbol: str) -> str:
    """Upper-case a ticker and refuse anything that is not ticker-shaped."""
    if not isinstance(symbol, str) or not _SYMBOL.match(symbol.strip().upper()):
        raise InvalidSymbolError(
            f"invalid symbol {symbol!r}: use a ticker such as AAPL, BRK-B, ^GSPC or EURUSD=X",
            details={"symbol": str(symbol)},
        )
    return symbol.strip().upper()


@dataclass(frozen=True)
class CacheEntry:
    """What one cache file holds; ``coverage_start=None`` means "from the first bar Yahoo has"."""

    symbol: str
    interval: str
    path: Path
    coverage_start: pd.Timestamp | None
    coverage_end: pd.Timestamp
    first: pd.Timestamp
    last: pd.Timestamp
    bars: int

    def covers(self, start: pd.Timestamp | None, end: pd.Timestamp) -> bool:
        """True when a request for ``[start, end]`` needs no download."""
        starts_ok = self.coverage_start is None or (
            start is not None and start >= self.coverage_start
        )
        return starts_ok and end <= self.coverage_end


def cache_path(cache_dir: Path, symbol: str, interval: str) -> Path:
    """File name for a symbol+interval (the symbol is percent-encoded: ``^GSPC`` -> ``%5EGSPC``)."""
    return Path(cache_dir) / f"{quote(check_symbol(symbol), safe='')}__{interval}{_SUFFIX}"


def read_entry(path: Path) -> CacheEntry | None:
    """Metadata from the first line; None when the file is missing or not a cache file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            line = fh.readline()
        meta = json.loads(line.removeprefix(_MAGIC)) if line.startswith(_MAGIC) else None
        if meta is None:
            return None
        return CacheEntry(
            symbol=meta["symbol"],
            interval=meta["interval"],
            path=Path(path),
            coverage_start=_ts(meta["coverage_start"]),
            coverage_end=pd.Timestamp(meta["coverage_end"]),
            first=pd.Timestamp(meta["first"]),
            last=pd.Timestamp(meta["last"]),
            bars=int(meta["bars"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring unreadable cache file %s: %s", path, exc)
        return None


def read_frame(entry: CacheEntry) -> pd.DataFrame | None:
    """The cached bars, normalised again; None (and a warning) if the file is damaged."""
    try:
        raw = pd.read_csv(entry.path, skiprows=1, index_col=0, compression="gzip")
        return normalize_ohlcv(raw)
    except (OSError, EOFError, zlib.error, ValueError, InvalidDataError) as exc:
        logger.warning("ignoring damaged cache file %s: %s", entry.path, exc)
        return None


def write_entry(
    cache_dir: Path,
    symbol: str,
    interval: str,
    df: pd.DataFrame,
    *,
    coverage_start: pd.Timestamp | None,
    coverage_end: pd.Timestamp,
) -> CacheEntry:
    """Atomically replace the symbol+interval file: a crash leaves the old file or none."""
    symbol = check_symbol(symbol)
    path = cache_path(cache_dir, symbol, interval)
    meta = {
        "symbol": symbol,
        "interval": interval,
        "coverage_start": None if coverage_start is None else coverage_start.isoformat(),
        "coverage_end": coverage_end.isoformat(),
        "first": df.index[0].isoformat(),
        "last": df.index[-1].isoformat(),
        "bars": len(df),
        "format": 1,
    }

    def write(raw_fh: BinaryIO) -> None:
        with gzip.open(raw_fh, "wt", encoding="utf-8") as fh:
            fh.write(_MAGIC + json.dumps(meta) + "\n")
            df.to_csv(fh, date_format="%Y-%m-%dT%H:%M:%S.%f")

    atomic_write(path, write)
    entry = read_entry(path)
    if entry is None:  # only if something else replaced the file in between
        raise OSError(f"cache file {path} vanished right after being written")
    return entry


def list_entries(cache_dir: Path | None) -> list[CacheEntry]:
    """Every readable cache file in ``cache_dir`` (temp files and foreign files are skipped)."""
    if cache_dir is None or not Path(cache_dir).is_dir():
        return []
    entries = []
    for path in sorted(Path(cache_dir).glob(f"*{_SUFFIX}")):
        if path.name.startswith("."):
            continue
        entry = read_entry(path)
        if entry is not None and unquote(path.name.split("__")[0]) == entry.symbol:
            entries.append(entry)
    return entries


def _ts(value: str | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)
