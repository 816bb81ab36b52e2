"""A condition every entry must meet, said as a teacher says it, read as "Only trade when ...".

"ADX(14) must be above 25 before any trade is opened, long or short." is a filter on every
entry: it is read as "Only trade when ADX(14) must be above 25" (the grammar's filter on both
sides' entries) and noted. It is read only when:

* the sentence is wholly the condition with "must" ("must be above 25"), then "before any trade
  (position) is opened", perhaps with ", long or short";
* with "long or short", the description's other sentences open both longs and shorts (a filter
  said of both sides on a one-sided strategy is left as it was, and refused);
* a next sentence opening "When it is, ..." refers back to the filter, which is already on
  every entry: the words are set aside, noted.

A sentence that is wholly the days every weekday but some ("Any weekday except Thursday and
Friday.") is a filter on every entry too: read as "Only trade on any weekday except Thursday
and Friday", noted (:func:`days_filter`). The days named are a list only: a sentence with any
other word ("Any weekday except Thursday, sell.") is left as it was.

Anything else is left as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from Backtest.llm.offline.lexer import Lexeme


def _kinds(lexemes: Sequence[Lexeme]) -> list[str]:
    return [lx.kind for lx in lexemes]


def entry_filter(lexemes: Sequence[Lexeme], others: Sequence[Lexeme]) -> list[Lexeme] | None:
    """The sentence written as "Only trade when <condition>", when it is wholly "<condition
    with must> before any trade is opened[, long or short]"; else None. ``others`` are the
    description's other lexemes."""
    lx = [lexeme for lexeme in lexemes if lexeme.kind != "FILLER"]
    kinds = _kinds(lx)
    tail = ["BEFORE", "TRADE", "IS", "OPENS"]
    both = kinds[-2:] == ["COMMA", "BOTHWAYS"]
    end = len(lx) - 2 if both else len(lx)
    at = end - len(tail)
    if at < 2 or kinds[at:end] != tail or lx[at + 3].text.lower() != "opened":
        return None
    condition = lx[:at]
    musts = [c for c in condition if c.kind == "IS" and c.text.lower().startswith("must ")]
    if len(musts) != 1 or any(c.kind in ("WHEN", "BEFORE", "SEP", "COLON") for c in condition):
        return None
    if both and not ({"BUY", "SHORT"} <= set(_kinds(others))):
        return None
    first = lx[0]
    return [
        Lexeme("ONLY", None, first.start, first.start, "only"),
        Lexeme("TRADE", None, first.start, first.start, "trade"),
        Lexeme("WHEN", None, first.start, first.start, "when"),
        *condition,
    ]


def days_filter(lexemes: Sequence[Lexeme]) -> list[Lexeme] | None:
    """ "Any weekday except Thursday and Friday." written as "Only trade on any weekday except
    Thursday and Friday", when the sentence is wholly that; else None."""
    lx = [lexeme for lexeme in lexemes if lexeme.kind != "FILLER"]
    kinds = _kinds(lx)
    if len(kinds) < 2 or kinds[0] != "ANYDAYEXCEPT" or kinds[-1] != "WEEKDAY":
        return None
    days = kinds[1::2]
    joins = kinds[2::2]
    if set(days) != {"WEEKDAY"} or not set(joins) <= {"AND", "OR", "COMMA"}:
        return None
    first = lx[0]
    return [
        Lexeme("ONLY", None, first.start, first.start, "only"),
        Lexeme("TRADE", None, first.start, first.start, "trade"),
        Lexeme("ON", None, first.start, first.start, "on"),
        *lx,
    ]


def when_it_is(lexemes: Sequence[Lexeme]) -> int:
    """How many lexemes "When it is," opening a sentence takes (0: none)."""
    if _kinds(lexemes[:4]) == ["WHEN", "PRON", "IS", "COMMA"] and lexemes[1].text == "it":
        return 4
    return 0
