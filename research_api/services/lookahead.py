"""Look-ahead check of a strategy: its trades on full data vs on data cut at several bars.

Every run goes through the one pipeline (``backtest_execute``) in the sandbox, which returns
the strategy's indicator values on request. Compared are the strategy's signals (the trades it
enters and exits: bar, size, price) and every ``self.I`` indicator's values on the cut's bars.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from Backtest.errors import AlgoAgentError
from Backtest.market_data import iso_utc
from Backtest.pipeline import BacktestRequest
from Backtest.research.lookahead import (
    DEFAULT_CUTS,
    compare_indicators,
    compare_trades,
    cut_points,
    verdict,
)
from backtest_api import pipeline
from jobs.events import EventSink, no_events
from jobs.services import JobFailure
from strategy_api.models import Strategy, StrategyVersion

CHECKED = (
    "signals: every entry up to each cut's last bar and every exit before it (bar, size, "
    "price), on the full data and on the data cut there, orders filled at the signal bar's "
    "close; indicators: every self.I indicator's values on the cut's bars"
)


def cut_data(data: pd.DataFrame, bars: int) -> pd.DataFrame:
    """The first ``bars`` bars and a copy of the last one, dated like the real next bar.

    backtesting.py fills an order on the bar after the decision, so without a bar after the
    cut the decision taken on its last bar, the one that a peek at the next bar changes, would
    never show. The copy lets it fill (at the last bar's close, ``trade_on_close``); a strategy
    that only uses the past decides the same there as on the full data, one that peeks sees the
    copy instead of the real next bar.
    """
    tail = data.iloc[[bars - 1]].copy()
    tail.index = data.index[bars : bars + 1]
    return pd.concat([data.iloc[:bars], tail])


def lookahead_warning(result: dict[str, Any]) -> dict[str, str] | None:
    """The ``lookahead`` run warning for a biased strategy (None when none was found)."""
    if not result.get("lookahead"):
        return None
    first = result.get("first_difference_time") or result.get("first_difference_bar")
    names = result.get("biased_indicators") or []
    listed = ", ".join(names[:3])
    if result.get("biased_signals"):
        also = f" (indicators reading ahead: {listed})" if names else ""
        message = (
            f"The strategy trades differently when later bars are removed (first at {first})"
            f"{also}: it uses future data, so its backtest results are not achievable."
        )
    else:
        message = (
            f"The strategy computes {listed} differently when later bars are removed (first "
            f"at {first}): that indicator uses future data. Its trades did not change on the "
            "cuts checked, but any rule or chart reading it is not achievable."
        )
    return {"code": "lookahead", "message": message}


def strategy_lookahead_check(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    request: BacktestRequest,
    on_event: EventSink = no_events,
    cuts: int = DEFAULT_CUTS,
) -> dict[str, Any]:
    """Run the version on the full bars and cut at ``cuts`` points; the verdict and details."""
    owner = strategy.owner
    checked = request.model_copy(
        update={"finalize_trades": True, "trade_on_close": True, "plot": False}
    )
    data = pipeline.backtest_data_load(owner=owner, request=checked)
    full = pipeline.backtest_execute(
        owner=owner, request=checked, code=version.code, data=data, indicators=True
    )
    if not full.success:
        raise JobFailure(
            "strategy_failed",
            f"The strategy failed on the full data ({full.result.error_type}): "
            f"{full.result.error_message or ''}",
        )
    if full.result.trades_total > len(full.result.trades):
        raise JobFailure("too_many_trades", "Too many trades to compare; use a shorter range.")
    points = cut_points(len(data), cuts)
    reports = []
    failed: list[dict[str, Any]] = []
    indicators, not_compared = _indicator_items(full.result.indicators)
    biased: dict[int, tuple[str, int]] = {}  # index -> (name, first bar)
    per_cut: dict[int, list[dict[str, Any]]] = {}  # cut -> differing indicators
    for index, bars in enumerate(points):
        on_event(
            "lookahead_cut",
            f"Cut {index + 1}/{len(points)}: the first {bars:,} bars",
            data={"bars": bars},
            progress=round(10 + 85 * index / max(len(points), 1)),
        )
        part = pipeline.backtest_execute(
            owner=owner,
            request=checked,
            code=version.code,
            data=cut_data(data, bars),
            indicators=indicators is not None,
        )
        if not part.success:  # too few bars for the code, say: no evidence either way
            failed.append(
                {
                    "cut_bars": bars,
                    "error": f"{part.result.error_type}: {(part.result.error_message or '')}"[:300],
                }
            )
            continue
        reports.append(compare_trades(full.result.trades, part.result.trades, bars))
        if indicators is not None:
            items, _ = _indicator_items(part.result.indicators)
            if items is None or len(items) != len(indicators):
                continue  # this cut made other indicators: not compared here (null)
            differing = compare_indicators(indicators, items, bars)
            per_cut[bars] = [
                {"name": d.name, "first_difference_bar": d.first_bar} for d in differing
            ]
            for d in differing:
                if d.index not in biased or d.first_bar < biased[d.index][1]:
                    biased[d.index] = (d.name, d.first_bar)
    found = verdict(reports)
    signals = found["lookahead"]
    firsts = [found.pop("first_bar")] + [bar for _, bar in biased.values()]
    first = min((bar for bar in firsts if bar is not None), default=None)
    details = [
        {
            "cut_bars": r.bars,
            "cut_time": iso_utc(data.index[r.bars - 1]),
            "differs": r.differs or bool(per_cut.get(r.bars)),
            "first_difference_bar": r.first_bar,
            "only_in_full_run": r.full,
            "only_in_cut_run": r.truncated,
            "indicators_differing": per_cut.get(r.bars),
        }
        for r in reports
    ]
    result = {
        "strategy_id": strategy.pk,
        "version": version.number,
        "symbol": request.symbol,
        **found,
        "lookahead": signals or bool(biased),
        "cuts_differing": sum(1 for d in details if d["differs"]),
        "biased_indicators": [biased[i][0] for i in sorted(biased)]
        if indicators is not None
        else None,
        "indicators_not_compared": None if indicators is not None else not_compared,
        "biased_signals": signals,
        "checked": CHECKED,
        "first_difference_bar": first,
        "first_difference_time": iso_utc(data.index[first]) if first is not None else None,
        "details": details,
        "cuts_failed": failed,
    }
    result["warning"] = lookahead_warning(result)
    return result


def _indicator_items(
    returned: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]] | None, str | None]:
    """A run's indicator values, or None and why they cannot be compared."""
    if not returned:
        return None, "the run returned no indicator values"
    if "skipped" in returned:
        return None, str(returned["skipped"])
    return list(returned.get("items") or []), None


#: Cuts of the automatic check after generate and chat edits (the explicit endpoint does more).
AUTO_CUTS = 6


def strategy_lookahead_warning(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    request: BacktestRequest,
    on_event: EventSink = no_events,
) -> dict[str, str] | None:
    """The automatic look-ahead check of a new version: its warning, or None when clean.

    A check that cannot run (the strategy fails on these bars, too many trades ...) is said as a
    ``lookahead_not_checked`` warning, never passed over in silence.
    """
    try:
        result = strategy_lookahead_check(
            strategy=strategy, version=version, request=request, on_event=on_event, cuts=AUTO_CUTS
        )
    except AlgoAgentError as exc:
        return {
            "code": "lookahead_not_checked",
            "message": f"The automatic look-ahead check could not run: {exc.message}",
        }
    return result["warning"]
