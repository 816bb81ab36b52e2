"""The teaching voice around the rules: lesson labels and headings, set aside before the
sentences are read.

Strategies written as lessons open with a label: "Exercise 12.", "Lesson 1 homework: ...",
"Slide 21 - MACD histogram (12/26/9)", "Homework, short side only: short when ...", "Step 2 -
trigger: ...", "Mentor's note to Alex: ...", "Q:" / "A:". None of the label says what the
strategy does, so it is set aside and said in ``warnings``:

* a label is, at the start of a sentence, a few plain words ending in a lesson word ("lesson",
  "exercise", "slide", "step", "homework", "module", "recap", "note", ...), each lesson word
  perhaps with its number ("Exercise 5.2", "Textbook, chapter 6 exercise", "Day-trading
  module, lesson 3", "Coach's homework sheet, week 6"), perhaps addressed to someone ("to
  Alex", "for the group"); every word of it must be one that never places a rule (an unknown
  word or filler): "Short lesson:" keeps "Short", and is read or refused as before;
* a label that is the whole sentence, or is followed by a bracket, a colon, a dash or a comma
  and then a topic of such words only ("Lesson 9 - Keltner channel breakouts.", "Mentor
  notes: fading stretched moves."), is a heading: it is set aside, except for the indicators
  it names and their settings ("Slide 21 - MACD histogram (12/26/9)" keeps "MACD histogram
  (12/26/9)"), which stay as a declaration the rules must agree with, and a bracket, which is
  read as any bracket is ("Day-trading lesson 5 (15-minute bars)" keeps the bar size);
* a label followed by a colon, a dash or a comma and anything else sets aside the label only:
  the words after it may be rules ("Exercise 3: ... on daily bars, long only", "Homework,
  short side only: short when ...") and are read or refused.

A teacher also restates a rule after a comma or a dash ("Sell when the 20-day EMA is no longer
rising, meaning it is lower than it was the day before", "... - in other words, the close is
greater than SMA(20) + ATR(14)", "... - in code, close < SMA(20) x 0.95"). The restatement is
written as the bracket it is, read by the grammar and checked to say the same as the rule (as
any bracketed restatement is), or the description is refused; noted. A "not rising" restated as
"lower than the day before" is read as the restatement says (a flat bar does not count), noted.

Anything else is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from Backtest.llm.offline.lexer import Lexeme

# Words that end a label ("Lesson 3", "Coach's homework sheet", "Mentor's note").
_NOUNS = frozenset(
    {"lesson", "lessons", "exercise", "exercises", "slide", "step", "module", "homework"}
    | {"chapter", "drill", "recap", "note", "notes", "sheet", "worksheet", "assignment"}
    | {"textbook", "quiz", "coach", "coach's", "mentor", "mentor's", "tutorial", "class"}
    | {"definition", "definitions", "reminder", "remember", "week", "session", "workshop"}
)
# "Q:" / "A:" / "Answer:" open a question and its answer (only before a colon).
_ANSWERS = frozenset({"q", "a", "answer", "question"})
# Those of the label words that may be followed by "that" ("Remember that ...", "Note that").
_THAT = frozenset({"remember", "note"})
# Whom the label addresses ("Mentor's note to Alex", "Note for the group").
_AUDIENCE = frozenset({"group", "class", "students", "student", "beginners", "team", "you"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*$")
# Lexemes of an indicator a heading names, kept as a declaration ("MACD histogram (12/26/9)").
_DECLARED = frozenset({"IND", "OUTPUT", "LPAR", "RPAR", "NUM", "SLASH", "COMMA"})


def _word(lexeme: Lexeme) -> bool:
    """A plain word that never places a rule (unknown, or filler)."""
    return lexeme.kind in ("UNKNOWN", "FILLER") and bool(_WORD.match(lexeme.text))


def _noun(lexeme: Lexeme) -> bool:
    return _word(lexeme) and lexeme.text.lower().replace("’", "'") in _NOUNS


def _label_end(lexemes: Sequence[Lexeme]) -> int:
    """How many lexemes from the start of a sentence are a lesson label (0: none)."""
    if (
        len(lexemes) > 1
        and lexemes[1].kind == "COLON"
        and _word(lexemes[0])
        and lexemes[0].text.lower() in _ANSWERS
    ):
        return 1  # "Q:", "A:", "Answer:"
    end = 0  # the end of the last complete group (words ending in a lesson word)
    i = 0
    words = 0
    while i < len(lexemes) and words <= 8:
        lexeme = lexemes[i]
        if _noun(lexeme):
            i += 1
            words += 1
            if i < len(lexemes) and lexemes[i].kind == "NUM" and _plain_number(lexemes[i]):
                i += 1  # "Exercise 5.2", "week 4"
            end = i
            continue
        if _word(lexeme) or (lexeme.kind == "IND" and not end):
            i += 1  # an indicator before the first lesson word: "Money Flow Index lesson"
            words += 1
            continue
        if lexeme.kind == "COMMA" and end == i:
            i += 1  # "Textbook, chapter 6 exercise", "Coach's homework sheet, week 6"
            continue
        if lexeme.kind == "COMMA" and end == 0 and words:
            i += 1  # "Breakout basics, homework 2": words before the first lesson word
            continue
        break
    if end and end < len(lexemes) and lexemes[end].kind in ("TO", "FOR"):
        end = _audience(lexemes, end)
    return end


def _plain_number(lexeme: Lexeme) -> bool:
    return bool(re.fullmatch(r"\d{1,2}(?:\.\d{1,2})?", lexeme.text))


def _audience(lexemes: Sequence[Lexeme], at: int) -> int:
    """The end of "to Alex" / "for the group" after a label at ``at``, or ``at``."""
    i = at + 1
    while (
        i < len(lexemes)
        and lexemes[i].kind == "FILLER"
        and lexemes[i].text.lower()
        in (
            "the",
            "my",
            "our",
        )
    ):
        i += 1
    if i >= len(lexemes) or not _word(lexemes[i]):
        return at
    name = lexemes[i].text
    if name.lower() in _AUDIENCE or (name[:1].isupper() and lexemes[i].kind == "UNKNOWN"):
        return i + 1
    return at


def _risk_word(lexeme: Lexeme) -> bool:
    """ "Slide 13 - Risk": the word alone names a topic, no rule."""
    return lexeme.kind == "RISK" and lexeme.text.lower() == "risk"


# bar patterns a heading's topic may name ("Lesson 10: the inside day breakout.") when the
# rules name them too: the topic then says nothing the rules do not
_PATTERNS = frozenset({"INSIDE"})


def _topic(
    lexemes: Sequence[Lexeme], elsewhere: frozenset[str] = frozenset()
) -> list[Lexeme] | None:
    """The indicator a heading's topic names, with its settings ([] for none), when the topic
    is plain words, indicator names and bar patterns named ``elsewhere`` only; None when it
    says more."""
    kept = []
    for lexeme in lexemes:
        if _word(lexeme) or lexeme.kind == "QUOTE" or _risk_word(lexeme):
            continue
        if lexeme.kind in _PATTERNS and lexeme.kind in elsewhere:
            continue
        if lexeme.kind not in _DECLARED:
            return None
        kept.append(lexeme)
    if kept and not any(lx.kind in ("IND", "OUTPUT") for lx in kept):
        return None  # numbers with no indicator: read them
    return kept


def _quote(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def _sentences(lexemes: Sequence[Lexeme]) -> list[tuple[list[Lexeme], Lexeme | None]]:
    """The lexemes in sentences, each with the separator that ends it."""
    out: list[tuple[list[Lexeme], Lexeme | None]] = []
    current: list[Lexeme] = []
    for lexeme in lexemes:
        if lexeme.kind == "SEP":
            out.append((current, lexeme))
            current = []
        else:
            current.append(lexeme)
    out.append((current, None))
    return out


# A teacher's instruction that opens a sentence before what it names ("code the classic golden
# cross", "Compute the 10-day Rate of Change"): the verb is set aside, what it names is read.
_VERBS = frozenset({"code", "compute", "calculate"})
_ARTICLES = frozenset({"the", "a", "an"})


def _instruction(text: str, lexemes: list[Lexeme]) -> tuple[list[Lexeme], str | None]:
    """``lexemes`` without a teacher's verb that opens them, and the note saying so."""
    at = next((i for i, lx in enumerate(lexemes) if lx.kind not in ("BULLET", "QUOTE")), None)
    if at is None or at + 1 >= len(lexemes):
        return lexemes, None
    verb, article = lexemes[at], lexemes[at + 1]
    if not (
        verb.kind == "UNKNOWN"
        and verb.text.lower() in _VERBS
        and article.kind == "FILLER"
        and article.text.lower() in _ARTICLES
    ):
        return lexemes, None
    note = f"set aside '{verb.text}' (the lesson's instruction); what it names is read"
    return lexemes[:at] + lexemes[at + 1 :], note


# What opens a restatement of the rule before it, after a comma or a dash ("..., meaning it is
# lower than it was the day before", "... - in other words, the close is greater than SMA(20) +
# ATR(14)", "... - in code, close < SMA(20) x 0.95", "..., that is, ...").
_RESTATE = (
    (("DEFINE", "meaning"),),
    (("IN", "in"), ("UNKNOWN", "other"), ("UNKNOWN", "words")),
    (("IN", "in"), ("UNKNOWN", "code"), ("COMMA", ",")),
    (("THAT", "that"), ("IS", "is"), ("COMMA", ",")),
)


def _restatement(text: str, lexemes: list[Lexeme]) -> tuple[list[Lexeme], str | None]:
    """A rule restated after a comma or a dash to the end of its sentence, written as the
    bracket it is ("X, meaning Y" as "X (Y)"): the grammar reads it and it must say the same as
    the rule (:class:`.ir.Restate`), or the description is refused."""
    for at in range(1, len(lexemes) - 1):
        if lexemes[at - 1].kind not in ("COMMA", "MINUS"):
            continue
        for marker in _RESTATE:
            words = [(lx.kind, lx.text.lower()) for lx in lexemes[at : at + len(marker)]]
            if words != list(marker):
                continue
            after = at + len(marker)
            if after < len(lexemes) and lexemes[after].kind == "COMMA":
                after += 1
            said = lexemes[after:]
            depth = [0]
            for lx in said:
                depth.append(depth[-1] + (lx.kind == "LPAR") - (lx.kind == "RPAR"))
            if not said or min(depth) < 0 or depth[-1] or any(lx.kind == "COLON" for lx in said):
                return lexemes, None
            if said[0].kind == "LPAR" or (at > 1 and lexemes[at - 2].kind == "WIDTH"):
                return lexemes, None  # "the band width, meaning (upper minus lower) ...": read
            opened, last = lexemes[at - 1], said[-1]
            written = [
                *lexemes[: at - 1],
                # marked: a restatement is read and checked, never dropped as an explanation
                Lexeme("LPAR", "(", opened.start, opened.start, "", {"restatement": True}),
                *said,
                Lexeme("RPAR", ")", last.end, last.end, ""),
            ]
            note = (
                f"read '{_quote(text, lexemes[at].start, last.end)}' as a restatement of the "
                "rule before it, checked to say the same"
            )
            return written, note
    return lexemes, None


def set_aside_lessons(text: str, lexemes: Sequence[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """``lexemes`` without the lesson labels and headings of ``text``, and notes saying so."""
    out: list[Lexeme] = []
    notes: list[str] = []
    for sentence, sep in _sentences(lexemes):
        mine = {id(lx) for lx in sentence}
        others = frozenset(lx.kind for lx in lexemes if id(lx) not in mine) & _PATTERNS
        kept, note = _lesson(text, sentence, others)
        if note:
            notes.append(note)
        kept, note = _instruction(text, kept)
        if note:
            notes.append(note)
        kept, note = _restatement(text, kept)
        if note:
            notes.append(note)
        out += kept
        if sep is not None:
            out.append(sep)
    return out, notes


def _lesson(
    text: str, sentence: list[Lexeme], elsewhere: frozenset[str] = frozenset()
) -> tuple[list[Lexeme], str | None]:
    """The sentence without its lesson label or heading, and the note saying so."""
    meaningful = [i for i, lx in enumerate(sentence) if lx.kind not in ("BULLET", "QUOTE")]
    if not meaningful:
        return sentence, None
    lead = sentence[: meaningful[0]]
    end = _label_end([sentence[i] for i in meaningful])
    if not end:
        return sentence, None
    label = [sentence[i] for i in meaningful[:end]]
    # an indicator the label names ("Money Flow Index lesson.") stays, as a declaration
    named = [lx for lx in label if lx.kind == "IND"]
    rest = sentence[meaningful[end] :] if end < len(meaningful) else []
    first, last = label[0].start, label[-1].end
    if (
        rest
        and rest[0].text.lower() == "that"
        and len(label) == 1
        and label[0].text.lower() in _THAT
    ):
        # "Remember that ...", "Note that ...": the label only
        return lead + rest[1:], f"read '{_quote(text, first, rest[0].end)}' as a lesson label"
    if not rest:
        if named:
            return lead + named, (
                f"read '{_quote(text, first, last)}' as a lesson heading; "
                f"'{_quote(text, named[0].start, named[-1].end)}' in it is read as the indicator "
                "the rules use"
            )
        return lead, f"read '{_quote(text, first, last)}' as a lesson heading (no rule in it)"
    if rest[0].kind == "LPAR":
        close = next((i for i, lx in enumerate(rest) if lx.kind == "RPAR"), None)
        if close is not None and close == len(rest) - 1:
            # "Exercise 6 (momentum).", "Day-trading lesson 5 (15-minute bars).": the bracket
            # is read like any other (an explanation is dropped); a bar size is read on its
            # own, as "15-minute bars."
            if any(lx.kind == "TIMEFRAME" for lx in rest):
                rest = rest[1:-1]
            return lead + named + rest, f"read '{_quote(text, first, last)}' as a lesson heading"
        return sentence, None
    if rest[0].kind in ("COLON", "MINUS", "COMMA"):
        said, after = rest[0], rest[1:]
        if not after:
            return lead, f"read '{_quote(text, first, said.end)}' as a lesson heading"
        declared = _topic(after, elsewhere)
        if declared is not None and said.kind != "COMMA":
            heading = _quote(text, first, after[-1].end)
            if declared:
                said_named = _quote(text, declared[0].start, declared[-1].end)
                return lead + named + declared, (
                    f"read '{heading}' as a lesson heading; '{said_named}' in it is read as the "
                    "indicator the rules use"
                )
            if named:
                return sentence, None
            return lead, f"read '{heading}' as a lesson heading (no rule in it)"
        if named:
            if said.kind != "COLON":
                return sentence, None
            # "MACD lesson: buy when ...": the indicator stays before its colon, as a title's
            return lead + named + rest, (
                f"read '{_quote(text, first, last)}' as a lesson label; "
                f"'{_quote(text, named[0].start, named[-1].end)}' in it is read as the indicator "
                "the rules use"
            )
        return lead + after, f"read '{_quote(text, first, said.end)}' as a lesson label"
    return sentence, None
