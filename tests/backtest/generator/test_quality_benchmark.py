"""The generation benchmark scores correctness and trading, and reports both sets."""

from __future__ import annotations

import json

import pytest

from Backtest.quality import generation
from Backtest.quality.corpus_descriptions import Case


def test_correct_case_is_scored_understood_correct_and_trading() -> None:
    case = Case(
        "ok",
        "Buy when RSI(14) drops below 30, sell when it rises above 70",
        entry="RSI(14) below 30",
        exit="RSI(14) > 70",
    )
    report = generation.evaluate(case, "main", generation.run_in_process)
    assert (report.understood, report.correct, report.code_valid, report.runs) == (True,) * 4
    assert report.trades > 0


def test_wrong_expectation_is_scored_incorrect_even_though_it_trades() -> None:
    case = Case("wrong", "buy when RSI < 30, sell when RSI > 70", entry="RSI(14) < 25")
    report = generation.evaluate(case, "main", generation.run_in_process)
    assert (report.understood, report.runs, report.correct) == (True, True, False)
    assert report.trades > 0
    assert any(m.startswith("entry") for m in report.mismatches)
    assert any(m.startswith("exit") for m in report.mismatches)  # exit must be absent


def test_refusal_cases_score_only_when_refused() -> None:
    refused = generation.evaluate(Case("r", "buy when the moon is full", refuse=True), "m", None)
    accepted = generation.evaluate(
        Case("a", "buy when RSI < 30", refuse=True), "m", generation.run_in_process
    )
    assert (refused.correct, refused.understood) == (True, False)
    assert not accepted.correct


def test_no_trade_strategy_falls_back_to_other_data_and_records_it() -> None:
    calls: list[str] = []

    def runner(code: str, symbol: str) -> generation.RunOutcome:
        calls.append(symbol)
        return generation.RunOutcome(True, trades=0 if symbol == "GOOG" else 3)

    case = Case(
        "x", "buy when RSI < 30, sell when RSI > 70", entry="RSI(14) < 30", exit="RSI(14) > 70"
    )
    report = generation.evaluate(case, "main", runner)
    assert calls == ["GOOG", "EURUSD"]
    assert (report.trades_goog, report.trades, report.symbol) == (0, 3, "EURUSD")
    summary = generation.summarise([report])
    assert summary["runs_and_trades_rate"] == 1.0
    assert summary["trades_on_goog_rate"] == 0.0


@pytest.mark.slow
def test_full_benchmark_in_process_is_json_safe_and_meets_the_target() -> None:
    result = generation.run(use_executor=False)
    json.dumps(result)
    assert result["executor"] == "in_process"
    for name in ("main", "held_out", "held_out_late"):
        rates = result[name]
        assert rates["correct_and_trades_rate"] >= 0.9, (name, rates)
        assert rates["refusal_correct_rate"] == 1.0
