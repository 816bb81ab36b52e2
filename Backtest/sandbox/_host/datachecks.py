"""Observations about the input data, made in the caller's process before a run.

``data_gaps``: holes in a time series that are unusual for its bar size (a missing week in
daily prices, a missing month in hourly ones). Regular closures are not reported: a gap counts
only when it is longer than ``GAP_FACTOR`` times the median bar spacing *and* longer than
``MIN_GAP`` (four days covers weekends and long holiday weekends at any bar size).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GAP_FACTOR = 5
MIN_GAP = pd.Timedelta(days=4)


def _human(delta: pd.Timedelta) -> str:
    seconds = delta.total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size or unit == "second":
            amount = seconds / size
            return f"{amount:.3g} {unit}" + ("" if amount == 1 else "s")
    raise AssertionError("unreachable")


def data_gaps(index: pd.Index) -> dict[str, str] | None:
    """A ``data_gaps`` warning for ``index``, or None (no gaps, or not a sorted time index)."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    stamps = index.as_unit("ns").asi8
    # Two passes over the differences, so a million bars cost one 8 MB array at a time (the
    # median partitions its own copy in place) instead of three.
    spacing = np.diff(stamps)
    if (spacing <= 0).any():
        return None  # unsorted or duplicated: backtesting.py reports that itself
    median = pd.Timedelta(int(np.median(spacing, overwrite_input=True)), unit="ns")
    del spacing
    threshold = max(median * GAP_FACTOR, MIN_GAP)
    steps = np.diff(stamps)
    gaps = np.flatnonzero(steps > threshold.value)
    if not len(gaps):
        return None
    worst = int(gaps[np.argmax(steps[gaps])])
    largest = pd.Timedelta(int(steps[worst]), unit="ns")
    return {
        "code": "data_gaps",
        "message": (
            f"{len(gaps)} gap(s) in the data longer than {_human(threshold)} (the median bar "
            f"spacing is {_human(median)}); the largest is {_human(largest)}, from "
            f"{index[worst].isoformat()} to {index[worst + 1].isoformat()}"
        ),
    }
