"""Look-ahead check by truncation: a strategy that only uses the past trades the same way on
data cut at bar ``k`` as on the full data, for every trade decided up to the cut's last bar.

(freqtrade's lookahead-analysis is the reference idea.) The strategy is run on the full bars
and on the first ``k`` bars for several cut points ``k``; every entry up to the cut's last bar
and every exit before it must be identical (bar, size, price). A difference means a decision
used bars after it: look-ahead bias. The runs fill orders at the signal bar's close
(``trade_on_close``) and each cut run gets a copy of its last bar appended, so the decision
taken on the cut's last bar, the one a peek at the next bar changes, shows as an entry on that
bar; open trades are closed at the end (``finalize_trades``) so trades still open at a cut are
listed too (their exits at the end are therefore not compared).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_CUTS",
    "CutReport",
    "IndicatorDifference",
    "compare_indicators",
    "compare_trades",
    "cut_points",
    "verdict",
]

DEFAULT_CUTS = 20
MIN_CUT_BARS = 30


def cut_points(n_bars: int, count: int = DEFAULT_CUTS) -> list[int]:
    """``count`` bar counts to truncate at, spread evenly up to the last bar.

    Cuts start after a quarter of the data (and at least ``MIN_CUT_BARS``) so indicators have
    warmed up, and stop short of the full length.
    """
    low = max(MIN_CUT_BARS, n_bars // 4)
    high = n_bars - 1
    if high <= low:
        return []
    step = (high - low) / max(count - 1, 1)
    return sorted({int(round(low + i * step)) for i in range(count)})


def _entries(trades: Sequence[dict[str, Any]], before: int) -> list[tuple[Any, ...]]:
    return sorted(
        (t.get("entry_bar"), t.get("size"), t.get("entry_price"))
        for t in trades
        if isinstance(t.get("entry_bar"), int) and t["entry_bar"] < before
    )


def _exits(trades: Sequence[dict[str, Any]], before: int) -> list[tuple[Any, ...]]:
    return sorted(
        (t.get("entry_bar"), t.get("exit_bar"), t.get("exit_price"))
        for t in trades
        if isinstance(t.get("exit_bar"), int) and t["exit_bar"] < before
    )


@dataclass
class CutReport:
    """What differed between the full run and the run cut at ``bars`` bars."""

    bars: int
    differs: bool
    first_bar: int | None = None
    full: list[Any] = field(default_factory=list)
    truncated: list[Any] = field(default_factory=list)


def compare_trades(
    full: Sequence[dict[str, Any]], truncated: Sequence[dict[str, Any]], bars: int
) -> CutReport:
    """Compare entries up to the cut's last bar and exits before it.

    ``truncated`` ran on the ``bars`` bars plus a copy of the last one (so orders decided on
    the last bar fill); open trades were closed at its end, hence exits on the last bar are
    not compared.
    """
    last = bars - 1
    mine = (_entries(full, last + 1), _exits(full, last))
    cut = (_entries(truncated, last + 1), _exits(truncated, last))
    if mine == cut:
        return CutReport(bars=bars, differs=False)
    only_full = [x for x in mine[0] + mine[1] if x not in cut[0] + cut[1]]
    only_cut = [x for x in cut[0] + cut[1] if x not in mine[0] + mine[1]]
    bars_seen = [x[0] for x in only_full + only_cut if isinstance(x[0], int)]
    return CutReport(
        bars=bars,
        differs=True,
        first_bar=min(bars_seen) if bars_seen else None,
        full=[list(x) for x in only_full[:5]],
        truncated=[list(x) for x in only_cut[:5]],
    )


@dataclass(frozen=True)
class IndicatorDifference:
    """Indicator ``index`` (``name``) differs from the full run's first at bar ``first_bar``."""

    index: int
    name: str
    first_bar: int


def _matrix(rows: Sequence[Sequence[float | None]], bars: int) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row[:bars]] for row in rows], float)


def compare_indicators(
    full: Sequence[dict[str, Any]], truncated: Sequence[dict[str, Any]], bars: int
) -> list[IndicatorDifference]:
    """Indicators whose values on the cut's ``bars`` real bars differ from the full run's.

    ``full`` and ``truncated`` are ``[{"name", "rows": [[value or None per bar]]}]`` of the
    same code in the same order (the truncated run has one more bar, the appended copy, which
    is not compared). An indicator that uses only the past has the same prefix on both; one
    that looks ahead (a shift backwards, a centred window, a normalisation over the whole
    series) differs, at the latest on the cut's last bar. Values are compared to 1e-9
    (relative); NaN equals NaN.
    """
    found = []
    for index, (mine, cut) in enumerate(zip(full, truncated, strict=False)):
        a, b = _matrix(mine["rows"], bars), _matrix(cut["rows"], bars)
        if a.shape != b.shape:
            found.append(IndicatorDifference(index, str(mine["name"]), 0))
            continue
        same = np.isclose(a, b, rtol=1e-9, atol=1e-12) | (np.isnan(a) & np.isnan(b))
        columns = np.flatnonzero(~same.all(axis=0))
        if columns.size:
            found.append(IndicatorDifference(index, str(mine["name"]), int(columns[0])))
    return found


def verdict(reports: Sequence[CutReport]) -> dict[str, Any]:
    """``lookahead`` and the cuts where trades differed."""
    biased = [r for r in reports if r.differs]
    return {
        "lookahead": bool(biased),
        "cuts_checked": len(reports),
        "cuts_differing": len(biased),
        "first_bar": min((r.first_bar for r in biased if r.first_bar is not None), default=None),
    }
