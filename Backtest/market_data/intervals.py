"""Bar intervals: Yahoo-style names (``1d``, ``1wk``, ``1h``) and resampling to coarser bars."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from Backtest.market_data.errors import InvalidIntervalError

#: Intervals Yahoo Finance serves (``60m`` is accepted as an alias of ``1h``).
YAHOO_INTERVALS = ("1m", "2m", "5m", "15m", "30m", "1h", "90m", "1d", "1wk", "1mo", "3mo")

_PATTERN = re.compile(r"^(\d{1,4})(m|h|d|wk|mo)$")
_ALIASES = {"60m": "1h", "1w": "1wk", "1day": "1d", "1hr": "1h", "daily": "1d", "weekly": "1wk"}
# Nominal lengths only order intervals and recognise spacing; calendar rules do the resampling.
_UNIT_LENGTH = {
    "m": pd.Timedelta(minutes=1),
    "h": pd.Timedelta(hours=1),
    "d": pd.Timedelta(days=1),
    "wk": pd.Timedelta(days=7),
    "mo": pd.Timedelta(days=30),
}
# Longest bar we build. Far longer ones (``9999mo``) overflow pandas' timestamps (year 2262)
# when the resampler computes bin edges; no backtest needs bars longer than ten years.
MAX_INTERVAL_LENGTH = 120 * _UNIT_LENGTH["mo"]
# Weeks start on Monday and months on the 1st, as Yahoo labels its weekly/monthly bars.
_PANDAS_RULE = {"m": "{n}min", "h": "{n}h", "d": "{n}D", "wk": "{n}W-MON", "mo": "{n}MS"}


@dataclass(frozen=True)
class Interval:
    """A parsed interval: ``count`` units of ``unit`` (``m``, ``h``, ``d``, ``wk``, ``mo``)."""

    count: int
    unit: str

    @property
    def name(self) -> str:
        """Canonical spelling, e.g. ``1h`` (never ``60m``)."""
        return f"{self.count}{self.unit}"

    @property
    def length(self) -> pd.Timedelta:
        """Nominal bar length, used for ordering (a month counts as 30 days)."""
        return self.count * _UNIT_LENGTH[self.unit]

    @property
    def is_intraday(self) -> bool:
        """True for bars shorter than a day."""
        return bool(self.length < pd.Timedelta(days=1))

    def resample_rule(self) -> str:
        """The pandas offset alias that builds bars of this interval."""
        return _PANDAS_RULE[self.unit].format(n=self.count)


def parse_interval(value: str) -> Interval:
    """Parse ``"1d"``, ``"1wk"``, ``"60m"``...; InvalidIntervalError lists the accepted forms."""
    if not isinstance(value, str):
        raise InvalidIntervalError(f"interval must be a string like '1d', got {value!r}")
    text = _ALIASES.get(value.strip().lower(), value.strip().lower())
    match = _PATTERN.match(text)
    if not match or int(match.group(1)) == 0:
        raise InvalidIntervalError(
            f"invalid interval {value!r}: use a count and a unit (m, h, d, wk, mo), "
            f"e.g. {', '.join(YAHOO_INTERVALS)}",
            details={"interval": value, "allowed": list(YAHOO_INTERVALS)},
        )
    count, unit = int(match.group(1)), match.group(2)
    if unit == "m" and count % 60 == 0:
        count, unit = count // 60, "h"
    interval = Interval(count, unit)
    if interval.length > MAX_INTERVAL_LENGTH:
        raise InvalidIntervalError(
            f"interval {value!r} is longer than the longest bar supported (ten years, 120mo)",
            details={"interval": value, "max": "120mo"},
        )
    return interval


def infer_interval(index: pd.DatetimeIndex) -> Interval | None:
    """Guess the bar interval from the typical spacing; None when there are too few bars.

    The median is used so weekends, holidays and gaps do not skew the answer: daily stock data
    has a median spacing of exactly one day.
    """
    if len(index) < 2:
        return None
    step = pd.Series(index).diff().dropna().median()
    days = step / pd.Timedelta(days=1)
    if 25 <= days <= 35:
        return Interval(1, "mo")
    if 85 <= days <= 95:
        return Interval(3, "mo")
    if days >= 1 and days % 7 == 0:
        return Interval(int(days // 7), "wk")
    if days >= 1 and days == int(days):
        return Interval(int(days), "d")
    minutes = step / pd.Timedelta(minutes=1)
    if minutes >= 1 and minutes == int(minutes):
        return parse_interval(f"{int(minutes)}m")
    return None


def resample_ohlcv(df: pd.DataFrame, interval: Interval) -> pd.DataFrame:
    """Aggregate bars into coarser ones; periods without any source bar are dropped."""
    agg = {"Open": "first", "High": "max", "Low": "min", "Close": "last", "Volume": "sum"}
    out = df.resample(interval.resample_rule(), label="left", closed="left").agg(agg)
    out = out.dropna(subset=["Open", "High", "Low", "Close"])
    out.index.name = df.index.name
    return out.astype("float64")
