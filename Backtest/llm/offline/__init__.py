"""Offline (no LLM) parser: plain-English strategy descriptions -> canonical strategy spec.

    parsed = parse_description("Buy when RSI(14) drops below 30, sell above 70. 2% stop.")
    parsed.spec            # validated StrategySpec
    parsed.understood      # ["Side: long", "Long entry: RSI(14) crosses below 30", ...]

It raises :class:`DescriptionNotUnderstood` rather than guess: the error lists what was
understood, what was not (with reasons) and example phrasings. The pipeline is described in
:mod:`.parser`; the vocabulary and the documented defaults live in :mod:`.vocabulary`.
"""

from __future__ import annotations

from Backtest.llm.offline.errors import EXAMPLE_PHRASINGS, DescriptionNotUnderstood
from Backtest.llm.offline.parser import ParsedDescription, parse_description

__all__ = [
    "EXAMPLE_PHRASINGS",
    "DescriptionNotUnderstood",
    "ParsedDescription",
    "parse_description",
]
