""" "Today's high and low are both inside yesterday's range", "today's bar is inside yesterday's
bar": an inside day, read before the grammar as the two comparisons that define it, today's
high below yesterday's high and today's low above yesterday's low (noted: strictly, as "an
inside day" is read; "at or below" would have to be said).

Only today's bar against yesterday's is read. "Inside" anywhere else stays unknown and the
description is refused: "inside the band" (which band, and crossing back or being there?),
"inside that uptrend" (a filter said elsewhere), "yesterday's bar was inside the bar before
it", "weakness inside a longer uptrend".
"""

from __future__ import annotations

from Backtest.llm.offline.lexer import Lexeme

_BARS = frozenset({"bar", "bars", "candle", "candles", "day"})


def _is(lexeme: Lexeme, kind: str, value: object = None, *words: str) -> bool:
    if lexeme.kind != kind:
        return False
    if value is not None and lexeme.value != value:
        return False
    return not words or lexeme.text.lower() in words


def _subject(lexemes: list[Lexeme], i: int) -> tuple[int, Lexeme, Lexeme] | None:
    """(where the subject ends, the lexemes that stand for today's high and low): "today's high
    and low", "the high and low" or "today's bar" (today said)."""
    today = i < len(lexemes) and lexemes[i].kind == "TODAY"
    j = i + today
    if (
        j + 2 < len(lexemes)
        and _is(lexemes[j], "PRICE", "High")
        and lexemes[j + 1].kind == "AND"
        and _is(lexemes[j + 2], "PRICE", "Low")
    ):
        return j + 3, lexemes[j], lexemes[j + 2]
    if today and j < len(lexemes) and _is(lexemes[j], "UNIT", None, *_BARS):
        return j + 1, lexemes[j], lexemes[j]
    return None


def _object(lexemes: list[Lexeme], i: int) -> int | None:
    """Where "yesterday's range" / "yesterday's bar" that starts at ``i`` ends."""
    if (
        i + 1 < len(lexemes)
        and _is(lexemes[i], "PREV", 1)
        and lexemes[i].text.lower()
        in (
            "yesterday's",
            "yesterdays",
            "the previous day's",
            "the prior day's",
            "the previous bar's",
            "the prior bar's",
        )
    ):
        after = lexemes[i + 1]
        if after.kind == "RANGE" or _is(after, "UNIT", None, *_BARS):
            return i + 2
    return None


def inside_yesterday(lexemes: list[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """Each "<today's high and low> are inside <yesterday's range>" as today's high below
    yesterday's and today's low above it (noted)."""
    out: list[Lexeme] = []
    notes: list[str] = []
    i = 0
    while i < len(lexemes):
        found = _inside_at(lexemes, i)
        if found is None:
            out.append(lexemes[i])
            i += 1
            continue
        end, high, low, word, prev, what = found
        start = i + (lexemes[i].kind == "TODAY")
        out.extend(lexemes[i:start])
        out.extend(
            [
                Lexeme("PRICE", "High", high.start, high.end, high.text),
                Lexeme("CMP", "<", word.start, word.end, word.text),
                Lexeme("PREV", 1, prev.start, prev.end, prev.text),
                Lexeme("PRICE", "High", what.start, what.end, what.text),
                Lexeme("AND", None, word.start, word.end, word.text),
                Lexeme("PRICE", "Low", low.start, low.end, low.text),
                Lexeme("CMP", ">", word.start, word.end, word.text),
                Lexeme("PREV", 1, prev.start, prev.end, prev.text),
                Lexeme("PRICE", "Low", what.start, what.end, what.text),
            ]
        )
        notes.append(
            f"'{word.text} {prev.text} {what.text}' read as strictly inside: today's high below "
            "yesterday's high and today's low above yesterday's low (an equal high or low is "
            "not inside)"
        )
        i = end
    return out, notes


def _inside_at(
    lexemes: list[Lexeme], i: int
) -> tuple[int, Lexeme, Lexeme, Lexeme, Lexeme, Lexeme] | None:
    subject = _subject(lexemes, i)
    if subject is None:
        return None
    j, high, low = subject
    if j >= len(lexemes) or lexemes[j].kind != "IS":
        return None
    j += 1
    if j < len(lexemes) and lexemes[j].kind == "BOTH":
        j += 1
    if j >= len(lexemes) or not _is(lexemes[j], "UNKNOWN", None, "inside"):
        return None
    word = lexemes[j]
    end = _object(lexemes, j + 1)
    if end is None:
        return None
    return end, high, low, word, lexemes[j + 1], lexemes[end - 1]
