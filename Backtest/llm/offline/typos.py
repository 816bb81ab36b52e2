"""Hurried typos of the parser's own words ("bolinger", "avarage", "traling"): read as the word
meant, and always said in ``warnings`` ("read 'bolinger' as 'bollinger'"), never silently.

A word is taken as a typo only when all of these hold, else it stays unknown and is refused
(its refusal says "did you mean ..."):

* it is at least five letters, not a word the parser knows (filler included; a misspelling the
  vocabulary knows inside one phrase, "moving averge", counts as unknown elsewhere), not an
  English word (the English word list of ``pyspellchecker``: "sitting" is never read as
  "setting") and not a ticker;
* exactly one word of the parser's vocabulary, filler aside, is one edit away from it (a letter
  added, dropped or changed, or two neighbouring letters swapped), or only one of those is a
  word of its own (the vocabulary knows some misspellings too), or only one makes a phrase with
  the word before or after it;
* that word is not its plural or singular ("SMAs" is no typo of "sma").

An English word ("trough", "bellow") is read as the word one edit away only where that word is
certain (:func:`_in_place`): it completes a crossing or motion phrase with the words before it
("crosses up trough" -> "crosses up through", "falls bellow" -> "falls below") and a number or a
line follows; anywhere else it stays refused.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.text import Token

MIN_LETTERS = 5


def _words(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(w for key in keys for w in key.split(" ") if w.isalpha())


@functools.cache
def _known() -> frozenset[str]:
    """The words a typo may be read as: those of the vocabulary's phrases."""
    return _words(v.PHRASES)


@functools.cache
def _misspelt() -> frozenset[str]:
    """Misspellings the vocabulary knows inside a phrase only ("moving averge" beside "moving
    average", the same entry): outside that phrase such a word is a typo like any other."""
    english = _english()
    inside = {
        w for w in _known() if w not in v.PHRASES and len(w) >= MIN_LETTERS and not english(w)
    }
    found = set()
    for key, entry in v.PHRASES.items():
        words = key.split(" ")
        for i, word in enumerate(words):
            if word not in inside:
                continue
            for other in _one_edit(word) & _known():
                fixed = " ".join([*words[:i], other, *words[i + 1 :]])
                if english(other) and v.PHRASES.get(fixed) == entry:
                    found.add(word)
    return frozenset(found)


@functools.cache
def _filler() -> frozenset[str]:
    return _words(v.FILLER)


@functools.cache
def _english() -> Callable[[str], bool]:
    """Whether a word is English (``pyspellchecker``'s list, loaded on first use: a text with a
    word the vocabulary does not know, or knows only inside a phrase)."""
    from spellchecker import SpellChecker

    return SpellChecker(distance=1).__contains__


def _one_word(candidates: set[str], before: str, after: str) -> str | None:
    """The word meant: the only candidate; among several, the only one that is a word of its
    own (the vocabulary also knows misspellings: "avarage" is one edit from "average" and from
    the known misspelling "avrage"), else the only one that makes a phrase with its neighbour
    ("traling stop": "trailing stop", not "trading stop"); else None."""
    if len(candidates) > 1:
        candidates = {c for c in candidates if c in v.PHRASES or _english()(c)}
    if len(candidates) > 1:
        candidates = {
            c for c in candidates if f"{before} {c}" in v.PHRASES or f"{c} {after}" in v.PHRASES
        }
    return next(iter(candidates)) if len(candidates) == 1 else None


def _one_edit(word: str) -> set[str]:
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in letters}
    added = {a + c + b for a, b in splits for c in letters}
    return (dropped | swapped | changed | added) - {word}


def _inflection(word: str, other: str) -> bool:
    return any(word == other + s or other == word + s for s in ("s", "es"))


def meant(word: str, original: str, before: str = "", after: str = "") -> str | None:
    """The vocabulary word ``word`` (as typed: ``original``; between the words ``before`` and
    ``after``) is a typo of, or None."""
    if len(word) < MIN_LETTERS or not word.isalpha() or not word.isascii():
        return None
    known = word in v.PHRASES or (word in _known() and word not in _misspelt())
    if known or word in _filler() or (original.isupper() and len(original) <= 5):
        return None
    candidate = _one_word(_one_edit(word) & _known(), before, after)
    if candidate is None:
        return None
    if _inflection(word, candidate) or _english()(word):
        return None
    return candidate


# The phrases an English word may complete as a typo: a crossing or a motion, whose last word
# (the way: "below", "through") is the one meant
_PLACE_KINDS = frozenset({"CROSS", "MOTION", "CLOSEVERB"})


def _in_place(tokens: Sequence[Token], index: int) -> str | None:
    """The word an English word at ``index`` was typed for, where only that word fits: exactly
    one word one edit away ends a crossing or motion phrase begun by the one to three words
    before it ("crosses up trough 20": "crosses up through"), and a number or a known word ("the
    20 SMA", "its upper band") follows; else None."""
    word = tokens[index].norm
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if len(word) < MIN_LETTERS or not word.isalpha() or following is None:
        return None
    if following.kind != "num" and not (
        following.kind == "word" and (following.norm in v.PHRASES or following.norm in _filler())
    ):
        return None
    found = set()
    for other in _one_edit(word) & _known():
        for start in range(max(0, index - 3), index):
            words = [t.norm for t in tokens[start:index]]
            if any(t.kind != "word" for t in tokens[start:index]):
                continue
            entry = v.PHRASES.get(" ".join([*words, other]))
            if entry is not None and entry[0] in _PLACE_KINDS:
                found.add(other)
    return next(iter(found)) if len(found) == 1 else None


# "sell when its over 55": "its" typed for "it's", read so only between a "when" and a
# comparison ("when its 50 SMA is over 55" keeps the possessive)
_ITS_BEFORE = frozenset({"when", "if", "once", "while", "until", "whenever"})
_ITS_AFTER = frozenset({"over", "above", "below", "under", "beneath", "between", "back"})
# the words a typo note names for a dropped apostrophe: "read 'its' as 'it's'"
APOSTROPHE = {"its": "it's"}


def _its(tokens: Sequence[Token], index: int) -> bool:
    """The "its" at ``index`` stands for "it's" ("when its over 55")."""
    return (
        tokens[index].norm == "its"
        and 0 < index < len(tokens) - 1
        and tokens[index - 1].norm in _ITS_BEFORE
        and tokens[index + 1].kind == "word"
        and tokens[index + 1].norm in _ITS_AFTER
    )


def said_as(typed: str, word: str) -> str:
    """The word a typo note says ``typed`` was read as."""
    return APOSTROPHE.get(typed, word)


def corrected(tokens: Sequence[Token], source: str) -> list[Token]:
    """``tokens`` with each typo's ``norm`` the word meant (its span and ``typo``, the word as
    typed, kept for the warning); "its" for "it's" is the two words "it is"."""
    out = []
    for index, token in enumerate(tokens):
        word = None
        if _its(tokens, index):
            out += [replace(token, norm="it", typo=token.norm), replace(token, norm="is")]
            continue
        if token.kind == "word" and not _in_phrase(tokens, index):
            before = tokens[index - 1].norm if index else ""
            after = tokens[index + 1].norm if index + 1 < len(tokens) else ""
            word = meant(token.norm, source[token.start : token.end], before, after)
            if word is None and token.norm not in v.PHRASES and token.norm not in _filler():
                word = _in_place(tokens, index)
        out.append(token if word is None else replace(token, norm=word, typo=token.norm))
    return out


def _in_phrase(tokens: Sequence[Token], index: int, longest: int = v.MAX_PHRASE) -> bool:
    """The token is part of a phrase the vocabulary knows where it stands ("in favour of",
    "moving averge"): never a typo there."""
    for start in range(max(0, index - longest + 1), index + 1):
        for end in range(index + 1, min(len(tokens), start + longest) + 1):
            if end - start > 1 and " ".join(t.norm for t in tokens[start:end]) in v.PHRASES:
                return True
    return False
