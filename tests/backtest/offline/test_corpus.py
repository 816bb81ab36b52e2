"""Every corpus description parses to its expected rules, compiles and passes validate_code."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.corpus_descriptions import HELD_OUT, HELD_OUT_LATE, MAIN, Case
from Backtest.quality.generation import compare, parse_expected, trees_match
from Backtest.spec import compile_spec
from Backtest.validation import validate_code

ALL = [*MAIN, *HELD_OUT, *HELD_OUT_LATE]


def test_corpus_is_big_enough_and_ids_are_unique() -> None:
    assert len(MAIN) >= 40
    assert len(HELD_OUT) >= 15
    assert len({case.id for case in ALL}) == len(ALL)


@pytest.mark.parametrize("case", ALL, ids=lambda case: case.id)
def test_corpus_case_parses_as_expected_and_compiles_to_valid_code(case: Case) -> None:
    if case.refuse:
        with pytest.raises(DescriptionNotUnderstood):
            parse_description(case.text)
        return
    spec = parse_description(case.text).spec
    assert compare(case, spec) == []
    report = validate_code(compile_spec(spec))
    assert report.ok, report.findings


def test_comparison_rejects_wrong_operands_ops_and_structure() -> None:
    expected = parse_expected("all(RSI(14) < 30; Close > SMA(200))")
    assert trees_match(expected, parse_expected("all(Close > SMA(200); RSI(14) < 30)"))
    assert trees_match(expected, parse_expected("all(30 > RSI(14); SMA(200) < Close)"))
    assert not trees_match(expected, parse_expected("all(RSI(14) < 35; Close > SMA(200))"))
    assert not trees_match(expected, parse_expected("any(RSI(14) < 30; Close > SMA(200))"))
    assert not trees_match(expected, parse_expected("RSI(14) < 30"))
    assert not trees_match(parse_expected("RSI(14) < 30"), parse_expected("RSI(21) < 30"))
    loose = parse_expected("RSI(14) below 30")
    assert trees_match(loose, parse_expected("RSI(14) crosses_below 30"))
    assert not trees_match(loose, parse_expected("RSI(14) crosses_above 30"))


def test_comparison_reports_side_and_risk_mismatches() -> None:
    spec = parse_description("buy when RSI < 30, 2% stop").spec
    wrong = Case("x", "", side="short", entry="RSI(14) < 30", exit="RSI(14) > 70")
    problems = compare(wrong, spec)
    assert any(p.startswith("side") for p in problems)
    assert any(p.startswith("stop_loss_pct") for p in problems)
