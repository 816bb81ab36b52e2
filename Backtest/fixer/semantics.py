"""Does an edit keep the strategy's meaning? Decided from the edit itself.

``classify_edit(before, after)`` compares the canonical meaning (:mod:`Backtest.fixer.meaning`)
of both versions: the same parameters, the same rules and the same orders, spelled the way
backtesting.py needs, is ``semantic_change=False`` (the edit only makes the code run); any
other difference is ``semantic_change=True`` with one human-readable line per change. Who made
the edit (a rule or an LLM) plays no part.

Two kinds of difference are judged more closely rather than flagged outright:

* an undefined ``self.x`` the edit replaced by a defined attribute everywhere (a typo such as
  ``self.fast_ema`` for ``self.ema_fast``) keeps the meaning and is reported as a note;
* a warm-up guard ``if len(self.data) < N: return`` keeps the meaning when N is at most the
  history ``next()`` reads (those bars would have raised), and changes it otherwise.

When ``before`` does not parse (markdown around the code, tabs, Python 2) there is no meaning to
compare; the edit keeps it only when every line of ``after`` is a line of ``before`` up to
whitespace, quotes, brackets and a trailing colon.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections import Counter
from dataclasses import dataclass

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.meaning import Element, Meaning, meaning_of
from Backtest.fixer.rules import RULES, apply_rules
from Backtest.fixer.rules.runtime import lookback_needed
from Backtest.fixer.source import StrategyModel, parse_or_none

__all__ = ["NO_CHANGE", "EditClassification", "classify_edit"]

MAX_CHANGES = 12


@dataclass(frozen=True)
class EditClassification:
    """Whether an edit changed what the strategy does, and how."""

    semantic_change: bool
    #: What changed in meaning (parameters, sizing, stops, rules); empty when nothing did.
    changes: tuple[str, ...] = ()
    #: Meaning-preserving edits worth knowing about (resolved typos, warm-up guards).
    notes: tuple[str, ...] = ()

    def merged(self, other: EditClassification) -> EditClassification:
        """Both edits applied one after the other."""
        return EditClassification(
            self.semantic_change or other.semantic_change,
            _unique(self.changes + other.changes),
            _unique(self.notes + other.notes),
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "semantic_change": self.semantic_change,
            "changes": list(self.changes),
            "notes": list(self.notes),
        }


NO_CHANGE = EditClassification(False)


def classify_edit(before: str, after: str) -> EditClassification:
    """Classify the edit ``before`` -> ``after`` (see the module docstring)."""
    if before == after:
        return NO_CHANGE
    old_tree = parse_or_none(before)
    new_tree = parse_or_none(after)
    if new_tree is None:
        return EditClassification(True, ("the edited code does not parse",))
    if old_tree is None:
        # Read past the syntax mistakes first (text-only repairs), then compare meanings.
        readable = _readable(before)
        if readable is None:
            return _classify_text(before, after)
        return _classify_text(before, readable).merged(classify_edit(readable, after))
    old, new = meaning_of(old_tree), meaning_of(new_tree)
    notes: list[str] = []
    renames = _resolved_typos(old_tree, old, new)
    if renames:
        old = meaning_of(old_tree, renames)
        notes += [f"self.{a} (never defined) is read as self.{b}" for a, b in renames.items()]
    removed, added = _difference(old, new)
    removed, added, guard_notes, guard_changes = _judge_warmups(removed, added, new_tree)
    notes += guard_notes
    changes = guard_changes + _describe(removed, added)
    return EditClassification(bool(changes), tuple(changes[:MAX_CHANGES]), tuple(notes))


def _difference(old: Meaning, new: Meaning) -> tuple[list[Element], list[Element]]:
    """Elements only in ``old`` and only in ``new`` (multiset difference, original order)."""
    only_old = old.counts() - new.counts()
    only_new = new.counts() - old.counts()
    return _pick(old.elements, only_old), _pick(new.elements, only_new)


def _pick(elements: list[Element], wanted: Counter[tuple[str, str, str]]) -> list[Element]:
    remaining = Counter(wanted)
    out = []
    for element in elements:
        if remaining[element.key] > 0:
            remaining[element.key] -= 1
            out.append(element)
    return out


def _resolved_typos(tree: ast.Module, old: Meaning, new: Meaning) -> dict[str, str]:
    """Undefined ``self`` attributes the edit consistently replaced by defined ones.

    Each undefined attribute that the new version no longer reads is paired with the defined
    attribute whose name is closest (same words in another order counts as identical); the
    pairing is kept only if reading the old version that way removes differences.
    """
    gone = sorted(a for a in old.undefined_attrs if a not in _self_attrs_read(new))
    candidates = sorted(new.defined_attrs - old.undefined_attrs)
    renames: dict[str, str] = {}
    for attr in gone:
        scored = [(_similarity(attr, c), c) for c in candidates]
        score, best = max(scored, default=(0.0, ""))
        if score >= 0.6:
            renames[attr] = best
    if not renames:
        return {}
    before = sum(map(len, _difference(old, new)))
    after = sum(map(len, _difference(meaning_of(tree, renames), new)))
    return renames if after < before else {}


def _similarity(a: str, b: str) -> float:
    words_a, words_b = sorted(re.split(r"_+", a.lower())), sorted(re.split(r"_+", b.lower()))
    if words_a == words_b:
        return 1.0
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def _self_attrs_read(meaning: Meaning) -> set[str]:
    words = set()
    for element in meaning.elements:
        words |= set(re.findall(r"\w+", element.text))
    return words


def _judge_warmups(
    removed: list[Element], added: list[Element], new_tree: ast.Module
) -> tuple[list[Element], list[Element], list[str], list[str]]:
    """Warm-up guards that only skip bars lacking the history next() reads keep the meaning."""
    notes: list[str] = []
    changes: list[str] = []
    old_guards = [e for e in removed if e.kind == "warmup"]
    new_guards = [e for e in added if e.kind == "warmup"]
    if not old_guards and not new_guards:
        return removed, added, notes, changes
    model = StrategyModel.build(new_tree)
    method = model.methods.get("next")
    needed = lookback_needed(method, model) if method is not None else 0
    for guard in new_guards:
        bars = _guard_bars(guard.text, model)
        if bars is not None and bars <= needed + 1:
            notes.append(f"{guard.scope}() skips bars until {guard.text} bars of history exist")
        else:
            changes.append(
                f"{guard.scope}() now skips the first {guard.text} bars, more than the "
                f"{needed} bars of history it reads"
            )
    for guard in old_guards:
        if not any(g.scope == guard.scope for g in new_guards):
            changes.append(f"{guard.scope}() no longer waits for {guard.text} bars of history")
    rest_removed = [e for e in removed if e.kind != "warmup"]
    rest_added = [e for e in added if e.kind != "warmup"]
    return rest_removed, rest_added, notes, changes


def _guard_bars(text: str, model: StrategyModel) -> float | None:
    try:
        return float(text)
    except ValueError:
        return model.constant(text)


_KIND_LABEL = {
    "parameter": "parameter",
    "order": "order",
    "rule": "rule",
    "computation": "computation",
}


def _describe(removed: list[Element], added: list[Element]) -> list[str]:
    """One line per change; a removed and an added element of one kind and place pair up."""
    lines: list[str] = []
    pending = list(added)
    for old in removed:
        match = next((n for n in pending if (n.scope, n.kind) == (old.scope, old.kind)), None)
        where = _where(old)
        if match is not None:
            pending.remove(match)
            lines.append(f"{where}: `{old.text}` became `{match.text}`")
        else:
            lines.append(f"{where}: removed `{old.text}`")
    lines += [f"{_where(new)}: added `{new.text}`" for new in pending]
    return lines


def _where(element: Element) -> str:
    label = _KIND_LABEL.get(element.kind, element.kind)
    if element.kind == "order" and "size=" in element.text:
        label = "sizing"
    if element.kind == "parameter":
        return label
    return f"{label} in {element.scope}()"


# -- code that did not parse -------------------------------------------------------------------
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _normalise_line(line: str) -> str:
    text = line.translate(_QUOTES).replace("\u00a0", " ")
    text = re.sub(r"^\s*print\s*\(?(.*?)\)?\s*$", r"print\1", text)
    text = re.sub(r"\bexcept\s+([\w.]+)\s*(?:,|\bas\b)\s*(\w+)", r"except \1 , \2", text)
    return re.sub(r"[\s():]", "", text.split("#", 1)[0])


def _readable(code: str) -> str | None:
    """``code`` after the text-only rules (fences, tabs, colons...), if that makes it parse."""
    analysis = ErrorAnalysis("syntax_error", "high", True, "does not parse")
    repaired = apply_rules(code, analysis, only={r.name for r in RULES if not r.needs_ast}).code
    return repaired if parse_or_none(repaired) is not None else None


def _classify_text(before: str, after: str) -> EditClassification:
    available = Counter(_normalise_line(line) for line in before.splitlines())
    new_lines = []
    for line in after.splitlines():
        key = _normalise_line(line)
        if not key:
            continue
        if available[key] > 0:
            available[key] -= 1
        else:
            new_lines.append(line.strip())
    if not new_lines:
        return NO_CHANGE
    changes = [f"new code: `{line}`" for line in new_lines[:MAX_CHANGES]]
    return EditClassification(True, tuple(changes))


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
