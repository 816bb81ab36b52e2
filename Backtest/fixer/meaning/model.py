"""The pieces of a strategy's meaning and their multiset (see :mod:`Backtest.fixer.meaning`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Element", "Meaning"]


@dataclass(frozen=True)
class Element:
    """One piece of meaning: where it is, what kind, and its canonical text."""

    scope: str  # "parameters" or the method / function name
    kind: str  # "parameter", "rule", "order", "computation", "warmup"
    text: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Comparison key (case-insensitive: ``RSI`` and ``rsi`` name the same function)."""
        return (self.scope, self.kind, self.text.lower())


@dataclass
class Meaning:
    """The canonical elements of one version plus what the comparison needs to know."""

    elements: list[Element] = field(default_factory=list)
    #: ``self.x`` attributes read but never set (typos an edit may resolve).
    undefined_attrs: set[str] = field(default_factory=set)
    #: Attributes the version defines (assigned, class attributes, methods).
    defined_attrs: set[str] = field(default_factory=set)

    def counts(self) -> Counter[tuple[str, str, str]]:
        """Multiset of element keys."""
        return Counter(e.key for e in self.elements)
