"""Shared helpers of the grammar: the span of what a reading covers, positive integers."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline.combinators import tok
from Backtest.llm.offline.lexer import Lexeme


def _span(*items: Any) -> ir.Span:
    starts, ends = [], []
    for item in items:
        if isinstance(item, Lexeme):
            starts.append(item.start)
            ends.append(item.end)
        elif isinstance(item, tuple | list):
            inner = _span(*item)
            if inner != (0, 0):
                starts.append(inner[0])
                ends.append(inner[1])
        elif item is not None and getattr(item, "span", (0, 0)) != (0, 0):
            starts.append(item.span[0])
            ends.append(item.span[1])
    return (min(starts), max(ends)) if starts else (0, 0)


def _int(value: float) -> int | None:
    return int(value) if float(value).is_integer() and value > 0 else None


# "it": what the words before it named (each rule says which)
IT = tok("PRON", when=lambda lx: lx.text.lower() == "it")
