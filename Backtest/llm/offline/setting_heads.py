"""A position size said before a colon that opens the rules: "Trade 100 shares each time: buy
when RSI(14) crosses above 30, sell when ...".

The words before the colon are read on their own; when every reading of them is one position
size, and the words after the colon start with an action ("buy", "sell", "short", "cover",
"exit", "enter"), the sentence is read as two: the size, then the rules (noted). Anything else
is left as it was: a head that is a title, a side ("Short side:") or a condition is read as
before, and the colon is refused when it cannot be placed.
"""

from __future__ import annotations

from collections.abc import Sequence

from Backtest.llm.offline import ir
from Backtest.llm.offline.grammar import read_sentence
from Backtest.llm.offline.lexer import Lexeme

_ACTIONS = frozenset({"BUY", "SELL", "SHORT", "COVER", "EXIT", "ENTER"})


def setting_head(lexemes: Sequence[Lexeme]) -> int | None:
    """Where the colon is, when ``lexemes`` are a position size, a colon and rules."""
    colons = [i for i, lx in enumerate(lexemes) if lx.kind == "COLON"]
    if len(colons) != 1:
        return None
    at = colons[0]
    head, rest = list(lexemes[:at]), lexemes[at + 1 :]
    if not head or not rest or rest[0].kind not in _ACTIONS:
        return None
    readings = read_sentence(head).readings
    if not readings or not all(
        len(reading) == 1 and isinstance(reading[0], ir.Size) for reading in readings
    ):
        return None
    return at
