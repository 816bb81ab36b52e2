"""Parsing user-uploaded OHLCV CSV files with limits and messages that name the problem."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from Backtest.market_data.errors import CSVValidationError, InvalidDataError
from Backtest.market_data.normalize import _normalize

MIN_ROWS = 2
_DELIMITERS = ",;\t|"


def parse_ohlcv_csv(
    data: bytes | str | Path,
    *,
    max_bytes: int = 10_000_000,
    max_rows: int = 2_000_000,
    min_rows: int = MIN_ROWS,
) -> pd.DataFrame:
    """Parse and normalise an uploaded CSV; raise CSVValidationError saying what to fix.

    ``data`` is raw bytes, CSV *text* (a ``str`` is never treated as a file name, so a
    user-controlled string cannot make us read files) or a ``Path``. Needs Open/High/Low/Close in
    any case and a date column (or an unnamed first column of dates); Volume is optional.
    Delimiters ``,`` ``;`` tab and ``|`` are detected. Error ``row`` details are 1-based line
    numbers in the file (the header is line 1). NaN policy is the one of ``normalize_ohlcv``;
    ``df.attrs["rows_read"]`` is the number of data rows in the file, kept or dropped.
    Ambiguous dates such as ``01/02/2020`` are read month-first (pandas' default).
    """
    text = _read_text(data, max_bytes)
    if not text.strip():
        raise CSVValidationError("the CSV file is empty")
    sample = text[:64_000]
    delimiter = _sniff_delimiter(sample)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            nrows=max_rows + 1,
            skip_blank_lines=False,
            keep_default_na=False,
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise CSVValidationError(f"could not read the CSV: {exc}") from exc
    if len(raw) > max_rows:
        raise CSVValidationError(
            f"too many rows: more than {max_rows:,} data rows (limit {max_rows:,})",
            row=max_rows + 2,
        )
    raw.columns = [str(c).strip() for c in raw.columns]
    if len(raw.columns) < 4:
        raise CSVValidationError(
            f"expected columns Date, Open, High, Low, Close[, Volume] but the header has "
            f"{len(raw.columns)} column(s): {', '.join(raw.columns)} "
            f"(delimiter detected: {delimiter!r})"
        )
    raw = _name_unnamed_date_column(raw)
    try:
        df = _normalize(raw, repair=False, locate=lambda pos: (f"line {pos + 2}", pos + 2))
    except CSVValidationError:
        raise
    except InvalidDataError as exc:
        raise CSVValidationError(exc.message, field=exc.field, row=exc.row) from exc
    if len(df) < min_rows:
        raise CSVValidationError(
            f"need at least {min_rows} usable rows with Open/High/Low/Close, found {len(df)}"
        )
    # The policy drops rows (blank, a missing or infinite price, the earlier of two rows with
    # one time); the caller reports how many, so an upload never loses rows without saying so.
    df.attrs["rows_read"] = len(raw)
    return df


def _read_text(data: bytes | str | Path, max_bytes: int) -> str:
    if isinstance(data, Path):
        try:
            size = data.stat().st_size
        except OSError as exc:
            raise CSVValidationError(f"cannot read the uploaded file: {exc.strerror}") from exc
        _check_size(size, max_bytes)
        data = data.read_bytes()
    if isinstance(data, str):
        _check_size(len(data.encode("utf-8")), max_bytes)
        return data.lstrip("\ufeff")
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        _check_size(len(raw), max_bytes)
        if raw[:2] == b"\x1f\x8b" or raw[:4] == b"PK\x03\x04":
            raise CSVValidationError("the upload is compressed (gzip/zip); upload a plain CSV")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheet exports are often Windows-1252; numbers and dates are ASCII anyway.
            return raw.decode("latin-1")
    raise CSVValidationError(f"expected bytes, str or Path, got {type(data).__name__}")


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise CSVValidationError(
            f"file too large: {size:,} bytes (limit {max_bytes:,} bytes)",
            field="file",
        )


def _sniff_delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _name_unnamed_date_column(raw: pd.DataFrame) -> pd.DataFrame:
    """Files written by ``DataFrame.to_csv()`` have an unnamed first column holding the index."""
    first = raw.columns[0]
    if first == "" or first.lower().startswith("unnamed:"):
        return raw.rename(columns={first: "Date"})
    return raw
