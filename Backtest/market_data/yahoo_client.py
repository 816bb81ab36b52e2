"""The single boundary to Yahoo Finance; tests replace ``download`` and nothing else."""

from __future__ import annotations

import pandas as pd

from Backtest.market_data.errors import DataFetchError
from Backtest.market_data.intervals import parse_interval

TIMEOUT_SECONDS = 20


def download(
    symbol: str, start: pd.Timestamp | None, end: pd.Timestamp | None, interval: str
) -> pd.DataFrame:
    """Fetch raw bars for ``[start, end)`` (``start=None``: full history, ``end=None``: now).

    Returns the frame as yfinance gives it, except that daily-or-coarser bars lose their exchange
    time zone (so a NYSE session stays on its calendar date instead of shifting to 04:00 UTC).
    Raises DataFetchError on any failure, including an empty answer (yfinance reports unknown
    tickers and network errors by logging and returning an empty frame).
    """
    try:
        import yfinance as yf

        kwargs: dict[str, object] = {"interval": interval, "auto_adjust": True, "actions": False}
        if start is None:
            kwargs["period"] = "max"
        else:
            kwargs["start"] = start.to_pydatetime()
        if end is not None:
            kwargs["end"] = end.to_pydatetime()
        frame = yf.Ticker(symbol).history(timeout=TIMEOUT_SECONDS, **kwargs)
    except Exception as exc:  # yfinance raises a wide, version-dependent set of errors
        raise DataFetchError(symbol, f"{type(exc).__name__}: {exc}") from exc
    if frame is None or frame.empty:
        raise DataFetchError(symbol, "Yahoo returned no data (unknown ticker or no network)")
    intraday = parse_interval(interval).is_intraday
    if isinstance(frame.index, pd.DatetimeIndex) and frame.index.tz is not None and not intraday:
        frame = frame.tz_localize(None)
    return frame
