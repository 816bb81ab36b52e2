"""Forms of known verbs that change nothing in a bar rule, read before the grammar (noted):

* "Entries come from the RSI crossing above 30": the entries are that rule ("come from" is
  "are" only right after the noun of the rules, "Entries" / "Exits"; "my losses come from a
  flat market" stays refused);
* "crosses above 30 again", "turns negative again", "out when it loses it again": a crossing
  happens again by itself, so "again" at the end of a clause with a crossing or a turn in it
  says nothing more. After a state ("RSI is below 30 again": a second dip?) or anywhere else
  it stays unknown, and the description is refused;
* "the close pierces the upper band": crosses above it ("the lower band": crosses below it);
  "pierces" before anything but an upper or lower line (a level, an average: from which
  side?) stays unknown.
"""

from __future__ import annotations

from Backtest.llm.offline.lexer import Lexeme

# the nouns of a rule that "come from" may follow
_RULE_NOUNS = frozenset({"ENTRY_N", "EXIT_N"})
# what may end the clause "again" closes
_CLAUSE_END = frozenset({"COMMA", "AND", "OR", "ARROW", "RPAR", "SEP", "COLON"})
# what starts a clause: "again" looks back no further
_CLAUSE_START = frozenset({"COMMA", "AND", "OR", "ARROW", "LPAR", "SEP", "COLON", "WHEN"})
# words that say a crossing or a turn (an event, which happens again by itself)
_EVENTS = frozenset({"CROSS", "TURNS"})


def _word(lexeme: Lexeme, *words: str) -> bool:
    return lexeme.kind == "UNKNOWN" and lexeme.text.lower() in words


def come_from(lexemes: list[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """ "Entries come from X": "Entries are X" (noted)."""
    out: list[Lexeme] = []
    notes: list[str] = []
    i = 0
    while i < len(lexemes):
        lexeme = lexemes[i]
        if (
            _word(lexeme, "come", "comes")
            and out
            and out[-1].kind in _RULE_NOUNS
            and i + 1 < len(lexemes)
            and lexemes[i + 1].kind == "FROM"
        ):
            after = lexemes[i + 1]
            said = f"{lexeme.text} {after.text}"
            out.append(Lexeme("IS", None, lexeme.start, after.end, said))
            notes.append(f"'{out[-2].text} {said}' read as: the {out[-2].text.lower()} are")
            i += 2
            continue
        out.append(lexeme)
        i += 1
    return out, notes


def again_after_event(lexemes: list[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """ "crosses above 30 again": "again" closing a clause with a crossing or a turn in it is
    dropped (noted); any other "again" is left, unknown."""
    out: list[Lexeme] = []
    notes: list[str] = []
    for i, lexeme in enumerate(lexemes):
        if _word(lexeme, "again") and _ends_clause(lexemes, i + 1) and _event_before(out):
            notes.append(
                "'again' after a crossing read as nothing more: the crossing is tested on every bar"
            )
            continue
        out.append(lexeme)
    return out, notes


def _ends_clause(lexemes: list[Lexeme], index: int) -> bool:
    rest = [lx for lx in lexemes[index:] if lx.kind != "FILLER"]
    return not rest or rest[0].kind in _CLAUSE_END


def _event_before(before: list[Lexeme]) -> bool:
    for lexeme in reversed(before):
        if lexeme.kind in _CLAUSE_START:
            return False
        if lexeme.kind in _EVENTS:
            return True
    return False


_RISKS = frozenset({"TRAIL", "STOP", "TARGET"})


def or_on_risk(lexemes: list[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """ "Exit when it crosses back below zero, or on a 7% trailing stop": a stop, a target or a
    trailing stop after "or on" in an exit rule is that exit beside the rule (each closes the
    trade on its own), noted; in any other rule "or on" is left as it was."""
    first = next((lx for lx in lexemes if lx.kind not in ("BULLET", "QUOTE")), None)
    if first is None or first.kind not in ("EXIT", "SELL", "COVER"):
        return lexemes, []
    for i in range(len(lexemes) - 2):
        comma, either, on = lexemes[i : i + 3]
        if (comma.kind, either.kind, on.kind) != ("COMMA", "OR", "ON"):
            continue
        rest = [lx for lx in lexemes[i + 3 :] if lx.kind not in ("FILLER", "SEP")]
        if not any(lx.kind in _RISKS for lx in rest[:6]) or any(
            lx.kind in ("WHEN", "OR", "AND", "COMMA") for lx in rest
        ):
            continue
        note = (
            f"'{either.text} {on.text} ...' after the exit rule read as a stop beside it (each "
            "closes the trade on its own)"
        )
        return lexemes[: i + 1] + lexemes[i + 3 :], [note]
    return lexemes, []


_PIERCES = ("pierce", "pierces", "pierced", "piercing")
_LINE_SIDE = {
    "upper": "crosses_above",
    "upperband": "crosses_above",
    "lower": "crosses_below",
    "lowerband": "crosses_below",
}


def pierces_line(lexemes: list[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """ "pierces the upper band": a crossing up through it, "the lower band" down (noted)."""
    out: list[Lexeme] = []
    notes: list[str] = []
    for i, lexeme in enumerate(lexemes):
        after = lexemes[i + 1] if i + 1 < len(lexemes) else None
        if (
            _word(lexeme, *_PIERCES)
            and after is not None
            and after.kind == "OUTPUT"
            and after.value in _LINE_SIDE
        ):
            way = _LINE_SIDE[after.value]
            out.append(Lexeme("CROSS", way, lexeme.start, lexeme.end, lexeme.text))
            notes.append(
                f"'{lexeme.text} the {after.text}' read as: {way.replace('_', ' ')} the "
                f"{after.text}"
            )
            continue
        out.append(lexeme)
    return out, notes
