"""Input and output shapes of the pre-flight check endpoints."""

from __future__ import annotations

from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from backtest_api.request import BacktestSettingsSerializer
from strategy_api.serializers import ValidationFindingSerializer

MAX_SANDBOX_BARS = 2000


class PreflightSpecResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    spec = serializers.DictField(help_text="The normalised spec (aliases resolved, no nulls).")
    schema_version = serializers.CharField()


class PreflightCodeInputSerializer(StrictSerializer):
    code = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="backtesting.py strategy source."
    )


class PreflightCodeResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    strategy_class = serializers.CharField(allow_null=True)
    errors = serializers.IntegerField(help_text="Number of error findings.")  # type: ignore[assignment]  # a field, not the base attribute
    warnings = serializers.IntegerField(help_text="Number of warning findings.")
    findings = ValidationFindingSerializer(many=True)


class PreflightSandboxInputSerializer(BacktestSettingsSerializer):
    """Either ``code`` or ``spec``; the run uses the last ``bars`` bars of the settings' range
    and closes trades still open at the end (``finalize_trades``), so short windows count."""

    code = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    spec = serializers.JSONField(required=False, help_text="A canonical spec (compiled first).")
    bars = serializers.IntegerField(
        required=False, default=250, min_value=20, max_value=MAX_SANDBOX_BARS
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if ("code" in attrs) == ("spec" in attrs):
            raise serializers.ValidationError("Send either `code` or `spec`, not both or neither.")
        return attrs


class PreflightBacktestConfigSerializer(BacktestSettingsSerializer):
    """The settings of ``POST /api/strategies/{id}/execute/`` (same fields, same defaults)."""


class PreflightSymbolInfoSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field, not the base attribute
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    bars = serializers.IntegerField(help_text="Bars in the whole dataset, at its own interval.")
    interval = serializers.CharField(allow_null=True)


class PreflightBacktestResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    symbol_info = PreflightSymbolInfoSerializer(allow_null=True)
    bars = serializers.IntegerField(help_text="Bars the backtest would run on.")
    config = PreflightBacktestConfigSerializer(help_text="The configuration with defaults.")
