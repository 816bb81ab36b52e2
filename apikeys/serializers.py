"""Shapes of the key status endpoints (documentation for the schema)."""

from __future__ import annotations

from rest_framework import serializers


class KeyStatusSerializer(serializers.Serializer):
    alias = serializers.CharField()
    last4 = serializers.CharField()
    active = serializers.BooleanField()
    invalid = serializers.BooleanField()
    healthy = serializers.BooleanField()
    in_cooldown = serializers.BooleanField()
    cooldown_until = serializers.DateTimeField(allow_null=True)
    success_count = serializers.IntegerField()
    error_count = serializers.IntegerField()
    last_used = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)
    last_error_at = serializers.DateTimeField(allow_null=True)


class ProviderStatusSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=["offline", "gemini"])
    configured_provider = serializers.ChoiceField(choices=["auto", "offline", "gemini"])
    model = serializers.CharField(allow_null=True)
    rotation_enabled = serializers.BooleanField()
    keys = KeyStatusSerializer(many=True)
