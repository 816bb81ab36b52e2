"""Chat edits with an LLM: the edited *spec* when the strategy has one, free code otherwise.

    edit = chat_edit(provider, message="only trade when the 200 SMA is rising",
                     code=strategy.code, spec=strategy.spec)
    edit.changed, edit.code, edit.spec, edit.understood_as, edit.rule_replaced, edit.replaced

With a spec the model answers JSON (structured output): its reply, whether it changed the
strategy, and the whole edited spec, which is validated and compiled like a generated one (a
malformed or invalid answer is sent back once with the problems, then
:class:`ChatSpecReplyError`). Whether a rule was replaced is computed by comparing the old and
new rules, never taken from the model: edits are additive by default (the new entry rule keeps
every old condition, joined with "all"), and an edit that replaces or removes a rule is refused
unless the message asks for it in so many words. Without a spec the model may send a complete
module; it is validated and its changes of meaning are listed (``Backtest.fixer.semantics``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from Backtest.errors import GenerationError
from Backtest.fixer.semantics import classify_edit
from Backtest.llm.base import LLMProvider, LLMRequest
from Backtest.llm.chat_prompts import CHAT_SYSTEM_PROMPT, ChatTurn, build_chat_request
from Backtest.llm.replies import extract_code
from Backtest.llm.spec_prompts import read_json_object, read_spec, wrap_spec_schema
from Backtest.spec import compile_spec, render_understood_as, validate_spec
from Backtest.validation import validate_code

__all__ = [
    "CHAT_SPEC_SYSTEM_PROMPT",
    "ChatEdit",
    "ChatSpecReplyError",
    "build_chat_spec_request",
    "chat_edit",
    "replaced_rules",
]

RULE_KEYS = ("entry", "exit", "short_entry", "short_exit")
#: Words that ask for a rule to be replaced or removed rather than added to.
EXPLICIT_REPLACE = re.compile(
    r"\b(replace|instead|remove|delete|drop|swap|switch|change|rather than|no longer|"
    r"get rid of|only use|use only)\b",
    re.I,
)

CHAT_SPEC_SYSTEM_PROMPT = (
    CHAT_SYSTEM_PROMPT
    + """

This strategy was compiled from a spec, so answer with one JSON object (no code):
- "reply": your answer in plain prose;
- "changed": true when the user asked for a change, else false;
- "spec": the COMPLETE edited spec when changed is true (omit it otherwise).
Edits are additive: "only trade when X" adds X to the entry rule (an "all" group keeping every
existing condition); never remove or replace a rule unless the user says so explicitly.
If the change cannot be written with the spec's fields, set changed to false and say so in
"reply"."""
)

Path = Literal["spec", "code", "none"]


class ChatSpecReplyError(GenerationError):
    """The model's edited spec was malformed or invalid twice (``details["problems"]``)."""

    default_code = "llm_spec_invalid"


@dataclass
class ChatEdit:
    """What the chat did: the reply, and the new version when there is one."""

    reply: str
    path: Path
    changed: bool
    code: str | None = None
    spec: dict[str, Any] | None = None
    understood_as: str | None = None
    #: Computed from the old and new rules (spec path) or the meaning diff (code path).
    rule_replaced: bool = False
    replaced: list[str] = field(default_factory=list)
    #: What changed in meaning (code path), one line each.
    changes: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Set when the edit was refused (not additive without explicit words, invalid code).
    refused: str | None = None
    provider: str | None = None
    model: str | None = None
    key_alias: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def build_chat_spec_request(
    *,
    message: str,
    spec: Mapping[str, Any],
    execution: Mapping[str, Any] | None = None,
    history: Sequence[ChatTurn] = (),
    problems: Sequence[str] = (),
    temperature: float = 0.3,
    timeout_s: float | None = None,
) -> LLMRequest:
    """The structured chat request for a strategy that has a spec."""
    base = build_chat_request(
        message=message, code="", spec=spec, execution=execution, history=history
    )
    prompt = base.user_prompt
    if problems:
        prompt += (
            "\n\nYour previous answer was rejected:\n"
            + "\n".join(f"- {p}" for p in problems)
            + "\nAnswer again with a corrected JSON object."
        )
    schema = wrap_spec_schema(
        {"reply": {"type": "string"}, "changed": {"type": "boolean"}}, ["reply", "changed"]
    )
    return LLMRequest(
        system_prompt=CHAT_SPEC_SYSTEM_PROMPT,
        user_prompt=prompt,
        temperature=temperature,
        timeout_s=timeout_s,
        response_mime_type="application/json",
        response_json_schema=schema,
    )


def chat_edit(
    provider: LLMProvider,
    *,
    message: str,
    code: str,
    spec: Mapping[str, Any] | None = None,
    execution: Mapping[str, Any] | None = None,
    history: Sequence[ChatTurn] = (),
) -> ChatEdit:
    """Answer ``message`` about the strategy; see the module docstring. Raises ``LLMError`` when
    the provider fails and :class:`ChatSpecReplyError` for a twice-invalid spec answer."""
    if spec:
        return _spec_edit(provider, message, spec, execution, history)
    return _code_edit(provider, message, code, execution, history)


def _spec_edit(
    provider: LLMProvider,
    message: str,
    spec: Mapping[str, Any],
    execution: Mapping[str, Any] | None,
    history: Sequence[ChatTurn],
) -> ChatEdit:
    problems: list[str] = []
    for _ in range(2):
        request = build_chat_spec_request(
            message=message, spec=spec, execution=execution, history=history, problems=problems
        )
        response = provider.complete(request)
        meta: dict[str, Any] = {
            "provider": response.provider,
            "model": response.model,
            "key_alias": response.key_alias,
        }
        data, problems = read_json_object(response.text or "")
        if data is None:
            continue
        reply = data.get("reply")
        if not isinstance(reply, str) or not isinstance(data.get("changed"), bool):
            problems = ['"reply" (a string) and "changed" (true/false) are required']
            continue
        if not data["changed"]:
            return ChatEdit(reply=reply, path="spec", changed=False, **meta)
        new_spec, problems = read_spec(data.get("spec"))
        if new_spec is None:
            continue
        return _checked_spec_edit(message, spec, new_spec.model_dump(mode="json"), reply, meta)
    raise ChatSpecReplyError(
        "The model's edited spec could not be used, even after it was told what was wrong: "
        + "; ".join(problems[:5]),
        details={"problems": problems},
    )


def _checked_spec_edit(
    message: str,
    old: Mapping[str, Any],
    new: dict[str, Any],
    reply: str,
    meta: dict[str, Any],
) -> ChatEdit:
    replaced = replaced_rules(old, new)
    if replaced and not EXPLICIT_REPLACE.search(message):
        return ChatEdit(
            reply=reply,
            path="spec",
            changed=False,
            rule_replaced=True,
            replaced=replaced,
            refused=(
                "The edit would replace or remove a rule ("
                + "; ".join(replaced)
                + "), but the message only asks to add to it. Say explicitly to replace or "
                "remove the rule if that is what you want; nothing was changed."
            ),
            **meta,
        )
    spec = validate_spec(new)
    code = compile_spec(spec)
    report = validate_code(code)
    return ChatEdit(
        reply=reply,
        path="spec",
        changed=True,
        code=code,
        spec=new,
        understood_as=render_understood_as(spec),
        rule_replaced=bool(replaced),
        replaced=replaced,
        findings=[f.to_dict() for f in report.findings],
        **meta,
    )


def replaced_rules(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Rules of ``old`` that ``new`` does not keep whole (an additive edit keeps every one).

    A rule is kept when it is unchanged, or when the new rule is an "all" group that contains
    the old rule, or every condition of an old "all" group. Anything else (a changed, removed,
    or "any"-widened rule) is listed as ``"<rule>: <old rule as JSON>"``.
    """
    old_rules = old.get("rules") or {}
    new_rules = new.get("rules") or {}
    out = []
    for key in RULE_KEYS:
        before, after = old_rules.get(key), new_rules.get(key)
        if before is None or _keeps(before, after):
            continue
        out.append(f"{key}: {json.dumps(before, sort_keys=True)}")
    return out


def _keeps(before: Any, after: Any) -> bool:
    if after is None:
        return False
    if _canon(before) == _canon(after):
        return True
    if not (
        isinstance(after, dict) and after.get("logic", "all") == "all" and "conditions" in after
    ):
        return False
    kept = {_canon(c) for c in after["conditions"]}
    if _canon(before) in kept:
        return True
    if isinstance(before, dict) and before.get("logic", "all") == "all" and "conditions" in before:
        return all(_canon(c) in kept for c in before["conditions"])
    return False


def _canon(node: Any) -> str:
    return json.dumps(node, sort_keys=True)


def _code_edit(
    provider: LLMProvider,
    message: str,
    code: str,
    execution: Mapping[str, Any] | None,
    history: Sequence[ChatTurn],
) -> ChatEdit:
    request = build_chat_request(message=message, code=code, execution=execution, history=history)
    response = provider.complete(request)
    meta: dict[str, Any] = {
        "provider": response.provider,
        "model": response.model,
        "key_alias": response.key_alias,
    }
    text = (response.text or "").strip()
    new_code = extract_code(text) if "```" in text else ""
    if not new_code.strip() or new_code.strip() == code.strip():
        return ChatEdit(reply=text, path="none", changed=False, **meta)
    report = validate_code(new_code)
    findings = [f.to_dict() for f in report.findings]
    if not report.ok:
        return ChatEdit(
            reply=text,
            path="code",
            changed=False,
            findings=findings,
            refused="the code in this answer failed validation, so it was not saved",
            **meta,
        )
    verdict = classify_edit(code, new_code)
    removed = [c for c in verdict.changes if c.startswith("rule") or "removed" in c]
    return ChatEdit(
        reply=text,
        path="code",
        changed=True,
        code=new_code,
        rule_replaced=any(("became" in c or "removed" in c) for c in removed),
        replaced=removed,
        changes=list(verdict.changes),
        findings=findings,
        warnings=[
            "the strategy has no spec, so the LLM edited the code freely: there is no "
            "plain-English reading of the new version (understood_as is null)"
        ],
        **meta,
    )
