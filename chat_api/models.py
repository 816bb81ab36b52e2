"""The conversation of a strategy: the user's messages and the assistant's answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from strategy_api.models import Strategy, StrategyVersion


class ChatRole(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"


class ChatMessage(models.Model):
    """One message; an assistant message that changed the code points at the version it made."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="chat_messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who wrote it (empty for assistant messages).",
    )
    role = models.CharField(max_length=16, choices=ChatRole.choices)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.ForeignKey(
        StrategyVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The version this assistant message produced, if it changed the code.",
    )
    diff = models.TextField(blank=True, help_text="Unified diff of the code change.")
    changed = models.BooleanField(default=False)
    provider = models.CharField(max_length=32, blank=True, help_text="offline or gemini")
    key_alias = models.CharField(max_length=64, blank=True)
    data = models.JSONField(
        default=dict, blank=True, help_text="understood (offline edits), findings, error"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["strategy", "created_at"])]

    def __str__(self) -> str:
        return f"{self.strategy_id} {self.role} #{self.pk}"
