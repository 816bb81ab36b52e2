"""Helpers for the parser tests: parse a description and compare it with expected rules."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import parse_description
from Backtest.quality.corpus_descriptions import Case
from Backtest.quality.generation import compare


def check(text: str, **expected: Any) -> list[str]:
    """Mismatches between the parse of ``text`` and ``expected`` (Case fields; empty = right)."""
    parsed = parse_description(text)
    return compare(Case("test", text, **expected), parsed.spec)
