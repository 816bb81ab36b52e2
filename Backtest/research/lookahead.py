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

__all__ = ["DEFAULT_CUTS", "CutReport", "compare_trades", "cut_points", "verdict"]

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


def verdict(reports: Sequence[CutReport]) -> dict[str, Any]:
    """``lookahead`` and the cuts where trades differed."""
    biased = [r for r in reports if r.differs]
    return {
        "lookahead": bool(biased),
        "cuts_checked": len(reports),
        "cuts_differing": len(biased),
        "first_bar": min((r.first_bar for r in biased if r.first_bar is not None), default=None),
    }
