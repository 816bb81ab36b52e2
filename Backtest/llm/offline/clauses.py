"""Step 4 of the pipeline: cut the lexemes into clauses, each with the action it belongs to.

Sentences end at ``. ; ! ?`` and line breaks; inside a sentence, sub-clauses end at ``, : -> =
/ then`` and before "and"/"or" when an action or "vice versa" follows. A sub-clause without an
action word is attached:

* forward, to an action standing alone right after it ("RSI under 30 = buy");
* else backward, to the last action of its sentence ("buy when X, price above the 200 SMA");
* else to the current section ("Entry:" / "Exit:" headings, bullet lists under them);
* else to the role of the previous sentence, or to the entry when nothing came before.

A leading "Name:" without any comparison is a title and is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from Backtest.llm.offline.actions import FILLER
from Backtest.llm.offline.lexer import Lex

_STRUCTURAL = frozenset({"soft", "paren", "action", "mirror", "marker", "filter"})
_CONDITION_KINDS = frozenset(
    {"cmp", "implicit", "zone", "golden", "death", "streak", "avgvol", "pair", "special"}
    | {"pctmove", "candle", "broken"}
)


@dataclass
class Clause:
    """Lexemes of one rule clause with the action role they belong to."""

    role: str | None  # entry_long, exit_long, entry_short, exit_short, entry, exit or None
    body: list[Lex]
    explicit: bool = False  # the clause had its own action word
    mirror: bool = False  # "on the reverse", "vice versa": the rule mirrors another one
    mirror_of: str | None = None  # role whose opposite this clause is ("X and vice versa")
    filter: bool = False  # "only when", "filter:": AND with the rule, never OR
    text: str = ""

    @property
    def has_content(self) -> bool:
        """Whether the sub-clause says anything beyond filler words."""
        """Whether the body says anything beyond filler words."""
        return any(_is_content(lex) for lex in self.body)


@dataclass
class _Sub:
    lexemes: list[Lex]
    sep: str | None
    joined_by: str | None = None  # the separator before this sub-clause ("or" makes an OR)
    action: str | None = None
    mirror: bool = False
    filter: bool = False
    body: list[Lex] = field(default_factory=list)

    def __post_init__(self) -> None:
        actions = [lex.value for lex in self.lexemes if lex.kind == "action"]
        self.action = actions[0] if actions else None
        self.mirror = any(lex.kind == "mirror" for lex in self.lexemes)
        self.filter = any(lex.kind == "filter" for lex in self.lexemes)
        lexemes = self.lexemes
        if self.action is not None:
            index = next(i for i, lex in enumerate(lexemes) if lex.kind == "action")
            before = lexemes[:index]
            if before and all(lex.kind in ("word", "pron", "marker") for lex in before):
                lexemes = lexemes[index:]  # "I'm looking for a strategy that buys when ..."
        kept: list[Lex] = []
        for position, lex in enumerate(lexemes):
            after_action = position > 0 and lexemes[position - 1].kind == "action"
            if lex.kind in ("action", "mirror", "soft") or (after_action and lex.kind == "pron"):
                continue  # "short it": the pronoun is the traded asset, not a subject
            kept.append(lex)
        self.body = kept

    @property
    def has_content(self) -> bool:
        return any(_is_content(lex) for lex in self.body)

    @property
    def text(self) -> str:
        """Source text, for messages."""
        return " ".join(lex.text for lex in self.lexemes if lex.kind != "soft")


def _is_content(lex: Lex) -> bool:
    if lex.kind in _STRUCTURAL or lex.kind in ("and", "or", "either", "hard", "then", "timing"):
        return False
    return not (lex.kind == "word" and lex.value in FILLER)


def _sentences(lexemes: list[Lex]) -> list[list[Lex]]:
    sentences: list[list[Lex]] = [[]]
    for lex in lexemes:
        if lex.kind == "hard":
            sentences.append([])
        else:
            sentences[-1].append(lex)
    return [s for s in sentences if s]


def _subclauses(sentence: list[Lex]) -> list[_Sub]:
    subs: list[_Sub] = []
    current: list[Lex] = []
    for index, lex in enumerate(sentence):
        following = sentence[index + 1] if index + 1 < len(sentence) else None
        if lex.kind == "soft":
            subs.append(_Sub(current, lex.value))
            current = []
            continue
        splits_before = (
            lex.kind in ("and", "or")
            and following is not None
            and (
                following.kind in ("action", "mirror")
                or (following.kind == "marker" and _has_action(current))
            )
        )
        if splits_before:
            subs.append(_Sub(current, lex.kind))
            current = []
            continue
        is_label = following is not None and following.kind == "soft" and following.value in ":="
        starts_new = _has_action(current) or (is_label and _has_condition(current))
        if lex.kind == "action" and current and starts_new and _has_condition(current):
            subs.append(_Sub(current, None))
            current = []
        current.append(lex)
    subs.append(_Sub(current, None))
    subs = [sub for sub in subs if sub.lexemes]
    for previous, sub in zip(subs, subs[1:], strict=False):
        sub.joined_by = previous.sep
    return subs


def _is_entry(role: str | None) -> bool:
    return role is not None and role.startswith("entry")


def _is_title(subs: list[_Sub]) -> bool:
    """ "Parabolic SAR: buy when ..." - a leading name with no comparison in it."""
    if len(subs) < 2 or subs[0].sep != ":" or subs[0].action is not None:
        return False
    lexemes = subs[0].lexemes
    nouns_only = all(lex.kind != "cmp" or lex.extra.get("noun") for lex in lexemes)
    others = any(lex.kind in _CONDITION_KINDS - {"cmp"} or lex.kind == "num" for lex in lexemes)
    return nouns_only and not others and not subs[0].mirror


def _has_action(lexemes: list[Lex]) -> bool:
    return any(lex.kind == "action" for lex in lexemes)


def _has_condition(lexemes: list[Lex]) -> bool:
    return any(lex.kind in _CONDITION_KINDS for lex in lexemes)


def _merge(target: Clause, sub: _Sub, *, front: bool = False) -> None:
    kind = {"or": "or", "then": "then"}.get(sub.joined_by or "", "and")
    joiner = [Lex(kind, "")]
    if front:
        target.body = sub.body + joiner + target.body
        target.text = f"{sub.text}, {target.text}"
    else:
        target.body = target.body + joiner + sub.body
        target.text = f"{target.text}, {sub.text}"
    target.filter = target.filter or sub.filter


def segment(lexemes: list[Lex]) -> tuple[list[Clause], list[str]]:
    """Clauses in text order, plus warnings about text that was set aside (titles)."""
    clauses: list[Clause] = []
    warnings: list[str] = []
    section: str | None = None
    last_role: str | None = None
    first = True
    for sentence in _sentences(lexemes):
        subs = _subclauses(sentence)
        if first and _is_title(subs):
            if subs[0].has_content:
                warnings.append(f"'{subs[0].text}' read as a title and ignored")
            subs = subs[1:]
        first = False
        sentence_clauses: list[Clause | None] = []
        for index, sub in enumerate(subs):
            if sub.action is not None and not sub.has_content and not sub.mirror:
                if sub.sep == ":" or index == len(subs) - 1:
                    section = sub.action  # heading: "Entry:" / "Exit:"
                sentence_clauses.append(Clause(sub.action, [], explicit=True, text=sub.text))
            elif sub.action is not None:
                clause = Clause(sub.action, sub.body, explicit=True, text=sub.text)
                clause.mirror, clause.filter = sub.mirror, sub.filter
                sentence_clauses.append(clause)
                section = sub.action if sub.sep == ":" else section
            else:
                sentence_clauses.append(None)
        _attach(subs, sentence_clauses, section if section else last_role)
        for clause in sentence_clauses:
            if clause is None or not (clause.body or clause.mirror or clause.mirror_of):
                continue
            clauses.append(clause)
            if clause.role is not None:
                last_role = clause.role
    return clauses, warnings


def _attach(subs: list[_Sub], slots: list[Clause | None], fallback: str | None) -> None:
    """Give every action-less sub-clause a home (see the module docstring)."""
    bare = [slot is not None and not slot.body and not slot.mirror for slot in slots]
    for index, sub in enumerate(subs):
        if slots[index] is not None:
            continue
        if not sub.has_content and not sub.mirror:
            continue
        label = slots[index - 1] if index else None
        is_label = label is not None and bare[index - 1] and not label.body
        if is_label and subs[index - 1].sep in (":", "=", "->", "-"):
            assert label is not None  # "entry = price crosses above 20 sma"
            label.body = list(sub.body)
            label.mirror = label.mirror or sub.mirror
            label.filter = label.filter or sub.filter
            label.text = f"{label.text} {sub.text}"
            continue
        target = _forward_target(subs, slots, bare, index)
        if target is not None:
            if not target.body and sub.mirror and not sub.has_content:
                target.mirror = True
                target.text = f"{sub.text} {target.text}"
            elif not target.body:
                target.body = list(sub.body)
                target.mirror = target.mirror or sub.mirror
                target.filter = target.filter or sub.filter
                target.text = f"{sub.text} {target.text}"
            else:
                _merge(target, sub)
            continue
        previous = next((c for c in reversed(slots[:index]) if c is not None), None)
        entries = [c for c in slots[:index] if c is not None and _is_entry(c.role)]
        if sub.filter and entries:  # "..., but only when X": filters restrict entries
            # A clause of its own, so it is read in text order ("it" keeps its meaning).
            slots[index] = Clause(entries[-1].role, sub.body, filter=True, text=sub.text)
            continue
        if previous is not None and previous.role is not None:
            if sub.mirror and not sub.has_content:
                slots[index] = Clause(None, [], mirror=True, mirror_of=previous.role, text=sub.text)
            else:
                _merge(previous, sub)
            continue
        role = None if sub.filter and fallback is None else fallback
        clause = Clause(role, sub.body, mirror=sub.mirror, filter=sub.filter, text=sub.text)
        slots[index] = clause


def _forward_target(
    subs: list[_Sub], slots: list[Clause | None], bare: list[bool], index: int
) -> Clause | None:
    """The action a run of condition-only sub-clauses leads up to ("X, Y, then buy")."""
    for later in range(index + 1, len(subs)):
        slot = slots[later]
        if slot is None or (later < len(bare) and not bare[later] and slot.role is None):
            continue
        return slot if bare[later] else None
    return None
