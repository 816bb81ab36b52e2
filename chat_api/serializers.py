"""Shapes of the chat endpoint."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from apikeys.services import PROVIDERS
from chat_api.models import ChatMessage


class ChatInputSerializer(StrictSerializer):
    """``POST /api/strategies/{id}/chat/``."""

    message = serializers.CharField(max_length=5_000, trim_whitespace=True)
    provider = serializers.ChoiceField(
        choices=list(PROVIDERS),
        required=False,
        help_text="auto (default): Gemini when keys are configured, else the offline editor.",
    )


class ChatFindingSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.CharField()


class ChatErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ChatMessageSerializer(serializers.ModelSerializer):
    """A message of the conversation; assistant messages say what they changed."""

    role = serializers.CharField(read_only=True, help_text="user or assistant")
    version = serializers.IntegerField(
        source="version.number",
        allow_null=True,
        default=None,
        read_only=True,
        help_text="The version this message created (null: the code did not change).",
    )
    understood = serializers.SerializerMethodField(
        help_text="What the offline editor read, one line per change."
    )
    findings = serializers.SerializerMethodField(
        help_text="Validation findings of code the LLM proposed (with errors it was not saved)."
    )
    error = serializers.SerializerMethodField(
        help_text="Why the request could not be carried out (not understood, LLM failure)."
    )
    understood_as = serializers.SerializerMethodField(
        help_text="The edited strategy in plain words (null: no spec or nothing changed)."
    )
    rule_replaced = serializers.SerializerMethodField(
        help_text="The edit replaced a rule instead of adding to it (only on explicit words)."
    )
    replaced = serializers.SerializerMethodField(help_text="The rules replaced, if any.")
    changes = serializers.SerializerMethodField(
        help_text="Changes of meaning of an LLM code edit, one line each."
    )
    warnings = serializers.SerializerMethodField(
        help_text='[{"code", "message"}] about the new version, e.g. look-ahead bias.'
    )

    class Meta:
        model = ChatMessage
        fields = [
            "id",
            "role",
            "content",
            "created_at",
            "changed",
            "version",
            "diff",
            "provider",
            "key_alias",
            "understood",
            "understood_as",
            "rule_replaced",
            "replaced",
            "changes",
            "warnings",
            "findings",
            "error",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_understood(self, obj: ChatMessage) -> list[str]:
        return list(obj.data.get("understood") or [])

    @extend_schema_field(ChatFindingSerializer(many=True))
    def get_findings(self, obj: ChatMessage) -> list[dict[str, Any]]:
        return list(obj.data.get("findings") or [])

    @extend_schema_field(ChatErrorSerializer(allow_null=True))
    def get_error(self, obj: ChatMessage) -> dict[str, Any] | None:
        return obj.data.get("error")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_understood_as(self, obj: ChatMessage) -> str | None:
        return obj.data.get("understood_as") or None

    @extend_schema_field(serializers.BooleanField())
    def get_rule_replaced(self, obj: ChatMessage) -> bool:
        return bool(obj.data.get("rule_replaced"))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_replaced(self, obj: ChatMessage) -> list[str]:
        return list(obj.data.get("replaced") or [])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_changes(self, obj: ChatMessage) -> list[str]:
        return list(obj.data.get("changes") or [])

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    )
    def get_warnings(self, obj: ChatMessage) -> list[dict[str, str]]:
        return list(obj.data.get("warnings") or [])
