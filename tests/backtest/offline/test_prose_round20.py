"""Prose round 20 (lead): an arrow after a when-clause, "Filter:" before a whole filter
statement, "never go long" as a side."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_EMA_SHORT = (
    "Short when the 50-day EMA crosses below the 200-day EMA, cover when it crosses back above. "
)
_EMA_LONG = (
    "Buy when the 50-day EMA crosses above the 200-day EMA, sell when it crosses back below. "
)
_ROC = "Buy when ROC(10) crosses above 0, sell when ROC(10) crosses below 0. "


@pytest.mark.parametrize("arrow", ["->", "→", "=>"])
def test_an_arrow_after_a_when_clause_leads_to_its_action(arrow: str) -> None:
    reads_as(
        f"When SuperTrend(10, 3) flips from down to up {arrow} buy. "
        f"When it flips from up to down {arrow} sell.",
        {
            "entry": "SUPERTREND(10,3).direction crosses_above 0",
            "exit": "SUPERTREND(10,3).direction crosses_below 0",
        },
    )


@pytest.mark.parametrize(
    "never", ["Never go long with this one.", "Never go long.", "Never buy.", "No longs."]
)
def test_never_go_long_is_the_short_side_only(never: str) -> None:
    reads_as(
        _EMA_SHORT + never,
        {
            "side": "short",
            "short_entry": "EMA(50) crosses_below EMA(200)",
            "short_exit": "EMA(50) crosses_above EMA(200)",
        },
    )


def test_never_go_long_beside_long_rules_is_refused() -> None:
    assert "short only but also describes long entries" in refused(
        _EMA_LONG + "Never go long with this one."
    )


def test_never_buy_with_a_condition_stays_a_filter() -> None:
    reads_as(
        _EMA_LONG + "Never buy when RSI(14) > 80.",
        {
            "entry": "all(EMA(50) crosses_above EMA(200); RSI(14) <= 80)",
            "exit": "EMA(50) crosses_below EMA(200)",
        },
    )


@pytest.mark.parametrize(
    "rule",
    [
        "Filter: never open a new trade on a Friday.",
        "Filter: no trades on Fridays.",
        "Filter: never buy on a Friday.",
    ],
)
def test_a_filter_label_before_a_whole_filter_statement(rule: str) -> None:
    reads_as(
        _ROC + rule,
        {
            "entry": "all(ROC(10) crosses_above 0; weekday not in [fri])",
            "exit": "ROC(10) crosses_below 0",
        },
    )


def test_a_filter_label_before_a_negated_condition() -> None:
    reads_as(
        _ROC + "Filter: never buy when RSI(14) > 80.",
        {"entry": "all(ROC(10) crosses_above 0; RSI(14) <= 80)", "exit": "ROC(10) crosses_below 0"},
    )
