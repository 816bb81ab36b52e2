"""Chat about a strategy: store the conversation and answer it, offline or with the LLM.

Offline (no Gemini key, or provider "offline") the answer comes from the deterministic spec
editor (:func:`Backtest.llm.offline.edits.apply_edit`): it can change strategies that have a
spec, and says clearly when a request needs an LLM. With Gemini the model sees the code, spec,
latest backtest and recent conversation; code in its reply is saved as a new version only when
it passes ``validate_code``. A new version is source "chat" and, like every unverified code
change, leaves the strategy in status "draft" until it is validated or run.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from apikeys.services import llm_provider_get
from Backtest.fixer.results import unified_diff
from Backtest.llm import LLMError, LLMProvider
from Backtest.llm.chat_edit import chat_edit
from Backtest.llm.chat_prompts import ChatTurn
from Backtest.llm.offline.edits import EXAMPLE_EDITS, EditNotUnderstood, apply_edit
from Backtest.pipeline import BacktestRequest
from Backtest.spec import compile_spec, validate_spec
from chat_api.models import ChatMessage, ChatRole
from chat_api.selectors import chat_history
from jobs.events import EventSink, no_events
from jobs.models import Job
from jobs.services import job_submit
from strategy_api.models import Strategy, StrategyExecution, VersionSource
from strategy_api.services.strategies import strategy_version_create

HISTORY_MESSAGES = 10
_EXAMPLES_SHOWN = 8


def chat_message_submit(
    *, strategy: Strategy, user: User, content: str, provider: str | None = None
) -> Job:
    """Store the user's message and start the job that answers it.

    Asking for Gemini on a server without keys is a 422 here, before anything is stored.
    """
    llm_provider_get(requested=provider)
    message = ChatMessage.objects.create(
        strategy=strategy, author=user, role=ChatRole.USER, content=content
    )
    return job_submit(
        owner=user,
        kind="chat",
        input={"strategy_id": strategy.pk, "message_id": message.pk, "provider": provider},
        strategy=strategy,
    )


def chat_reply(
    *,
    strategy: Strategy,
    message: ChatMessage,
    provider: LLMProvider | None,
    on_event: EventSink = no_events,
) -> ChatMessage:
    """Answer ``message`` with an assistant message (offline when ``provider`` is None).

    Raises ``JobFailure`` (503 when every key is rate limited, else 502) when the LLM fails;
    the failure is recorded in the conversation first.
    """
    if provider is None:
        return _offline_reply(strategy=strategy, message=message, on_event=on_event)
    return _llm_reply(strategy=strategy, message=message, provider=provider, on_event=on_event)


def _assistant(strategy: Strategy, content: str, **fields: Any) -> ChatMessage:
    fields.setdefault("data", {})
    return ChatMessage.objects.create(
        strategy=strategy, role=ChatRole.ASSISTANT, content=content, **fields
    )


def _save_version(
    *,
    strategy: Strategy,
    message: ChatMessage,
    code: str,
    spec: dict[str, Any] | None,
    summary: str,
    content: str,
    understood_as: str | None = None,
    **fields: Any,
) -> ChatMessage:
    """The new version (source "chat", status draft) and the assistant message pointing at it."""
    strategy.refresh_from_db()
    before = strategy.code
    with transaction.atomic():
        version = strategy_version_create(
            strategy=strategy,
            code=code,
            source=VersionSource.CHAT,
            user=message.author,
            message=f"Chat: {summary}",
            spec=spec,
            understood_as=understood_as,
        )
        content = f"{content}\n\nSaved as version {version.number}."
        if version.understood_as:
            content += f"\nIt now reads: {version.understood_as}"
        warnings = list(fields.get("data", {}).get("warnings") or [])
        lookahead = _lookahead_warning(strategy, version)
        if lookahead is not None:
            warnings.append(lookahead)
            content += f"\n\nWarning: {lookahead['message']}"
        fields["data"] = {
            **fields.get("data", {}),
            "understood_as": version.understood_as,
            "warnings": warnings,
        }
        return _assistant(
            strategy,
            content,
            version=version,
            diff=unified_diff(before, code),
            changed=True,
            **fields,
        )


def _lookahead_warning(strategy: Strategy, version: Any) -> dict[str, str] | None:
    """The automatic look-ahead check of a chat version, on the bars of the strategy's latest
    run (GOOG when it never ran)."""
    from research_api.services.lookahead import strategy_lookahead_warning

    latest = strategy.executions.order_by("-timestamp").only("test_symbol").first()
    request = BacktestRequest.build(symbol=latest.test_symbol if latest else "GOOG")
    return strategy_lookahead_warning(strategy=strategy, version=version, request=request)


# ---- offline ------------------------------------------------------------------------------------
def _needs_llm(reason: str, examples: list[str]) -> str:
    shown = "\n".join(f"- {example}" for example in examples[:_EXAMPLES_SHOWN])
    return (
        f"{reason}\n\nThis needs an LLM (configure GEMINI_API_KEYS) or rephrase as one of:\n{shown}"
    )


def _offline_reply(*, strategy: Strategy, message: ChatMessage, on_event: EventSink):
    if strategy.spec is None:
        # A strategy created with a name only has no code at all: "free-form code" was untrue.
        reason = (
            "This strategy has no code yet, so the offline editor has nothing to change: "
            "generate it from a description or add code first."
            if not strategy.current_version
            else "This strategy is free-form code without a spec, so the offline editor cannot "
            "change it."
        )
        error = {"code": "needs_llm", "message": reason, "details": {}}
        content = _needs_llm(reason, list(EXAMPLE_EDITS)) + (
            "\n(Those phrasings work on strategies generated offline or from a template.)"
        )
        return _assistant(
            strategy, content, provider="offline", data={"understood": [], "error": error}
        )
    on_event("editing", "Reading the request with the offline editor", progress=30)
    try:
        result = apply_edit(strategy.spec, message.content)
    except EditNotUnderstood as exc:
        error = {"code": exc.code, "message": exc.message, "details": exc.details}
        content = exc.message
        if exc.candidates:
            content += "\nIt could refer to:\n" + "\n".join(f"- {c}" for c in exc.candidates)
        content = _needs_llm(content, exc.examples)
        return _assistant(
            strategy, content, provider="offline", data={"understood": [], "error": error}
        )
    data = {
        "understood": result.understood,
        "rule_replaced": result.replaced,
        "replaced": result.replaced_rules,
    }
    if result.spec is None:
        return _assistant(strategy, result.summary, provider="offline", data=data)
    on_event("compiling", "Compiling the edited spec", progress=60)
    code = compile_spec(validate_spec(result.spec))
    return _save_version(
        strategy=strategy,
        message=message,
        code=code,
        spec=result.spec,
        summary=result.summary,
        content=result.summary
        + (
            f"\n\nThis changes the {', '.join(result.replaced_rules)} rule(s) instead of adding "
            "to them, as asked."
            if result.replaced
            else ""
        ),
        provider="offline",
        data=data,
    )


# ---- LLM ----------------------------------------------------------------------------------------
def _execution_context(execution: StrategyExecution | None) -> dict[str, Any] | None:
    if execution is None:
        return None
    return {
        "timestamp": execution.timestamp.isoformat(),
        "test_symbol": execution.test_symbol,
        "version": execution.version.number if execution.version is not None else None,
        "status": execution.status,
        "return_pct": execution.return_pct,
        "num_trades": execution.num_trades,
        "win_rate": execution.win_rate,
        "sharpe_ratio": execution.sharpe_ratio,
        "max_drawdown": execution.max_drawdown,
        "error_type": execution.error_type,
        "error_message": execution.error_message,
    }


def _llm_reply(
    *, strategy: Strategy, message: ChatMessage, provider: LLMProvider, on_event: EventSink
) -> ChatMessage:
    """Ask the model through ``Backtest.llm.chat_edit``: an edited spec when the strategy has
    one (validated, compiled, read back as ``understood_as``), otherwise a code edit whose
    changes of meaning are listed. Replacing a rule needs explicit words; a version is saved
    only when something changed."""
    execution = (
        strategy.executions.select_related("version")
        .defer("stats", "trades", "equity_curve", "stdout", "stderr", "traceback")
        .order_by("-timestamp")
        .first()
    )
    history = chat_history(strategy=strategy, before=message, limit=HISTORY_MESSAGES)
    on_event("asking_llm", f"Asking {provider.name}", progress=20)
    try:
        edit = chat_edit(
            provider,
            message=message.content,
            code=strategy.code,
            spec=strategy.spec,
            execution=_execution_context(execution),
            history=[ChatTurn(m.role, m.content) for m in history],
        )
    except LLMError as exc:
        _assistant(
            strategy,
            f"The model could not answer: {exc.message}",
            provider=provider.name,
            data={"error": exc.to_dict(), "llm_failed": True},
        )
        raise
    on_event("answered", "The model answered", progress=70)
    fields = {"provider": edit.provider or provider.name, "key_alias": edit.key_alias or ""}
    data = {
        "path": edit.path,
        "findings": edit.findings,
        "warnings": [{"code": "llm_note", "message": str(w)} for w in edit.warnings],
        "changes": edit.changes,
        "rule_replaced": edit.rule_replaced,
        "replaced": edit.replaced,
        "understood_as": edit.understood_as,
    }
    content = edit.reply
    if edit.refused:
        content = f"{content}\n\n{edit.refused}" if content else edit.refused
    if edit.rule_replaced and edit.replaced:
        content += f"\n\nThis replaces the {', '.join(edit.replaced)} rule(s), as asked."
    if not edit.changed or edit.code is None:
        return _assistant(strategy, content, data=data, **fields)
    return _save_version(
        strategy=strategy,
        message=message,
        code=edit.code,
        spec=edit.spec,
        understood_as=edit.understood_as,
        summary=_first_sentence(edit.reply),
        content=content,
        data=data,
        **fields,
    )


def _first_sentence(text: str) -> str:
    """The reply's opening sentence (before any code), for the version's message."""
    prose = text.split("```", 1)[0].strip() or "Code change from the chat"
    return prose.split("\n", 1)[0].split(". ", 1)[0][:200]
