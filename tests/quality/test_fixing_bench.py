"""The fixing benchmark's judging and bookkeeping (the sandboxed run itself is a slow test)."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from Backtest.bot_error_fixer import BotErrorFixer, ErrorAnalyzer
from Backtest.quality import fixing
from Backtest.quality.corpus import load_part
from tests.backtest.fixer.snippets import WORKING
from tests.backtest.fixer.stand_in import StandInResult, run_strategy

HELD_OUT = {case.name: case for case in load_part("held_out")}


def judge(case):
    return fixing.judge_case(case, run_strategy, ErrorAnalyzer(), BotErrorFixer(None))


def test_a_meaning_preserving_fix_is_checked_against_the_reference_by_its_trades() -> None:
    outcome = judge(HELD_OUT["macd_two_targets"])
    assert outcome["fixed"]
    assert outcome["checked_by"] == "trades compared with the reference fix"
    assert (outcome["semantic"], outcome["flagged"], outcome["success"]) == (False, False, True)


def test_a_fix_that_trades_differently_from_the_reference_is_an_unflagged_change() -> None:
    case = HELD_OUT["macd_two_targets"]
    other = replace(case, reference=case.reference.replace("self.fast, self.slow", "20, 50"))
    outcome = judge(other)
    assert outcome["semantic"]
    assert outcome["unflagged"]
    assert not outcome["success"]


def test_a_case_without_a_meaning_preserving_fix_must_be_flagged() -> None:
    outcome = judge(HELD_OUT["fractional_size_above_one"])
    assert outcome["fixed"]
    assert outcome["semantic"]
    assert outcome["flagged"]
    assert not outcome["unflagged"]
    assert any("0.99" in change for change in outcome["changes"])


def test_a_case_that_already_works_is_reported_not_broken() -> None:
    case = replace(HELD_OUT["macd_two_targets"], code=WORKING)
    assert judge(case)["broken"] is False


def test_behaviour_compares_trades_and_return() -> None:
    trade = {"entry_bar": 3, "exit_bar": 9, "size": 10, "entry_price": 101.5}
    a = StandInResult(success=True, num_trades=1, return_pct=2.0)
    a.trades = [trade]  # type: ignore[attr-defined]
    b = StandInResult(success=True, num_trades=1, return_pct=2.0)
    b.trades = [dict(trade, size=11)]  # type: ignore[attr-defined]
    assert fixing.behaviour(a) == fixing.behaviour(a)
    assert fixing.behaviour(a) != fixing.behaviour(b)
    assert fixing.behaviour(StandInResult(success=False)) is None


def test_totals_count_successes_semantic_flags_and_false_alarms() -> None:
    base = {"broken": True, "classified": True, "expected_type": "x", "analyzed_type": "x"}
    outcomes = [
        {**base, "name": "a", "fixed": True, "semantic": False, "flagged": False},
        {**base, "name": "b", "fixed": True, "semantic": True, "flagged": True},
        {**base, "name": "c", "fixed": True, "semantic": True, "flagged": False},
        {**base, "name": "d", "fixed": True, "semantic": False, "flagged": True},
        {**base, "name": "e", "fixed": False, "semantic": None, "flagged": False},
        {"name": "f", "broken": False},
    ]
    for o in outcomes:
        if o["broken"]:
            o["unflagged"] = bool(o["fixed"] and o["semantic"] and not o["flagged"])
            o["success"] = bool(o["fixed"] and o["semantic"] == o["flagged"])
    totals = fixing._totals(outcomes)
    assert (totals["broken"], totals["fixed"], totals["success"]) == (5, 4, 2)
    assert totals["fixer_success_pct"] == 40.0
    assert (totals["semantic_changes"], totals["semantic_changes_flagged"]) == (2, 1)
    assert totals["unflagged_semantic_changes"] == ["c"]
    assert totals["false_alarms"] == ["d"]
    assert totals["unfixed"] == ["e"]
    assert totals["not_broken"] == ["f"]
    assert totals["meets_target"] is False


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox OS layers need root")
def test_the_benchmark_runs_every_case_through_the_sandbox() -> None:
    report = fixing.run(parts=("held_out",), limit=2)
    assert report["executor"]["name"] == "BotExecutor"
    assert "seccomp" in report["executor"]["sandbox_layers"]
    json.dumps(report)
    totals = report["held_out"]["totals"]
    assert totals["cases"] == 2
    assert totals["broken"] == 2
    assert "fixer success" in fixing.summarize(report)
