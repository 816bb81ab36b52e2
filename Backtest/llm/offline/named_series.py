"""A smoothed indicator declared in a sentence of its own and then named by what it is.

"Take RSI(9) and smooth it with a 5-period EMA. Buy when the smoothed RSI crosses up through
30." declares the 5-period EMA of RSI(9) and names it "the smoothed RSI" (or "that smoothed
line"). The declaration must be the whole sentence, in one of three forms:

* "[Smooth the RSI first:] take a 5-period EMA of RSI(14)";
* "I smooth RSI(2) with a 5-period simple average";
* "Take RSI(9) and smooth it with a 5-period EMA";

with the indicator's parameters and the average's period said. Each later "the / that smoothed
<indicator> / line" is read as the average of the indicator, written out ("the 5-period EMA of
RSI(9)"); the declaration sentence itself says nothing more and is set aside with a note. A
declaration no rule then names, two declarations, a name before its declaration or of another
indicator are left as they are, so their words are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from Backtest.llm.offline.lexer import Lexeme

_AVERAGES = frozenset({"SMA", "EMA", "WMA", "DEMA", "TEMA"})


def _word(lexeme: Lexeme, *words: str) -> bool:
    return lexeme.kind == "UNKNOWN" and lexeme.text.lower() in words


def _average(lexemes: Sequence[Lexeme], i: int) -> int:
    """Length of "5 period EMA" / "5 period simple average" at ``i`` (0: none)."""
    if i + 1 < len(lexemes) and lexemes[i].kind == "NUM":
        j = i + 1
        if lexemes[j].kind == "UNIT" and lexemes[j].text.lower() in ("period", "day", "bar"):
            j += 1
        if j < len(lexemes) and lexemes[j].kind == "IND" and lexemes[j].value[0] in _AVERAGES:
            return j + 1 - i
    return 0


def _source(lexemes: Sequence[Lexeme], i: int) -> int:
    """Length of an indicator with its parameters in brackets ("RSI(14)") or one number after
    it ("RSI 7") at ``i`` (0: none)."""
    if i + 2 >= len(lexemes) or lexemes[i].kind != "IND" or lexemes[i].value[0] in _AVERAGES:
        return 0
    if lexemes[i + 1].kind == "NUM" and lexemes[i + 2].kind not in ("UNIT", "PCT", "NUM"):
        return 2  # "RSI 7"
    if i + 3 >= len(lexemes) or lexemes[i + 1].kind != "LPAR":
        return 0
    j = i + 2
    while j + 1 < len(lexemes) and lexemes[j].kind == "NUM" and lexemes[j + 1].kind == "COMMA":
        j += 2
    if j + 1 < len(lexemes) and lexemes[j].kind == "NUM" and lexemes[j + 1].kind == "RPAR":
        return j + 2 - i
    return 0


def _of(at: Lexeme) -> Lexeme:
    return Lexeme("OF", None, at.start, at.start, "of")


def _in_steps(lx: Sequence[Lexeme], at: int, src: int) -> tuple[list[Lexeme], Lexeme] | None:
    """ "Take RSI(14) and compute a 9-period SMA of it" / "Take RSI(14) and a 9-period EMA
    of that RSI": the source at ``at`` (``src`` lexemes long), the average after it, the whole
    rest of the sentence."""
    n = len(lx)
    source = lx[at : at + src]
    j = at + src
    if j >= n or lx[j].kind != "AND":
        return None
    j += 1
    if j < n and _word(lx[j], "compute"):
        avg = _average(lx, j + 1)
        end = j + 1 + avg
        it = end + 1 < n and lx[end + 1].kind == "PRON" and lx[end + 1].text.lower() == "it"
        if avg and lx[end].kind == "OF" and it and end + 2 == n:
            return [*lx[j + 1 : end + 1], *source], source[0]
        return None
    avg = _average(lx, j)
    end = j + avg
    if avg and end + 3 == n and lx[end].kind == "OF" and lx[end + 1].kind == "THAT":
        same = lx[end + 2]
        if same.kind == "IND" and same.value[0] == source[0].value[0]:
            return [*lx[j : end + 1], *source], source[0]
    return None


def restated(lexemes: Sequence[Lexeme], written: Sequence[Lexeme], source: Lexeme) -> bool:
    """Whether ``lexemes`` say the declared average of the source again in full, "RSI(14)
    crosses above its 9-period SMA": the same source with the same settings before "its", the
    same period and average after it."""
    key = [(lx.kind, lx.value) for lx in written if lx.kind != "UNIT"]
    of = next(i for i, (kind, _v) in enumerate(key) if kind == "OF")
    average, settings = key[:of], key[of:][1:]
    for i, lexeme in enumerate(lexemes):
        if lexeme.kind != "ITS":
            continue
        after = [(lx.kind, lx.value) for lx in lexemes[i + 1 : i + 4] if lx.kind != "UNIT"]
        if after[: len(average)] != average:
            continue
        owner = next(  # the nearest series before "its": an indicator or a price
            (k for k in range(i - 1, -1, -1) if lexemes[k].kind in ("IND", "PRICE")), None
        )
        if owner is None or lexemes[owner].value[0] != source.value[0]:
            continue
        said = [(lx.kind, lx.value) for lx in lexemes[owner : owner + len(settings)]]
        if said == settings:
            return True
    return False


def declaration(lexemes: Sequence[Lexeme]) -> tuple[list[Lexeme], Lexeme] | None:
    """The average's lexemes written out ("5 period EMA of RSI ( 14 )") and the source
    indicator's lexeme, when the whole sentence declares a smoothed indicator; else None."""
    lx = list(lexemes)
    n = len(lx)
    # "[Smooth the RSI first:] take a 5-period EMA of RSI(14)"
    start = 0
    named: Lexeme | None = None
    if n > 3 and _word(lx[0], "smooth") and lx[1].kind == "IND":
        k = 3 if lx[2].kind == "FIRST" else 2
        if lx[k].kind == "COLON":
            named, start = lx[1], k + 1
    if start < n and _word(lx[start], "take"):
        avg = _average(lx, start + 1)
        at = start + 1 + avg
        if avg and at < n and lx[at].kind == "OF":
            src = _source(lx, at + 1)
            if src and at + 1 + src == n:
                source = lx[at + 1]
                if named is not None and named.value[0] != source.value[0]:
                    return None
                return lx[start + 1 : at + 1 + src], source
        # "Take RSI(9) and smooth it with a 5-period EMA"
        src = _source(lx, start + 1)
        at = start + 1 + src
        stepped = _in_steps(lx, start + 1, src) if named is None and src else None
        if stepped is not None:
            return stepped
        if (
            named is None
            and src
            and at + 4 <= n
            and lx[at].kind == "AND"
            and _word(lx[at + 1], "smooth")
            and lx[at + 2].kind == "PRON"
            and lx[at + 2].text.lower() == "it"
            and lx[at + 3].kind == "WITH"
        ):
            avg = _average(lx, at + 4)
            if avg and at + 4 + avg == n:
                average = lx[at + 4 : n]
                return [*average, _of(average[0]), *lx[start + 1 : at]], lx[start + 1]
        return None
    # "I smooth RSI(2) with a 5-period simple average"
    if named is None and n > 3 and _word(lx[0], "smooth"):
        src = _source(lx, 1)
        at = 1 + src
        if src and at < n and lx[at].kind == "WITH":
            avg = _average(lx, at + 1)
            if avg and at + 1 + avg == n:
                average = lx[at + 1 : n]
                return [*average, _of(average[0]), *lx[1:at]], lx[1]
    return None


def other_average(lexemes: Sequence[Lexeme]) -> bool:
    """Whether ``lexemes`` name a moving average of their own (then "that average" could
    mean either, and is left to be refused)."""
    return any(lx.kind == "IND" and lx.value[0] in _AVERAGES for lx in lexemes)


def named(
    lexemes: Sequence[Lexeme],
    written: Sequence[Lexeme],
    source: Lexeme,
    average: bool = False,
) -> list[Lexeme]:
    """``lexemes`` with each "that / the smoothed RSI" (or "... line") written out as the
    declared average, spanning the words it replaces; with ``average`` (no other average is
    named after the declaration) "that average" too."""
    out: list[Lexeme] = []
    i = 0
    while i < len(lexemes):
        lexeme = lexemes[i]
        after = lexemes[i + 1] if i + 1 < len(lexemes) else None
        that = lexeme.kind == "THAT" and after is not None and after.kind == "AVERAGE"
        if average and that and after is not None and after.text.lower() == "average":
            # "that average"
            out += [replace(w, start=lexeme.start, end=after.end) for w in written]
            i += 2
            continue
        of_source = _average_of_source(lexemes, i, written, source)
        if of_source:
            # "that EMA of the RSI": the declared average, said by its kind and source
            last = lexemes[i + of_source - 1]
            out += [replace(w, start=lexeme.start, end=last.end) for w in written]
            i += of_source
            continue
        beyond = lexemes[i + 2] if i + 2 < len(lexemes) else None
        same = (
            after is not None
            and after.kind == "IND"
            and after.value[0] == source.value[0]
            and (beyond is None or beyond.kind != "LPAR")
        )
        line = after is not None and after.kind == "OUTPUT" and after.text.lower() == "line"
        if _word(lexeme, "smoothed") and after is not None and (same or line):
            first = out.pop() if out and out[-1].kind == "THAT" else lexeme
            start, end = first.start, after.end
            out += [replace(w, start=start, end=end) for w in written]
            i += 2
            continue
        out.append(lexeme)
        i += 1
    return out


def _average_of_source(
    lexemes: Sequence[Lexeme], i: int, written: Sequence[Lexeme], source: Lexeme
) -> int:
    """How many lexemes at ``i`` say "(that) EMA of the RSI" of the declared average (its kind
    of average and its source, with no period of their own), 0 if none."""
    kinds = [w.value[0] for w in written if w.kind == "IND" and w.value[0] in _AVERAGES]
    at = i + (lexemes[i].kind == "THAT")
    if at + 2 >= len(lexemes) or not kinds:
        return 0
    average, of, named_source = lexemes[at], lexemes[at + 1], lexemes[at + 2]
    if not (average.kind == "IND" and average.value[0] == kinds[0] and of.kind == "OF"):
        return 0
    if i > 0 and lexemes[i - 1].kind == "NUM" and at == i:
        return 0  # "the 9 EMA of the RSI": a period of its own
    if named_source.kind != "IND" or named_source.value[0] != source.value[0]:
        return 0
    after = lexemes[at + 3] if at + 3 < len(lexemes) else None
    if after is not None and after.kind in ("LPAR", "NUM"):
        return 0  # "EMA of RSI(14)": settings of its own
    return at + 3 - i
