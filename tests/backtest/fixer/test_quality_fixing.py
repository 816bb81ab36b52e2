"""The broken-strategy corpus and the fixing benchmark's bookkeeping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from Backtest.bot_error_fixer import BotErrorFixer
from Backtest.fixer.analyzer import ERROR_TYPES, ErrorAnalyzer
from Backtest.quality import fixing
from Backtest.quality.corpus_broken import ALL_CASES, HELD_OUT_CASES, MAIN_CASES, BrokenStrategy
from Backtest.validation import validate_code
from tests.backtest.fixer.stand_in import run_strategy


def test_corpus_has_enough_varied_labelled_cases() -> None:
    assert len(MAIN_CASES) >= 35
    assert len(HELD_OUT_CASES) >= 10
    assert len({c.name for c in ALL_CASES}) == len(ALL_CASES)
    for case in ALL_CASES:
        assert case.expected_error_type in ERROR_TYPES, case.name
        assert case.mistakes, case.name
        assert "class " in case.code, case.name
        assert "Strategy" in case.code, case.name
    assert len({c.expected_error_type for c in MAIN_CASES}) >= 10
    assert sum(len(c.mistakes) > 1 for c in MAIN_CASES) >= 5  # some have two mistakes


def test_corpus_cases_are_not_already_valid_python_strategies_in_disguise() -> None:
    # Every case must be broken somehow: statically invalid, or failing/trade-less when run.
    # (A few only break under the sandbox's data handling; they are checked at run time.)
    broken_statically = [c for c in ALL_CASES if not validate_code(c.code).ok]
    assert len(broken_statically) >= 5


def test_case_outcome_records_classification_fix_and_attempts() -> None:
    case = next(c for c in MAIN_CASES if c.name == "sma_cross_missing_crossover_import")
    outcome = fixing._run_case(case, run_strategy, ErrorAnalyzer(), BotErrorFixer(None))
    assert outcome["broken"]
    assert outcome["classified"]
    assert outcome["fixed"]
    assert outcome["analyzed_type"] == "name_error"
    assert outcome["attempts"] == 1
    assert outcome["rules"] == ["add_missing_imports"]
    assert outcome["num_trades"] > 0


def test_a_case_that_already_works_is_reported_not_broken() -> None:
    from tests.backtest.fixer.snippets import WORKING

    case = BrokenStrategy("works", WORKING, "name_error", ("none",))
    outcome = fixing._run_case(case, run_strategy, ErrorAnalyzer(), BotErrorFixer(None))
    assert outcome["broken"] is False


def test_totals_count_only_broken_cases() -> None:
    outcomes: list[dict[str, Any]] = [
        {
            "name": "a",
            "broken": True,
            "classified": True,
            "fixed": True,
            "expected_type": "x",
            "analyzed_type": "x",
        },
        {
            "name": "b",
            "broken": True,
            "classified": False,
            "fixed": False,
            "expected_type": "x",
            "analyzed_type": "y",
        },
        {
            "name": "c",
            "broken": False,
            "classified": None,
            "fixed": None,
            "expected_type": "x",
            "analyzed_type": None,
        },
    ]
    totals = fixing._totals(outcomes)
    assert (totals["broken"], totals["classified"], totals["fixed"]) == (2, 1, 1)
    assert totals["classification_rate"] == totals["fix_rate"] == 0.5
    assert totals["not_broken"] == ["c"]
    assert totals["unfixed"] == ["b"]
    assert totals["misclassified"] == ["b: expected x, got y"]
    assert totals["meets_target"] is False


@pytest.mark.slow
def test_benchmark_smoke_run_with_the_fork_runner_is_json_safe() -> None:
    report = fixing.run(executor="fork", limit=2)
    assert report["executor"]["name"].startswith("ForkRunner")
    json.dumps(report)
    for name in ("main", "held_out"):
        totals = report[name]["totals"]
        assert totals["cases"] == 2
        assert 0.0 <= (totals["fix_rate"] or 0.0) <= 1.0


@pytest.mark.slow
def test_fork_runner_reports_timeouts_and_exceptions() -> None:
    runner = fixing.ForkRunner(timeout_s=1.0)
    hang = "from backtesting import Strategy\nwhile True:\n    pass\n"
    assert runner.execute(hang).error_type == "timeout"
    result = runner.execute("from backtesting import Strategy\nx = 1 / 0\n")
    assert (result.error_type, result.error_line) == ("ZeroDivisionError", 2)
