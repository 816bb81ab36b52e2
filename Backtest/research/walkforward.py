"""Walk-forward windows: optimise on a train window, test the best parameters on the bars after.

Window arithmetic, in bar positions (``0 .. n_bars - 1``), for window ``k = 0, 1, ...``:

* rolling (``anchored=False``): train ``[k*test, k*test + train - 1]``;
* anchored (``anchored=True``): train ``[0, train + k*test - 1]`` (it grows, start fixed);
* test (both): the ``test_bars`` bars right after the train window.

Only full windows are kept (a test window that would run past the last bar is dropped), and
each test window starts on the bar after its own train window ends, so the two never overlap.
Consecutive test windows tile the out-of-sample period without gaps or overlap, which is what
the stitched out-of-sample equity chains together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from Backtest.market_data import iso_utc
from Backtest.research.errors import ResearchInputError

__all__ = [
    "MAX_WINDOWS",
    "Window",
    "WalkForwardError",
    "stitch_equity",
    "window_bounds",
    "windows",
]

MAX_WINDOWS = 100
MIN_BARS = 20


class WalkForwardError(ResearchInputError):
    """The windows asked for do not fit the data (or would be too many)."""

    default_code = "invalid_windows"

    def __init__(self, message: str, fields: dict[str, list[str]]) -> None:
        super().__init__(message, details={"fields": fields})


@dataclass(frozen=True)
class Window:
    """Bar positions (inclusive) of one train window and its test window."""

    index: int
    train_first: int
    train_last: int
    test_first: int
    test_last: int


def windows(*, n_bars: int, train_bars: int, test_bars: int, anchored: bool) -> list[Window]:
    """Every full window of ``n_bars`` bars (see the module docstring for the arithmetic)."""
    problems: dict[str, list[str]] = {}
    if train_bars < MIN_BARS:
        problems["train_bars"] = [f"train_bars must be at least {MIN_BARS}; got {train_bars}."]
    if test_bars < MIN_BARS:
        problems["test_bars"] = [f"test_bars must be at least {MIN_BARS}; got {test_bars}."]
    if problems:
        raise WalkForwardError("Windows too short.", problems)
    if train_bars + test_bars > n_bars:
        raise WalkForwardError(
            f"train_bars + test_bars ({train_bars} + {test_bars}) is more than the "
            f"{n_bars} bars of the range: not even one full window fits.",
            {"train_bars": [f"At most {n_bars - test_bars} with test_bars={test_bars}."]},
        )
    out: list[Window] = []
    k = 0
    while True:
        train_first = 0 if anchored else k * test_bars
        train_last = train_bars + k * test_bars - 1
        test_first, test_last = train_last + 1, train_last + test_bars
        if test_last > n_bars - 1:
            return out
        if len(out) == MAX_WINDOWS:
            raise WalkForwardError(
                f"These settings make more than {MAX_WINDOWS} windows; use a larger test_bars.",
                {"test_bars": [f"Too small for {n_bars} bars (over {MAX_WINDOWS} windows)."]},
            )
        out.append(Window(k, train_first, train_last, test_first, test_last))
        k += 1


def window_bounds(window: Window, index: pd.Index) -> dict[str, Any]:
    """The window's first and last bars (inclusive) as ISO timestamps (or bar numbers)."""

    def at(position: int) -> Any:
        value = index[position]
        return iso_utc(value) if isinstance(value, pd.Timestamp) else int(position)

    return {
        "train_start": at(window.train_first),
        "train_end": at(window.train_last),
        "test_start": at(window.test_first),
        "test_end": at(window.test_last),
        "train_bars": window.train_last - window.train_first + 1,
        "test_bars": window.test_last - window.test_first + 1,
    }


def stitch_equity(
    curves: Sequence[Sequence[dict[str, Any]]], *, cash: float
) -> tuple[list[dict[str, Any]], float]:
    """Chain test-window equity curves into one out-of-sample curve starting at ``cash``.

    Each window was backtested from ``cash`` on its own; its curve is scaled so it starts where
    the previous window ended (compounding). Returns the curve and its total return in percent.
    """
    stitched: list[dict[str, Any]] = []
    capital = float(cash)
    for curve in curves:
        points = [p for p in curve if isinstance(p.get("equity"), int | float)]
        if not points:
            continue
        start = float(points[0]["equity"])
        if not np.isfinite(start) or start <= 0:
            continue
        scale = capital / start
        for point in points:
            stitched.append({"time": point.get("time"), "equity": float(point["equity"]) * scale})
        capital = stitched[-1]["equity"]
    return stitched, (capital / float(cash) - 1) * 100
