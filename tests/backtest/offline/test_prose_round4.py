"""Trader wording learnt in the fourth prose round (issue 12) from held-out 5's refusals and
the second tuning part, and the safety fixes found while probing it. Compared semantically, in
the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.reference import mismatches, reference_facts, spec_facts


def reads_as(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def refused(text: str) -> str:
    with pytest.raises(DescriptionNotUnderstood) as info:
        parse_description(text)
    return " ".join(f"{item['text']}: {item['reason']}" for item in info.value.unrecognised)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # Keltner "(20, 2)": period and ATR multiple (the ATR period keeps its default 10)
        (
            "Keltner channel breakout: buy when the close breaks above the upper Keltner channel "
            "(20, 2), trailing stop of 3 ATR(14).",
            {"entry": "Close above KELTNER(20,10,2).upper", "trailing": "3 ATR(14)"},
        ),
        (
            "Buy when the close is above the upper Keltner channel (20, 1.5).",
            {"entry": "Close > KELTNER(20,10,1.5).upper"},
        ),
        (
            "Buy when the close is above the upper Keltner channel (20, 14, 2.5).",
            {"entry": "Close > KELTNER(20,14,2.5).upper"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # safety: "(20, 2)" was read as an ATR period of 2 (KELTNER(20,2,2)); a second number
        # that cannot be a multiple is ambiguous
        ("Buy when the close is above the upper Keltner channel (20, 14).", "ATR period"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
