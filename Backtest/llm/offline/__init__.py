"""Offline (no LLM) parser: plain-English strategy descriptions -> spec 2.0.

    parsed = parse_description("Buy when RSI(14) drops below 30, sell above 70. 2% stop.")
    parsed.spec            # validated spec 2.0 (Backtest.spec.StrategySpec)
    parsed.understood_as   # "Enter long when RSI(14) is below 30. Exit when ... Stop loss 2% ..."
    capabilities()         # every construct understood, each with an example that parses

It fails closed: every word is placed in the spec or is known filler, otherwise it raises
:class:`DescriptionNotUnderstood` naming the phrases (verbatim, with offsets). The pipeline is
described in :mod:`.parser`, the words in :mod:`.vocabulary`, the grammar in :mod:`.grammar`.
"""

from __future__ import annotations

from Backtest.llm.offline.capabilities import capabilities
from Backtest.llm.offline.errors import DescriptionNotUnderstood
from Backtest.llm.offline.lexer import mentioned_indicators
from Backtest.llm.offline.parser import ParsedDescription, parse_description

__all__ = [
    "DescriptionNotUnderstood",
    "ParsedDescription",
    "capabilities",
    "mentioned_indicators",
    "parse_description",
]
