"""Input and output shapes of the strategy endpoints."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from strategy_api.models import Strategy, StrategyVersion

TRACKING_FIELDS = [
    "last_execution_date",
    "total_executions",
    "successful_executions",
    "failed_executions",
    "total_fix_attempts",
    "successful_fixes",
    "latest_return_pct",
    "latest_num_trades",
    "latest_win_rate",
]


def _validate_code_size(value: str) -> str:
    limit = settings.STRATEGY_CODE_MAX_BYTES
    size = len(value.encode("utf-8"))
    if size > limit:
        raise serializers.ValidationError(f"Code is {size} bytes; the limit is {limit} bytes.")
    return value


class StrategyInputSerializer(serializers.Serializer):
    """Create (all fields) or update (any subset with PATCH) a strategy."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="backtesting.py strategy source. A change creates a new version.",
    )

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()

    def validate_code(self, value: str) -> str:
        return _validate_code_size(value)


class StrategyListSerializer(serializers.ModelSerializer):
    """A strategy without its code (lists stay small)."""

    class Meta:
        model = Strategy
        fields = [
            "id",
            "name",
            "description",
            "status",
            "review_status",
            "current_version",
            "file_path",
            "created_at",
            "updated_at",
            *TRACKING_FIELDS,
        ]
        read_only_fields = fields


class StrategySerializer(StrategyListSerializer):
    """A strategy with its current code and review notes."""

    class Meta(StrategyListSerializer.Meta):
        fields = [*StrategyListSerializer.Meta.fields, "code", "reviewer_notes", "reviewed_at"]
        read_only_fields = fields


class StrategyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyVersion
        fields = ["number", "source", "message", "code", "created_at"]
        read_only_fields = fields
