"""Typed market-data errors.

Every error carries a short machine ``code`` and a JSON-safe ``details`` dict so the API layer can
answer ``{"error": {"code", "message", "details"}}`` without parsing messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from Backtest import errors

BUNDLED_HINT = "bundled symbols GOOG, EURUSD, BTCUSD work offline"


class DataError(errors.DataError):
    """Base class for every market-data problem a caller can report back to a user."""

    default_code = "data_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)


class UnknownSymbolError(DataError):
    """The symbol is in no upload, bundled set or cache (and the network was not allowed)."""

    default_code = "unknown_symbol"

    def __init__(self, symbol: str, available: Iterable[str], *, hint: str = "") -> None:
        self.symbol = symbol
        self.available = sorted(set(available))
        listed = ", ".join(self.available) or "none"
        message = f"unknown symbol {symbol!r}; available symbols: {listed}"
        if hint:
            message = f"{message}. {hint}"
        super().__init__(message, details={"symbol": symbol, "available": self.available})


class InvalidSymbolError(DataError):
    """The symbol string cannot be a ticker (and must never become a file name)."""

    default_code = "invalid_symbol"


class DataFetchError(DataError):
    """Downloading from Yahoo Finance failed (no network, unknown ticker, empty answer)."""

    default_code = "fetch_failed"

    def __init__(self, symbol: str, reason: str) -> None:
        self.symbol = symbol
        self.reason = reason
        super().__init__(
            f"could not fetch {symbol!r} from Yahoo Finance: {reason}; {BUNDLED_HINT}",
            details={"symbol": symbol, "reason": reason},
        )


class InvalidRangeError(DataError):
    """start/end cannot be parsed, or start is after end."""

    default_code = "invalid_range"


class EmptyRangeError(DataError):
    """The requested range holds no bars; the message states the data's actual range."""

    default_code = "empty_range"

    def __init__(
        self,
        symbol: str,
        start: object,
        end: object,
        available_start: object,
        available_end: object,
    ) -> None:
        def fmt(value: object) -> str | None:
            if value is None:
                return None
            ts = pd.Timestamp(value)
            day = ts.normalize()
            # Show whole-day bounds as plain dates: "2020-01-31", not "...23:59:59.999999999".
            if ts in (day, day + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")):
                return str(day.date().isoformat())
            return str(ts.isoformat())

        details = {
            "symbol": symbol,
            "start": fmt(start),
            "end": fmt(end),
            "available_start": fmt(available_start),
            "available_end": fmt(available_end),
        }
        requested = f"{details['start'] or 'the beginning'} to {details['end'] or 'the end'}"
        if available_start is None:
            actual = "the dataset holds no bars"
        else:
            actual = f"data covers {details['available_start']} to {details['available_end']}"
        super().__init__(f"no {symbol} bars from {requested}; {actual}", details=details)


class InvalidIntervalError(DataError):
    """The interval is malformed, or finer than the data it would be built from."""

    default_code = "invalid_interval"


class InvalidDataError(DataError):
    """An OHLCV frame fails validation (missing column, bad value, High < Low ...)."""

    default_code = "invalid_data"

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None) -> None:
        self.field = field
        self.row = row
        details: dict[str, Any] = {}
        if field is not None:
            details["field"] = field
        if row is not None:
            details["row"] = row
        super().__init__(message, details=details)


class CSVValidationError(InvalidDataError):
    """An uploaded CSV is unusable; ``row`` is the 1-based line number in the file when known."""

    default_code = "invalid_csv"
