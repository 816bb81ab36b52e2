"""Offline chat edits of a spec-based strategy: ``apply_edit(spec, "change the RSI period to 21")``.

    result = apply_edit(strategy_spec, "only trade when the 200 SMA is rising")
    result.spec            # the edited spec 2.0 JSON (None when nothing changed)
    result.summary         # one line: "Updated the strategy: Long entry: '...' -> '...'."
    result.replaced        # True only when the message asked to replace a rule (or remove
                           # one of its conditions)
    result.replaced_rules  # ["entry"]

Each sentence of the message is one of: a question (answered with ``render_understood_as``),
a removal ("remove the stop loss", "remove the SMA filter"), a side change ("make it short
only"), a value edit (:mod:`.edit_values`: periods and thresholds) or a statement the
description grammar reads (:mod:`.edit_rules`: filters, alternatives, replacements, stops,
targets, trailing stops, time exits, sizing). A few requests are first said the way that
grammar reads them: "change the exit to RSI above 60" as "sell when RSI above 60 instead" (the
rule replaced, said in ``replaced``), "go short too" as "trade both sides", "also require ADX
above 20" as "only trade when ADX above 20"; "undo" points to restoring a version. "Use EMA
instead of SMA" swaps the averages' kind (:mod:`.edit_kinds`). Nothing is
guessed: an unknown or ambiguous request raises :class:`EditNotUnderstood` with the candidates
and phrasings that work. A stored 1.0 spec is edited in its 2.0 form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from Backtest.llm.offline.edit_kinds import kind_request, swap_kind
from Backtest.llm.offline.edit_rules import (
    Markers,
    RuleEditor,
    distance_text,
    mirror_level,
    removal_words,
)
from Backtest.llm.offline.edit_types import (
    EXAMPLE_EDITS,
    RULE_LABELS,
    EditNotUnderstood,
    EditResult,
)
from Backtest.llm.offline.edit_values import edit_value, value_request
from Backtest.llm.offline.grammar import read_sentence
from Backtest.llm.offline.lexer import Lexeme, lex
from Backtest.llm.offline.resolve import ParseError
from Backtest.llm.offline.specmap import instances, node_of, seeded_writer
from Backtest.spec import SpecValidationError, render_understood_as, validate_spec_v2
from Backtest.spec.render import Labels, describe_node

__all__ = ["EXAMPLE_EDITS", "EditNotUnderstood", "EditResult", "apply_edit"]

MAX_MESSAGE_CHARS = 2000
_QUESTION = re.compile(
    r"^\s*(?:(?:can|could) you )?(?:what|explain|describe|summari[sz]e|summary|how|tell me|"
    r"walk me|show me|overview|which)\b",
    re.IGNORECASE,
)
_REMOVE = re.compile(
    r"\b(?:remove|delete|drop|disable|cancel|clear|no|without|get rid of|turn off|take off|"
    r"take away|scrap)(?: the| a| an| my| any| its| that)?"
    r" (?P<what>trailing stop(?: loss)?|trailing|take profit|profit target|target|tp|"
    r"stop loss|stoploss|stop|sl|time exit|time stop)s?\b",
    re.IGNORECASE,
)
_DROP = r"(?:please\s+)?(?:remove|delete|drop|get rid of|take out|take away|scrap)\s+"
_NAMED = r"(?:filters?|conditions?|checks?|requirements?|rules?)"
_FROM_RULE = (
    r"(?:\s+(?:from|in|on)\s+the\s+(?P<scope>(?:long |short )?(?:entry|exit))(?:\s+rules?)?)?"
)
_REMOVE_CONDITION = (
    # "remove the SMA(200) filter (from the entry)"
    re.compile(rf"^\s*{_DROP}(?P<what>.+?)\s+{_NAMED}{_FROM_RULE}\s*$", re.IGNORECASE),
    # "drop the condition that the close is above the 200 SMA"
    re.compile(
        rf"^\s*{_DROP}the\s+{_NAMED}\s+(?:that|where|on)\s+(?P<what>.+?){_FROM_RULE}\s*$",
        re.IGNORECASE,
    ),
)
_REMOVE_FIELDS = {
    "trailing": ("trailing_stop", "Trailing stop"),
    "take": ("take_profit", "Take profit"),
    "profit": ("take_profit", "Take profit"),
    "target": ("take_profit", "Take profit"),
    "tp": ("take_profit", "Take profit"),
    "time": ("exit_after_bars", "Time exit"),
}
_INSTEAD_OF = re.compile(r"\b(?:instead of|rather than)\s+(-?\d+(?:\.\d+)?)\b", re.IGNORECASE)
_INSTEAD = re.compile(
    r"\b(?:instead|rather|replace (?:it|that|(?:the|my) [\w-]+"
    r"(?: (?:rules?|conditions?|signal|logic|trigger))?) with)\b:?",
    re.IGNORECASE,
)
_ALSO = re.compile(r"\b(?:also|additionally|as well|too)\b", re.IGNORECASE)
_FROM_PCT = re.compile(r"\bfrom\s+-?\d+(?:\.\d+)?\s*%\s*(?=to\b)", re.IGNORECASE)
_SIDES = {"LONGONLY": "long", "SHORTONLY": "short", "BOTHWAYS": "both"}
# "change the exit to RSI above 60", "replace the entry rule with: buy when ...": the named rule
# replaced, said as "<its verb> when ... instead" (the verb from the rule and the side)
_RULE_TO = re.compile(
    r"^\s*(?:please\s+)?(?:change|set|make|switch|replace|update)\s+(?:the\s+|my\s+)?"
    r"(?P<rule>(?:long\s+|short\s+)?(?:entry|exit))(?:\s+(?:rules?|conditions?|signal|logic|"
    r"trigger))?\s+(?:to|with|into)\s*:?\s*(?P<rest>.+?)\s*$",
    re.IGNORECASE,
)
# ... when what follows states a condition ("change the exit to 60" is a value edit)
_CONDITION_KINDS = frozenset({"CMP", "CROSS", "MOTION", "TOUCH", "RISING", "FALLING", "CLOSEVERB"})
_ACTION_FIRST = re.compile(
    r"^(?:buy|sell|exit|enter|go|cover|short|close|get out|take|open)\b", re.IGNORECASE
)
# The rule an action verb opens, by the side it trades ("buy" closes a short: buy to cover)
_ACTION_RULE = {
    "buy": {"long": "entry", "short": "exit"},
    "sell": {"long": "exit", "short": "entry"},
    "short": {"long": "entry", "short": "entry"},
    "enter": {"long": "entry", "short": "entry"},
    "open": {"long": "entry", "short": "entry"},
    "exit": {"long": "exit", "short": "exit"},
    "cover": {"long": "exit", "short": "exit"},
    "close": {"long": "exit", "short": "exit"},
    "get out": {"long": "exit", "short": "exit"},
    "take": {"long": "exit", "short": "exit"},
}


def _action_rule(verb: str, rest: str, side: str) -> str | None:
    """The rule ("entry" or "exit") the action opening ``rest`` states; None when unsure
    ("go ...", a verb with "short" after it on a long rule)."""
    verb = verb.lower()
    if verb == "go":
        return "entry" if re.match(r"go\s+(?:long|short)\b", rest, re.IGNORECASE) else None
    return _ACTION_RULE[verb][side] if verb in _ACTION_RULE else None


_RULE_VERB = {
    ("entry", "long"): "buy",
    ("entry", "short"): "short",
    ("exit", "long"): "sell",
    ("exit", "short"): "cover",
}
# "go short too", "add short trades", "also trade the long side": the other side as well
_OTHER_SIDE_TOO = re.compile(
    r"^\s*(?:please\s+)?(?P<also>also\s+)?(?P<verb>go|trade|take|add|allow|include|open)\s+"
    r"(?:the\s+)?(?P<side>short|long)(?:s|\s+(?:trades|side|positions|entries))?"
    r"(?P<too>\s+(?:too|as well|also))?\s*$",
    re.IGNORECASE,
)
# "also require X", "add the condition that X", "add a check: X": a filter on the entries
_REQUIRE = re.compile(
    r"^\s*(?:please\s+)?(?:also\s+)?(?:require|add\s+(?:the|a|an|one more|another)\s+"
    r"(?:condition|filter|requirement|check)(?:\s+that|\s*:))\s+(?P<rest>.+?)\s*$",
    re.IGNORECASE,
)
# "move the take profit to 8%", "move my stop to 3%": the same as "set"
_MOVE = re.compile(
    r"^\s*(?:please\s+)?move\s+(?=(?:the|my)\s+(?:stop|take|target|profit|trailing|tp|sl)\b)",
    re.IGNORECASE,
)
_UNDO = re.compile(r"^\s*(?:please\s+)?(?:undo|revert|go back|roll back)\b", re.IGNORECASE)
_NOT_STATEMENTS = ("Declare", "Timeframe", "Crossover", "Heading", "ZeroLine")


def apply_edit(spec: Mapping[str, Any], message: str) -> EditResult:
    """Apply the edit ``message`` asks for to ``spec`` (see the module docstring)."""
    if not isinstance(message, str) or not message.strip():
        raise EditNotUnderstood("The message is empty.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise EditNotUnderstood(
            f"The message is too long ({len(message)} characters, limit {MAX_MESSAGE_CHARS}); "
            "ask for one change at a time."
        )
    try:
        model = validate_spec_v2(spec)
    except SpecValidationError as exc:
        raise EditNotUnderstood(
            f"The strategy's stored spec is not valid ({exc}); edit its code instead."
        ) from None
    original = model.model_dump(mode="json", exclude_none=True)
    if _QUESTION.match(message) and not re.search(r"\d|\b(?:change|set|add|remove)\b", message):
        return EditResult(spec=None, summary=render_understood_as(model))
    editor = RuleEditor(original)
    for sentence in _sentences(message):
        _edit_sentence(editor, sentence)
    lines = editor.outcome.lines
    if not lines:
        raise EditNotUnderstood(f"Could not find a change to make in '{message.strip()}'.")
    if editor.data == original:
        return EditResult(
            spec=None, summary="Nothing to change: " + "; ".join(lines) + ".", understood=lines
        )
    try:
        edited = validate_spec_v2(editor.data).model_dump(mode="json", exclude_none=True)
    except SpecValidationError as exc:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
        raise EditNotUnderstood(
            f"That change gives a strategy the engine does not accept: {problems}."
        ) from None
    replaced = list(dict.fromkeys(editor.outcome.replaced))
    return EditResult(
        spec=edited,
        summary="Updated the strategy: " + "; ".join(lines) + ".",
        understood=lines,
        replaced=bool(replaced),
        replaced_rules=replaced,
    )


def _sentences(message: str) -> list[str]:
    parts = re.split(r"[.;!?\n]+(?=\s|$)", message)
    out: list[str] = []
    for part in parts:
        # "... and set the slow SMA to 50": a new edit verb starts a new sentence.
        out += re.split(
            r"\s*(?:,|\band\b)\s+(?=(?:change|set|add|remove|make|use|increase|decrease)\b)",
            part,
            flags=re.IGNORECASE,
        )
    return [p.strip() for p in out if p.strip()]


def _said_plainly(editor: RuleEditor, text: str) -> str:
    """A request in words the editor reads another way: a rule named and replaced, the other
    side as well, a required condition (see the patterns above)."""
    side = editor.data["side"]
    text = _MOVE.sub("set ", text)
    if (match := _RULE_TO.match(text)) and _CONDITION_KINDS & {
        lx.kind for lx in lex(match["rest"])
    }:
        words = match["rule"].lower().split()
        rule, sides = words[-1], words[:-1] or ([side] if side != "both" else [])
        if not sides:
            raise EditNotUnderstood(
                f"This strategy trades both sides: say which {rule} to change ('the long "
                f"{rule}' or 'the short {rule}')."
            )
        rest = re.sub(r"^(?:when|if|on)\s+", "", match["rest"], flags=re.IGNORECASE)
        if action := _ACTION_FIRST.match(rest):
            said = _action_rule(action[0], rest, sides[0])
            if said is not None and said != rule:
                verb = " ".join(rest.split()[:2]) if action[0].lower() == "go" else action[0]
                raise EditNotUnderstood(
                    f"'{match['rule']}' is named, but '{verb}' is the {said}'s verb: "
                    f"say which rule to change (e.g. 'change the {rule} to: "
                    f"{_RULE_VERB[rule, sides[0]]} when ...')."
                )
            return f"{rest} instead"
        return f"{_RULE_VERB[rule, sides[0]]} when {rest} instead"
    match = _OTHER_SIDE_TOO.match(text)
    said_too = match and (match["also"] or match["too"] or match["verb"].lower() != "go")
    if match and said_too and side != "both" and match["side"].lower() != side:
        return "trade both sides"
    if (match := _REQUIRE.match(text)) and not _ACTION_FIRST.match(match["rest"]):
        return f"only trade when {match['rest']}"
    return text


def _edit_sentence(editor: RuleEditor, text: str) -> None:
    if _UNDO.match(text):
        raise EditNotUnderstood(
            "Every edit is a new version: to undo one, restore the version before it (the "
            "strategy's Versions list, or POST /api/strategies/{id}/versions/{n}/restore/)."
        )
    if (kinds := kind_request(text)) is not None:
        editor.data, lines = swap_kind(editor.data, *kinds)
        editor.outcome.lines += lines
        return
    text = _said_plainly(editor, text)
    if not _REMOVE.search(text):
        for pattern in reversed(_REMOVE_CONDITION):
            if match := pattern.match(text):
                scope = match["scope"].lower() if match["scope"] else None
                editor.remove_condition(removal_words(match["what"]), scope, text)
                return
    text = _removals(editor, text)
    markers = Markers()
    if match := _INSTEAD_OF.search(text):
        markers.instead_of = float(match[1])
    value_text = text
    stripped = _INSTEAD_OF.sub(" ", text)
    markers.instead = bool(_INSTEAD.search(stripped))
    markers.also = bool(_ALSO.search(stripped))
    stripped = _ALSO.sub(" ", _INSTEAD.sub(" ", _FROM_PCT.sub("", stripped)))
    lexemes = [lx for lx in lex(stripped) if lx.kind not in ("FILLER", "SEP", "QUOTE")]
    while lexemes and lexemes[0].kind == "PLACE":
        lexemes = lexemes[1:]  # "change/set/add/use ...": the edit verb
    if not lexemes or all(lx.kind in ("COMMA", "AND") for lx in lexemes):
        return
    unsupported = [lx for lx in lexemes if lx.kind == "UNSUPPORTED"]
    if unsupported:
        raise EditNotUnderstood(f"Cannot do that offline: {unsupported[0].value}.")
    if _side(editor, lexemes):
        return
    if _conditionless(lexemes):
        request = value_request(value_text, lexemes)
        if request is not None:
            editor.data, lines = edit_value(editor.data, request)
            editor.outcome.lines += lines
            return
        if any(lx.kind == "NUM" for lx in lexemes) and not any(lx.kind == "PCT" for lx in lexemes):
            raise EditNotUnderstood(f"Could not turn '{text}' into a change of this strategy.")
    risky = {"STOP", "TARGET", "TRAIL", "EQUITY", "RISK", "SIZE", "CMP", "MOTION", "WHEN"}
    if any(lx.kind == "PCT" for lx in lexemes) and not any(lx.kind in risky for lx in lexemes):
        raise EditNotUnderstood(
            "A percentage here must belong to a stop, a target, a trailing stop or the "
            "position size; indicator periods and levels are plain numbers.",
            examples=["add a 2% stop loss", "set take profit to 5%", "use 50% of equity"],
        )
    unknown = [lx.text for lx in lexemes if lx.kind == "UNKNOWN"]
    if unknown:
        raise EditNotUnderstood(f"Could not turn '{text}' into a change of this strategy.")
    readings = read_sentence(lexemes).readings
    statements = readings[0] if readings else ()
    if not statements or all(type(s).__name__ in _NOT_STATEMENTS for s in statements):
        raise EditNotUnderstood(f"Could not turn '{text}' into a change of this strategy.")
    editor.apply(statements, markers, stripped)


def _conditionless(lexemes: list[Lexeme]) -> bool:
    """No comparison, intro or risk word: a value edit ("change the RSI period to 21")."""
    blocking = {"WHEN", "WHILE", "ONLY", "CMP", "MOTION", "CROSS", "CLOSEVERB", "TOUCH"}
    blocking |= {"RISING", "FALLING", "STOP", "TARGET", "TRAIL", "PCT", "SHARES", "EQUITY"}
    blocking |= {"RISK", "NEVER", "DONT", "NO", "AVOID", "WEEKDAY", "MONTH", "TIME", "HOLD"}
    blocking |= {"AFTER", "OPPOSITE", "ALL_IN", "GOLDEN", "DEATH"}
    return not any(lx.kind in blocking for lx in lexemes)


def _removals(editor: RuleEditor, text: str) -> str:
    while match := _REMOVE.search(text):
        key = match["what"].split(" ")[0].lower()
        field_name, label = _REMOVE_FIELDS.get(key, ("stop_loss", "Stop loss"))
        before = editor.data.pop(field_name, None)
        value = distance_text(before) if isinstance(before, dict) else f"{before} bars"
        shown = "none set" if before is None else f"{value} -> none"
        editor.outcome.lines.append(f"{label}: {shown}")
        text = text[: match.start()] + " " + text[match.end() :]
    return text


def _side(editor: RuleEditor, lexemes: list[Lexeme]) -> bool:
    modes = [_SIDES[lx.kind] for lx in lexemes if lx.kind in _SIDES]
    if not modes:
        return False
    if any(lx.kind in ("WHEN", "CMP", "CROSS", "MOTION") for lx in lexemes):
        raise EditNotUnderstood(
            "Change the side in a message of its own ('make it short only'), then the rules."
        )
    mode, data = modes[0], editor.data
    side = data["side"]
    if mode == side:
        editor.outcome.lines.append(f"Side: already {mode}")
        return True
    model = validate_spec_v2(data)
    found = instances(model)
    writer = seeded_writer(model, found)
    rules = dict(data["rules"])
    previous = dict(data["rules"])
    long_keys, short_keys = ("entry", "exit"), ("short_entry", "short_exit")
    try:
        if side == "both":
            for key in short_keys if mode == "long" else long_keys:
                rules.pop(key, None)
        else:
            source, target = (long_keys, short_keys) if side == "long" else (short_keys, long_keys)
            for src, dst in zip(source, target, strict=True):
                node = getattr(model.rules, src)
                if node is not None:
                    rules[dst] = writer.node(mirror_level(node_of(node, found)))
            if mode != "both":
                for key in source:
                    rules.pop(key, None)
    except ParseError as exc:
        raise EditNotUnderstood(
            f"Cannot mirror this strategy's rules for the other side ({exc.problem.reason}); "
            "state the new rules in full."
        ) from None
    data["side"] = mode
    data["rules"] = rules
    data["indicators"] = writer.items
    edited = validate_spec_v2(data)
    labels = Labels(edited.indicators)
    mirrored = [
        f"{RULE_LABELS[key]} (mirrored): {describe_node(getattr(edited.rules, key), labels)}"
        for key in RULE_LABELS
        if rules.get(key) is not None and rules.get(key) != previous.get(key)
    ]
    if mode == "long":
        data.pop("short_entry_order", None)
    elif mode == "short":
        data.pop("entry_order", None)
    editor.outcome.lines += [f"Side: {side} -> {mode}", *mirrored]
    return True
