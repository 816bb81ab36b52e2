"""Shared pieces of the lexer: the lexeme type, phrase tables and the token cursor."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from Backtest.indicator_registry import UnknownIndicatorError, get_indicator
from Backtest.llm.offline import phrases as ph
from Backtest.llm.offline import vocabulary as v

HARD = frozenset({".", ";", "\n", "!", "?"})


SOFT = frozenset({",", ":", "->", "=", "then", "/", "so"})


CONNECTORS = {
    "and": "and",
    "but": "and",
    "plus": "and",
    "as well as": "and",
    "and also": "and",
    "or": "or",
    "either": "either",
    "whichever comes first": "or",
    "whichever first": "or",
}


SPLITTING_FILTERS = frozenset(
    {"while", "as long as", "provided", "provided that", "only if", "only when", "but only"}
    | {"and only", "with", "whilst"}
)


DEVIATION_WORDS = {
    "standard deviations": 2,
    "standard deviation": 2,
    "std devs": 2,
    "std dev": 2,
    "stdevs": 1,
    "stdev": 1,
    "std": 1,
    "sd": 1,
    "sds": 1,
    "sigma": 1,
    "sigmas": 1,
    "deviations": 1,
    "deviation": 1,
    "devs": 1,
    "dev": 1,
}


AVERAGE_WORDS = {
    "average": "SMA",
    "avg": "SMA",
    "mean": "SMA",
    "moving average": "SMA",
    "ma": "SMA",
    "sma": "SMA",
    "simple moving average": "SMA",
    "ema": "EMA",
    "exponential moving average": "EMA",
}


AVG_VOLUME = {
    "above average volume": ">",
    "higher than average volume": ">",
    "greater than average volume": ">",
    "high volume": ">",
    "heavy volume": ">",
    "strong volume": ">",
    "rising volume": ">",
    "increasing volume": ">",
    "volume spike": ">",
    "volume surge": ">",
    "below average volume": "<",
    "lower than average volume": "<",
    "low volume": "<",
    "light volume": "<",
}


CHANNEL_WORDS = {
    "high": ("MAX", "High"),
    "highs": ("MAX", "High"),
    "highest high": ("MAX", "High"),
    "highest close": ("MAX", "Close"),
    "low": ("MIN", "Low"),
    "lows": ("MIN", "Low"),
    "lowest low": ("MIN", "Low"),
    "lowest close": ("MIN", "Close"),
}


ROW_WORDS = ("in a row", "consecutive", "straight", "running")


STANDALONE_OUTPUTS = frozenset(p for p, role in v.OUTPUT_WORDS.items() if role != "main") - {
    "up",
    "down",
    "hist",
    "basis",
}


COMPARATORS: dict[str, tuple[str, Any]] = {
    **{p: ("cmp", op) for p, op in ph.STATIC.items()},
    **{p: ("cmp", op) for p, op in ph.MOTION.items()},
    **{p: ("implicit", value) for p, value in ph.IMPLICIT.items()},
}


MAX_PHRASE = 6


@dataclass
class Lex:
    """One lexeme: its kind, the source text it came from and a kind-specific value."""

    kind: str
    text: str
    value: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def is_number(token: str) -> bool:
    """Whether a token is a plain decimal number."""
    return token.replace(".", "", 1).isdigit()


@functools.cache
def registry_name(token: str) -> str | None:
    """A TA-Lib function name written as such ("ultosc", "ht_trendline"), else None."""
    if not token.replace("_", "").isalnum() or len(token) < 3:
        return None
    try:
        info = get_indicator(token)
    except UnknownIndicatorError:
        return None
    if info.name != token.upper() or info.name in v.NAME_STOPLIST:
        return None
    return info.name if info.group in v.NAME_GROUPS else None


class Cursor:
    """Position in the token list plus the lexemes emitted so far."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = list(tokens)
        self.i = 0
        self.out: list[Lex] = []

    def at(self, offset: int = 0) -> str:
        """The token ``offset`` positions from the cursor ("" past either end)."""
        index = self.i + offset
        return self.tokens[index] if 0 <= index < len(self.tokens) else ""

    def phrase(self, table: Mapping[str, Any] | frozenset[str], start: int | None = None) -> int:
        """Length in tokens of the longest phrase of ``table`` starting at ``start`` (0: none)."""
        start = self.i if start is None else start
        for length in range(MAX_PHRASE, 0, -1):
            if start + length > len(self.tokens):
                continue
            if " ".join(self.tokens[start : start + length]) in table:
                return length
        return 0

    def text(self, start: int, end: int) -> str:
        """Tokens ``start:end`` joined by spaces."""
        return " ".join(self.tokens[start:end])

    def emit(self, kind: str, start: int, end: int, value: Any = None, **extra: Any) -> bool:
        """Append a lexeme for tokens ``start:end`` and move the cursor to ``end``."""
        self.out.append(Lex(kind, self.text(start, end), value, extra))
        self.i = end
        return True
