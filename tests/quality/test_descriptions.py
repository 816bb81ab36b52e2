"""The description corpora are well formed, and the generation bench scores them honestly."""

from __future__ import annotations

import inspect

import pytest

from Backtest.quality import generation
from Backtest.quality.reference import (
    NotationError,
    iter_expectations,
    mismatches,
    parse_condition,
    reference_facts,
)

TUNING = generation.load_cases("tuning")
HELDOUT = generation.load_cases("heldout")
HELDOUT2 = generation.load_cases("heldout2")
HELDOUT3 = generation.load_cases("heldout3")
HELDOUT4 = generation.load_cases("heldout4")
HELDOUT5 = generation.load_cases("heldout5")
HELDOUT6 = generation.load_cases("heldout6")
HELDOUT7 = generation.load_cases("heldout7")
HELDOUT8 = generation.load_cases("heldout8")
HELDOUT9 = generation.load_cases("heldout9")
HELDOUT10 = generation.load_cases("heldout10")
HELDOUT11 = generation.load_cases("heldout11")
HELDOUT12 = generation.load_cases("heldout12")
HELDOUT13 = generation.load_cases("heldout13")
HELDOUT14 = generation.load_cases("heldout14")
HELDOUT15 = generation.load_cases("heldout15")
HELDOUT16 = generation.load_cases("heldout16")
HELDOUT17 = generation.load_cases("heldout17")
HELDOUT18 = generation.load_cases("heldout18")
HELDOUT19 = generation.load_cases("heldout19")
HELDOUT20 = generation.load_cases("heldout20")
HELDOUT21 = generation.load_cases("heldout21")
HELDOUT22 = generation.load_cases("heldout22")
HELDOUT23 = generation.load_cases("heldout23")
TUNING2 = generation.load_cases("tuning2")
ALL_CASES = (
    TUNING
    + HELDOUT
    + HELDOUT2
    + HELDOUT3
    + HELDOUT4
    + HELDOUT5
    + HELDOUT6
    + HELDOUT7
    + HELDOUT8
    + HELDOUT9
    + HELDOUT10
    + HELDOUT11
    + HELDOUT12
    + HELDOUT13
    + HELDOUT14
    + HELDOUT15
    + HELDOUT16
    + HELDOUT17
    + HELDOUT18
    + HELDOUT19
    + HELDOUT20
    + HELDOUT21
    + HELDOUT22
    + HELDOUT23
    + TUNING2
)


def test_corpora_are_big_enough_split_and_ids_unique() -> None:
    assert len(TUNING) + len(HELDOUT) >= 150
    assert len(HELDOUT) >= 50
    assert len(HELDOUT2) >= 60
    assert len(HELDOUT3) >= 40
    assert len(HELDOUT4) >= 40
    assert len(HELDOUT5) >= 40
    assert len(HELDOUT6) >= 40
    assert len(HELDOUT7) >= 40
    assert len(HELDOUT8) >= 40
    assert len(HELDOUT9) >= 40
    assert len(HELDOUT10) >= 40
    assert len(HELDOUT11) >= 40
    assert len(HELDOUT12) >= 40
    assert len(HELDOUT13) >= 40
    assert len(HELDOUT14) >= 40
    assert len(HELDOUT15) >= 40
    assert len(HELDOUT16) >= 40
    assert len(HELDOUT17) >= 40
    assert len(HELDOUT18) >= 40
    assert len(HELDOUT19) >= 40
    assert len(HELDOUT20) >= 40
    assert len(HELDOUT21) >= 40
    assert len(HELDOUT22) >= 40
    assert len(HELDOUT23) >= 40
    assert len(TUNING2) >= 80
    ids = [case["id"] for case in ALL_CASES]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case["id"])
def test_every_case_has_a_reference_or_a_refusal_in_valid_notation(case: dict) -> None:
    assert ("expect" in case) != ("refuse" in case)
    assert case["text"].strip()
    for expect in iter_expectations(case):
        reference_facts(expect)


def test_notation_is_semantic_not_textual() -> None:
    a = parse_condition("all(RSI(14) < 30; Close > SMA(200))")
    assert a == parse_condition("all(SMA(200) < Close; 30 > RSI)")
    assert parse_condition("SMA(10) - SMA(50) > 0") == parse_condition("SMA(10) > SMA(50)")
    assert parse_condition("DONCHIAN(20).upper[1]  < Close") == parse_condition(
        "Close > MAX(20, High)[1]"
    )
    assert parse_condition("weekday not in [fri]") == parse_condition(
        "weekday in [mon, tue, wed, thu, sat, sun]"
    )
    assert parse_condition("rising(SMA(200))") == parse_condition("SMA(200) > SMA(200)[1]")
    assert parse_condition("for_bars(rising(SMA(20)), 4)") == parse_condition("rising(SMA(20), 4)")
    assert parse_condition("for_bars(Close[1] > Close, 2)") == parse_condition("falling(Close, 2)")
    assert parse_condition("for_bars(rising(Close, 2), 3)") == parse_condition("rising(Close, 4)")
    assert parse_condition("for_bars(Close > SMA(20), 3)") != parse_condition("rising(Close, 3)")
    assert parse_condition("RSI(14) < 30") != parse_condition("RSI(21) < 30")
    with pytest.raises(NotationError):
        parse_condition("RSI(14) ~ 30")


def test_loose_operators_accept_a_level_or_a_crossing_but_not_the_other_way() -> None:
    expected = reference_facts({"entry": "RSI(14) below 30"})
    as_level = reference_facts({"entry": "RSI(14) < 30"})
    as_cross = reference_facts({"entry": "RSI(14) crosses_below 30"})
    wrong = reference_facts({"entry": "RSI(14) crosses_above 30"})
    assert mismatches(expected, as_level) == []
    assert mismatches(expected, as_cross) == []
    assert mismatches(expected, wrong)


def test_an_accepted_case_that_differs_is_silently_wrong_and_a_refusal_is_not() -> None:
    right = {"id": "r", "text": "Buy when RSI(14) is below 30", "expect": {"entry": "RSI(14) < 30"}}
    wrong = {"id": "w", "text": "Buy when RSI(14) is below 30", "expect": {"entry": "RSI(14) < 25"}}
    must_refuse = {"id": "m", "text": "Buy when RSI(14) is below 30", "refuse": "test"}
    refused = {"id": "x", "text": "buy when the moon is full", "expect": {"entry": "RSI(14) < 30"}}
    outcomes = [generation.evaluate(c, "t").outcome for c in (right, wrong, must_refuse, refused)]
    assert outcomes == ["faithful", "silently_wrong", "silently_wrong", "refused"]
    report = generation.evaluate(refused, "t")
    assert report.message
    assert len(report.message) < 600


def test_the_bench_never_executes_strategy_code_itself() -> None:
    source = inspect.getsource(generation)
    for forbidden in ("exec(", "eval(", "importlib", "compile(code"):
        assert forbidden not in source
    assert "BotExecutor" in source


def test_every_corpus_part_is_scored_by_default() -> None:
    defaults = inspect.signature(generation.run).parameters["parts"].default
    assert (
        set(defaults)
        == set(generation.PARTS)
        == {
            "tuning",
            "heldout",
            "heldout2",
            "heldout3",
            "heldout4",
            "heldout5",
            "heldout6",
            "heldout7",
            "heldout8",
            "heldout9",
            "heldout10",
            "heldout11",
            "heldout12",
            "heldout13",
            "heldout14",
            "heldout15",
            "heldout16",
            "heldout17",
            "heldout18",
            "heldout19",
            "heldout20",
            "heldout21",
            "heldout22",
            "heldout23",
            "tuning2",
        }
    )


def test_summary_counts_per_part() -> None:
    reports = [
        generation.CaseReport("a", "p", True, "faithful"),
        generation.CaseReport("b", "p", True, "refused", message="x" * 100),
        generation.CaseReport("c", "p", False, "refused", message="x" * 300),
        generation.CaseReport("d", "p", True, "silently_wrong"),
    ]
    summary = generation.summarise(reports)
    assert summary["faithful_pct_of_expressible"] == pytest.approx(33.3)
    assert summary["silently_wrong"] == 1
    assert summary["must_refuse_refused"] == 1
    assert generation.message_lengths(reports) == {
        "count": 2,
        "median": 200,
        "p90": 300,
        "max": 300,
    }


def test_tuning_part_is_read_faithfully_and_never_silently_wrong() -> None:
    reports = [generation.evaluate(case, "tuning") for case in TUNING]
    summary = generation.summarise(reports)
    assert summary["silently_wrong"] == 0, summary["silently_wrong_ids"]
    assert summary["faithful_pct_of_expressible"] >= 95
    assert summary["code_valid"] == summary["faithful"]
