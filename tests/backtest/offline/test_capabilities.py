"""capabilities(): every construct listed has an example that parses, compiles and validates."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import capabilities, parse_description
from Backtest.spec import compile_spec
from Backtest.validation import validate_code

CAPABILITIES = capabilities()


def test_capabilities_have_unique_ids_and_the_documented_fields() -> None:
    assert len(CAPABILITIES) >= 20
    assert len({c["id"] for c in CAPABILITIES}) == len(CAPABILITIES)
    for cap in CAPABILITIES:
        assert set(cap) == {"id", "title", "description", "example"}
        assert all(isinstance(value, str) and value for value in cap.values())


@pytest.mark.parametrize("cap", CAPABILITIES, ids=[c["id"] for c in CAPABILITIES])
def test_every_example_parses_compiles_and_validates(cap: dict[str, str]) -> None:
    parsed = parse_description(cap["example"])
    report = validate_code(compile_spec(parsed.spec))
    assert report.ok, report.findings
