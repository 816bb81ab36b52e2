"""Offline chat edits of a spec-based strategy: ``apply_edit(spec, "change the RSI period to 21")``.

    result = apply_edit(strategy_spec, "use a 50 day SMA instead of 30")
    result.spec         # the edited, validated spec JSON (None when nothing changed)
    result.summary      # "Updated the strategy: slow (timeperiod): SMA(30) -> SMA(50)."
    result.understood   # ["slow (timeperiod): SMA(30) -> SMA(50)"]

Pipeline: normalise (the parser's spelling rules) -> a question ("what does this strategy do?",
"explain") is answered from the spec -> risk phrases are applied and cut out
(:mod:`.edit_risk`) -> the rest is split into sentences, and before each new edit verb or action
("... and set the slow SMA to 50", "... and sell when ...") -> each sentence is a side change
("make it short only"), a rule edit (an action word with a condition, :mod:`.edit_rules`) or a
value edit (a number for an indicator parameter or a rule threshold, :mod:`.edit_values`) ->
``validate_spec``. Nothing is guessed: an ambiguous or unknown request raises
:class:`EditNotUnderstood` with the candidates and example phrasings.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from Backtest.llm.offline import actions as act
from Backtest.llm.offline.clauses import _CONDITION_KINDS
from Backtest.llm.offline.edit_explain import explain_spec
from Backtest.llm.offline.edit_model import ROLE_KEYS, SpecIndex, referenced_ids
from Backtest.llm.offline.edit_risk import edit_risk
from Backtest.llm.offline.edit_rules import RuleRequest, change_side, edit_rules, rule_role
from Backtest.llm.offline.edit_types import EXAMPLE_EDITS, EditNotUnderstood, EditResult
from Backtest.llm.offline.edit_values import edit_value, value_request
from Backtest.llm.offline.lexer import Lex, lex
from Backtest.llm.offline.normalize import normalize
from Backtest.spec import SpecValidationError, validate_spec

__all__ = ["EXAMPLE_EDITS", "EditNotUnderstood", "EditResult", "apply_edit"]

MAX_MESSAGE_CHARS = 2000
_HARD = frozenset({".", ";", "!", "?", "\n"})
_CONNECTORS = frozenset({"and", ",", "then", "also"})
_EDIT_VERBS = frozenset(
    {"change", "set", "use", "make", "add", "remove", "increase", "decrease", "raise", "lower"}
    | {"reduce", "tighten", "loosen", "widen", "switch", "move", "replace", "put", "update"}
    | {"also", "drop", "delete", "trail"}
)
_MARKERS = frozenset({"when", "if", "once", "on", "as", "whenever", "after", "upon"})
# Words that carry no edit of their own ("please change ...", "can you ...").
_NOISE = frozenset(
    _EDIT_VERBS
    | act.FILLER
    | {"please", "can", "could", "would", "you", "i", "we", "want", "like", "let", "lets"}
    | {"us", "me", "ok", "okay", "thanks", "thank", "now", "just", "strategy", "so", "for"}
    | {"to", "with", "instead", "modify", "adjust", "also", "too", "as", "well", "then"}
)
_QUESTION = re.compile(
    r"^(?:(?:can|could) you )?(?:what|explain|describe|summari[sz]e|summary|how|tell me|"
    r"walk me|show me|overview|which)\b"
)
_INSTEAD_OF = re.compile(r"\b(?:instead of|rather than) ((?:- )?\d+(?:\.\d+)?)\b")
_INSTEAD = re.compile(r"\b(?:instead|rather)\b")
_ALSO = re.compile(r"\b(?:also|additionally|as well)\b")
_GO_SIDE_ONLY = re.compile(r"\bgo (long|short) only\b")  # a side, not an entry action
# "the fast one": normalisation turned "one" into 1, which is not a value here.
_SPEED_ONE = re.compile(r"\b(fast|faster|fastest|slow|slower|slowest|quick) 1\b(?! ?%)")


def apply_edit(spec: Mapping[str, Any], message: str) -> EditResult:
    """Apply the edit ``message`` asks for to ``spec`` (see the module docstring).

    Returns an :class:`EditResult` whose ``spec`` is None when nothing changes (a question, or
    a value that is already set). Raises :class:`EditNotUnderstood` otherwise.
    """
    if not isinstance(message, str) or not message.strip():
        raise EditNotUnderstood("The message is empty.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise EditNotUnderstood(
            f"The message is too long ({len(message)} characters, limit {MAX_MESSAGE_CHARS}); "
            "ask for one change at a time."
        )
    try:
        original = validate_spec(spec).model_dump(mode="json")
    except SpecValidationError as exc:
        raise EditNotUnderstood(
            f"The strategy's stored spec is not valid ({exc}); edit its code instead."
        ) from None
    text = normalize(message)
    if _is_question(text):
        return EditResult(spec=None, summary=explain_spec(original), understood=[])
    work, lines, rest = edit_risk(original, text)
    for sentence in _sentences(rest):
        work, more = _edit_sentence(work, sentence)
        lines += more
    if not lines:
        raise EditNotUnderstood(f"Could not find a change to make in '{message.strip()}'.")
    if work == original:
        summary = "Nothing to change: " + "; ".join(lines) + "."
        return EditResult(spec=None, summary=summary, understood=lines)
    try:
        edited = validate_spec(work).model_dump(mode="json")
    except SpecValidationError as exc:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
        raise EditNotUnderstood(
            f"That change gives a strategy the engine does not accept: {problems}."
        ) from None
    return EditResult(
        spec=edited, summary="Updated the strategy: " + "; ".join(lines) + ".", understood=lines
    )


def _is_question(text: str) -> bool:
    words = {word for word in text.split(" ") if word}
    asks_change = bool(words & _EDIT_VERBS) or any(word[0].isdigit() for word in words)
    return bool(_QUESTION.match(text)) and not asks_change


def _starts_action(tokens: list[str], i: int) -> bool:
    """An action phrase ("sell", "go short") at ``i`` followed by "when"/"if"."""
    for length in range(4, 0, -1):
        if " ".join(tokens[i : i + length]) in act.ACTIONS:
            return i + length < len(tokens) and tokens[i + length] in _MARKERS
    return False


def _sentences(text: str) -> list[str]:
    """Sentences, also split at "and"/","/"then" before an edit verb or an action."""
    tokens = [t for t in text.split(" ") if t]
    sentences: list[list[str]] = [[]]
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _HARD:
            sentences.append([])
        elif token in _CONNECTORS and (following in _EDIT_VERBS or _starts_action(tokens, i + 1)):
            sentences.append(["also"] if token == "also" else [])
        else:
            sentences[-1].append(token)
    return [" ".join(s) for s in sentences if s]


def _only_noise(lexemes: list[Lex]) -> bool:
    quiet = {"soft", "hard", "pron", "marker", "and", "or", "paren"}
    return all(i.kind in quiet or (i.kind == "word" and i.value in _NOISE) for i in lexemes)


def _edit_sentence(spec: dict[str, Any], text: str) -> tuple[dict[str, Any], list[str]]:
    text = _GO_SIDE_ONLY.sub(r"\1 only", _SPEED_ONE.sub(r"\1", text))
    instead_of = None
    if match := _INSTEAD_OF.search(text):
        instead_of = float(match[1].replace(" ", ""))
    stripped = _INSTEAD_OF.sub(" ", text)
    also = bool(_ALSO.search(stripped))
    stripped = _ALSO.sub(" ", _INSTEAD.sub(" ", stripped))
    lexemes = lex([t for t in stripped.split(" ") if t])
    unsupported = [i.value for i in lexemes if i.kind == "unsupported"]
    if unsupported:
        raise EditNotUnderstood(f"Cannot do that offline: {'; '.join(unsupported)}.")
    modes = [i.value for i in lexemes if i.kind == "mode"]
    has_action = any(i.kind == "action" for i in lexemes)
    has_condition = any(i.kind in _CONDITION_KINDS for i in lexemes)
    has_number = any(i.kind in ("num", "zero") for i in lexemes) or any(
        i.kind in ("ind", "pair") and (i.value.numbers if i.kind == "ind" else True)
        for i in lexemes
    )
    if modes:
        if has_condition:
            raise EditNotUnderstood(
                "Change the side in a message of its own ('make it short only'), then the rules."
            )
        return _side(spec, modes[0])
    mirrors = any(i.kind == "mirror" for i in lexemes)  # "exit on the opposite signal"
    if has_action and (has_condition or mirrors):
        index = SpecIndex(copy.deepcopy(spec))
        used = referenced_ids(spec)
        request = RuleRequest(lexemes=lexemes, instead_of=instead_of, also=also)
        edited, lines = edit_rules(index.spec, request, index)
        return index.finish(edited, used), lines
    if has_number or instead_of is not None:
        request = value_request(_ALSO.sub(" ", text))
        keys = tuple(ROLE_KEYS[rule_role(role, spec["side"])] for role in request.roles)
        return edit_value(spec, request, keys or tuple(ROLE_KEYS.values()))
    if _only_noise(lexemes):
        return spec, []
    raise EditNotUnderstood(f"Could not turn '{text}' into a change of this strategy.")


def _side(spec: dict[str, Any], mode: str) -> tuple[dict[str, Any], list[str]]:
    index = SpecIndex(copy.deepcopy(spec))
    used = referenced_ids(spec)
    edited, lines = change_side(index.spec, mode, index)
    if not lines:
        return spec, [f"Side: already {mode}"]
    return index.finish(edited, used), lines
