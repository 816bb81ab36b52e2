"""An indicator defined in prose, read as a check of its settings against the standard one.

Course-style descriptions define the indicator before the rules: "Definitions: the MACD line
is the 12-period EMA minus the 26-period EMA; the signal line is a 9-period EMA of the MACD
line; the histogram is the MACD line minus the signal line." Such definitions are read as the
MACD they define, "MACD(12,26,9)", a declaration the rules' later "MACD line" and "signal
line" then take (as a Keltner channel defined in prose is, :mod:`.keltner_prose`), and noted
("read '...' as the definition of MACD(12,26,9); it agrees with the standard MACD"). They are
read only when:

* each sentence (or, after a heading on the line before, the rest of a sentence) is wholly one
  definition: the MACD line as a shorter EMA minus a longer one, the signal line as an EMA of
  the MACD line, the histogram as the MACD line minus the signal line;
* the definitions follow each other, each given once, and the MACD line and the signal line
  are defined together (one without the other would leave a setting to guess); the histogram
  alone is a check with no settings, set aside and noted.

On-balance volume defined the same way, "OBV (on-balance volume) adds the day's volume on up
days and subtracts it on down days.", is a check with no settings: the sentence is set aside
and noted; "adds the volume on down days", "adds the close", anything else is refused.

A definition that is not the standard MACD (an SMA, "the 26-period EMA minus the 12-period
EMA", a signal line of the close, the signal line minus the MACD line) is left as it was, and
its words are refused as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from Backtest.llm.offline.lexer import Lexeme

_UNITS = frozenset({"period", "periods", "day", "days", "bar", "bars"})


@dataclass(frozen=True)
class _Clause:
    kind: str  # "line", "signal" or "hist"
    periods: tuple[float, ...]


def _kind(lexemes: Sequence[Lexeme], i: int) -> str:
    return lexemes[i].kind if 0 <= i < len(lexemes) else ""


def _output(lexemes: Sequence[Lexeme], i: int, value: str) -> bool:
    return _kind(lexemes, i) == "OUTPUT" and lexemes[i].value == value


def _macd_line(lexemes: Sequence[Lexeme], i: int) -> int | None:
    """ "the MACD line" at ``i`` (the index after it), never a bare "main line"."""
    if _output(lexemes, i, "main") and "macd" in lexemes[i].text.lower():
        return i + 1
    return None


def _ema(lexemes: Sequence[Lexeme], i: int) -> tuple[float, int] | None:
    """ "12-period EMA", "12 EMA", "EMA(12)" at ``i``: the period and the index after it."""
    if _kind(lexemes, i) == "NUM":
        j = i + 1
        if _kind(lexemes, j) == "UNIT" and lexemes[j].text.lower().lstrip("-") in _UNITS:
            j += 1
        if _kind(lexemes, j) == "IND" and lexemes[j].value[0] == "EMA":
            return lexemes[i].value, j + 1
        return None
    ema = _kind(lexemes, i) == "IND" and lexemes[i].value[0] == "EMA"
    kinds = tuple(_kind(lexemes, j) for j in range(i + 1, i + 4))
    if ema and kinds == ("LPAR", "NUM", "RPAR"):
        return lexemes[i + 2].value, i + 4
    return None


def _clause(lexemes: Sequence[Lexeme]) -> _Clause | None:
    """The definition ``lexemes`` wholly are, or None."""
    if _kind(lexemes, 1) != "IS":
        return None
    if _macd_line(lexemes, 0) == 1:  # the MACD line is the 12-period EMA minus the 26-period EMA
        fast = _ema(lexemes, 2)
        if fast is None or _kind(lexemes, fast[1]) != "MINUS":
            return None
        slow = _ema(lexemes, fast[1] + 1)
        if slow is None or slow[1] != len(lexemes) or not 0 < fast[0] < slow[0]:
            return None
        return _Clause("line", (fast[0], slow[0]))
    if _output(lexemes, 0, "signal"):  # the signal line is a 9-period EMA of the MACD line
        period = _ema(lexemes, 2)
        if period is None or _kind(lexemes, period[1]) != "OF":
            return None
        if _macd_line(lexemes, period[1] + 1) != len(lexemes) or period[0] <= 0:
            return None
        return _Clause("signal", (period[0],))
    if _output(lexemes, 0, "hist"):  # the histogram is the MACD line minus the signal line
        if _macd_line(lexemes, 2) != 3 or _kind(lexemes, 3) != "MINUS":
            return None
        if not _output(lexemes, 4, "signal") or len(lexemes) != 5:
            return None
        return _Clause("hist", ())
    return None


def _found(text: str, lexemes: Sequence[Lexeme]) -> tuple[int, _Clause] | None:
    """Where the definition in a sentence starts (0: the whole sentence; later: after a
    heading on the line before, "MACD histogram (12/26/9)\\nThe histogram is ...")."""
    whole = _clause(lexemes)
    if whole is not None:
        return 0, whole
    for k in range(1, len(lexemes)):
        if "\n" in text[lexemes[k - 1].end : lexemes[k].start]:
            tail = _clause(lexemes[k:])
            if tail is not None:
                return k, tail
    return None


def _quote(text: str, start: int, end: int) -> str:
    article = re.search(r"\b(?:the|a|an)\s+$", text[:start], re.IGNORECASE)
    if article is not None:  # "the MACD line is ...": the article is the definition's too
        start = article.start()
    return " ".join(text[start:end].split())


def _num(at: Lexeme, value: float) -> Lexeme:
    return Lexeme("NUM", value, at.start, at.end, f"{value:g}")


def macd_definitions(
    text: str, sentences: Sequence[Sequence[Lexeme]]
) -> tuple[dict[int, list[Lexeme]], list[str]]:
    """The sentences of ``text`` defining MACD, by index, each as what is left to read of it
    (the declaration "MACD(12,26,9)", a heading before the definition, or nothing), and notes
    saying so. Sentences not in the answer are left as they were."""
    found = [_found(text, lexemes) for lexemes in sentences]
    out: dict[int, list[Lexeme]] = {}
    notes: list[str] = []
    i = 0
    while i < len(sentences):
        here = found[i]
        if here is None:
            i += 1
            continue
        run = [i]  # the definitions that follow, each a whole sentence
        while run[-1] + 1 < len(sentences) and (after := found[run[-1] + 1]) and after[0] == 0:
            run.append(run[-1] + 1)
        i = run[-1] + 1
        clauses: dict[str, list[_Clause]] = {}
        for index in run:
            clause = found[index]
            assert clause is not None
            clauses.setdefault(clause[1].kind, []).append(clause[1])
        if any(len(c) > 1 for c in clauses.values()):
            continue
        if ("line" in clauses) != ("signal" in clauses):
            continue
        first = sentences[run[0]]
        head = list(first[: here[0]])
        defined = first[here[0]]
        start, end = defined.start, sentences[run[-1]][-1].end
        written: list[Lexeme] = []
        if "line" in clauses:
            fast, slow = clauses["line"][0].periods
            (signal,) = clauses["signal"][0].periods
            settings = f"MACD({fast:g},{slow:g},{signal:g})"
            written = [Lexeme("IND", ("MACD", False), defined.start, end, "MACD")]
            written.append(Lexeme("LPAR", "(", defined.start, end, "("))
            for n, value in enumerate((fast, slow, signal)):
                if n:
                    written.append(Lexeme("COMMA", ",", defined.start, end, ","))
                written.append(_num(defined, value))
            written.append(Lexeme("RPAR", ")", defined.start, end, ")"))
            notes.append(
                f"read '{_quote(text, start, end)}' as the definition of {settings}; it agrees "
                "with the standard MACD"
            )
        else:
            notes.append(
                f"read '{_quote(text, start, end)}' as the definition of the MACD histogram (the "
                "MACD line minus the signal line); it agrees with the standard MACD"
            )
        out[run[0]] = head + written
        for index in run[1:]:
            out[index] = []
    return out, notes


def _word(lexemes: Sequence[Lexeme], i: int, kind: str, *words: str) -> bool:
    return _kind(lexemes, i) == kind and (not words or lexemes[i].text.lower() in words)


def _volume_on(lexemes: Sequence[Lexeme], i: int, way: str) -> int | None:
    """ "volume on up days" / "it on down days" at ``i``: the index after it."""
    if way == "down" and _word(lexemes, i, "PRON", "it"):
        i += 1
    else:
        if _word(lexemes, i, "TODAY"):  # "the day's volume", "today's volume"
            i += 1
        if not (_word(lexemes, i, "PRICE") and lexemes[i].value == "Volume"):
            return None
        i += 1
    kind = "UPWORD" if way == "up" else "DOWNWORD"
    on = _word(lexemes, i, "ON") and _word(lexemes, i + 1, kind, way)
    if on and _word(lexemes, i + 2, "UNIT", "days", "bars"):
        return i + 3
    return None


def _obv(lexemes: Sequence[Lexeme]) -> bool:
    """ "OBV (on-balance volume) adds the day's volume on up days and subtracts it on down
    days", wholly."""
    if not (_kind(lexemes, 0) == "IND" and lexemes[0].value[0] == "OBV"):
        return False
    i = 1
    if _kind(lexemes, 1) == "LPAR" and _kind(lexemes, 3) == "RPAR":
        if not (_kind(lexemes, 2) == "IND" and lexemes[2].value[0] == "OBV"):
            return False
        i = 4
    if not _word(lexemes, i, "PLACE", "adds"):
        return False
    after = _volume_on(lexemes, i + 1, "up")
    if after is None or not _word(lexemes, after, "AND"):
        return False
    if not _word(lexemes, after + 1, "UNKNOWN", "subtracts"):
        return False
    return _volume_on(lexemes, after + 2, "down") == len(lexemes)


INSIDE_DAY = "its high below the previous bar's high and its low above the previous bar's low"


def _bar_clause(lexemes: Sequence[Lexeme], i: int) -> tuple[tuple[str, str, str], int] | None:
    """ "whose high is below the previous bar's high" at ``i``: (price, comparison, the
    previous bar's price) and the index after it."""
    if not _word(lexemes, i, "UNKNOWN", "whose") or _kind(lexemes, i + 1) != "PRICE":
        return None
    j = i + 2 + (_kind(lexemes, i + 2) == "IS")
    if _kind(lexemes, j) != "CMP" or _kind(lexemes, j + 1) != "PREV":
        return None
    if lexemes[j + 1].value != 1 or _kind(lexemes, j + 2) != "PRICE":
        return None
    said = (str(lexemes[i + 1].value), str(lexemes[j].value), str(lexemes[j + 2].value))
    return said, j + 3


def inside_day(lexemes: Sequence[Lexeme]) -> bool | None:
    """ "An inside day is a bar whose high is below the previous bar's high and whose low is
    above the previous bar's low", wholly: True when it is the inside day the parser reads
    (High < High[1] and Low > Low[1]), False when it defines one that differs, None when the
    sentence is no such definition."""
    lx = [lexeme for lexeme in lexemes if lexeme.kind != "FILLER"]
    if not (_kind(lx, 0) == "INSIDE" and _kind(lx, 1) == "IS"):
        return None
    if not _word(lx, 2, "UNIT", "bar", "day", "candle"):
        return None
    clauses = []
    i = 3
    while True:
        clause = _bar_clause(lx, i)
        if clause is None:
            return None
        clauses.append(clause[0])
        i = clause[1]
        if i == len(lx):
            break
        if not _word(lx, i, "AND"):
            return None
        i += 1
    return sorted(clauses) == [("High", "<", "High"), ("Low", ">", "Low")]


def read_definitions(
    text: str, sentences: Sequence[Sequence[Lexeme]]
) -> tuple[dict[int, list[Lexeme]], list[str]]:
    """The sentences of ``text`` defining an indicator (MACD, OBV) or a bar (an inside day),
    by index, each as what is left to read of it, and notes saying so. An inside day defined
    otherwise than the parser reads it is not in the answer (see :func:`differing`)."""
    out, notes = macd_definitions(text, sentences)
    for index, lexemes in enumerate(sentences):
        others = [s for k, s in enumerate(sentences) if k != index]
        used = any(lx.kind == "INSIDE" for s in others for lx in s)
        if index not in out and lexemes and used and inside_day(lexemes):
            out[index] = []
            quoted = _quote(text, lexemes[0].start, lexemes[-1].end)
            notes.append(
                f"read '{quoted}' as the definition of the inside day the rules name ({INSIDE_DAY}"
                "); it agrees with the inside day the strategy tests"
            )
    for index, lexemes in enumerate(sentences):
        if index not in out and lexemes and _obv(lexemes):
            out[index] = []
            quoted = _quote(text, lexemes[0].start, lexemes[-1].end)
            notes.append(
                f"read '{quoted}' as the definition of OBV (a running total of the volume, added "
                "on up days and subtracted on down days); it agrees with the standard OBV"
            )
    return out, notes


def differing(sentences: Sequence[Sequence[Lexeme]]) -> list[tuple[tuple[int, int], str]]:
    """The spans and reasons of definitions that differ from what the parser reads by the
    name they define (an inside day with its high above the previous high, at or below it)."""
    found = []
    for lexemes in sentences:
        if lexemes and inside_day(lexemes) is False:
            found.append(
                (
                    (lexemes[0].start, lexemes[-1].end),
                    "this definition differs from the inside day the strategy can test "
                    f"({INSIDE_DAY}); say the bar's conditions in the rules instead",
                )
            )
    return found
