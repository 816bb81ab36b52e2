"""Helpers of the phrase tests: a text reads as a reference strategy, or is refused."""

from __future__ import annotations

from typing import Any

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.reference import mismatches, reference_facts, spec_facts


def reads_as(text: str, expect: dict[str, object]) -> None:
    """``text`` parses to the strategy ``expect`` describes (the corpora's notation)."""
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def refused(text: str) -> str:
    """``text`` is refused; every phrase it names with its reason, as one string."""
    with pytest.raises(DescriptionNotUnderstood) as info:
        parse_description(text)
    return " ".join(f"{item['text']}: {item['reason']}" for item in info.value.unrecognised)


def spec_data(text: str) -> dict[str, Any]:
    """The spec ``text`` parses to, as the JSON the API stores (unset fields left out)."""
    return parse_description(text).spec.model_dump(mode="json", exclude_none=True)
