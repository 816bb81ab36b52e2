"""Reads of the conversation; the strategy passed in is already scoped to its owner."""

from __future__ import annotations

from django.db.models import QuerySet

from chat_api.models import ChatMessage
from strategy_api.models import Strategy


def chat_message_list(*, strategy: Strategy) -> QuerySet[ChatMessage]:
    """The strategy's conversation, oldest first."""
    return strategy.chat_messages.select_related("version").order_by("created_at", "id")


def chat_history(*, strategy: Strategy, before: ChatMessage, limit: int) -> list[ChatMessage]:
    """Up to ``limit`` messages before ``before``, oldest first, without failed LLM calls."""
    recent = strategy.chat_messages.filter(pk__lt=before.pk).order_by("-id")[: limit * 2]
    kept = [m for m in recent if not m.data.get("llm_failed")][:limit]
    return kept[::-1]
