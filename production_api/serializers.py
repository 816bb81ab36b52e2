"""Input and output shapes of the pre-flight check endpoints."""

from __future__ import annotations

from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from Backtest.market_data import DataError
from Backtest.market_data.intervals import parse_interval
from strategy_api.serializers import ValidationFindingSerializer

MAX_SANDBOX_BARS = 2000


def _symbol(value: str) -> str:
    symbol = value.strip().upper()
    if not symbol:
        raise serializers.ValidationError("This field may not be blank.")
    return symbol


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
    errors = serializers.IntegerField(help_text="Number of error findings.")
    warnings = serializers.IntegerField(help_text="Number of warning findings.")
    findings = ValidationFindingSerializer(many=True)


class PreflightSandboxInputSerializer(StrictSerializer):
    """Either ``code`` or ``spec``; the run uses the last ``bars`` bars of ``symbol``."""

    code = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    spec = serializers.JSONField(required=False, help_text="A canonical spec (compiled first).")
    symbol = serializers.CharField(required=False, default="GOOG", max_length=64)
    bars = serializers.IntegerField(required=False, default=250, min_value=20, max_value=2000)
    cash = serializers.FloatField(required=False, default=10_000, min_value=1)

    def validate_symbol(self, value: str) -> str:
        return _symbol(value)

    def validate(self, attrs):
        if ("code" in attrs) == ("spec" in attrs):
            raise serializers.ValidationError("Send either `code` or `spec`, not both or neither.")
        return attrs


class PreflightSandboxResultSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    bars = serializers.IntegerField(help_text="Bars the strategy ran on.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    ran = serializers.BooleanField(help_text="False when static validation refused the code.")
    success = serializers.BooleanField()
    no_trades = serializers.BooleanField()
    num_trades = serializers.IntegerField(allow_null=True)
    return_pct = serializers.FloatField(allow_null=True)
    win_rate = serializers.FloatField(allow_null=True)
    max_drawdown = serializers.FloatField(allow_null=True)
    error_type = serializers.CharField(allow_null=True)
    error_message = serializers.CharField(allow_null=True)
    error_line = serializers.IntegerField(allow_null=True)
    execution_time = serializers.FloatField()
    sandbox_layers = serializers.ListField(child=serializers.CharField())
    findings = ValidationFindingSerializer(many=True)


class PreflightBacktestConfigSerializer(StrictSerializer):
    """The settings of ``POST /api/strategies/{id}/execute/``, plus the bar interval."""

    symbol = serializers.CharField(required=False, default="GOOG", max_length=64)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    interval = serializers.CharField(required=False, default="1d", max_length=8)
    cash = serializers.FloatField(required=False, default=10_000)
    commission = serializers.FloatField(required=False, default=0.0)
    spread = serializers.FloatField(required=False, default=0.0)
    margin = serializers.FloatField(required=False, default=1.0)
    trade_on_close = serializers.BooleanField(required=False, default=False)
    hedging = serializers.BooleanField(required=False, default=False)
    exclusive_orders = serializers.BooleanField(required=False, default=False)
    finalize_trades = serializers.BooleanField(required=False, default=False)

    def validate_symbol(self, value: str) -> str:
        return _symbol(value)

    def validate_interval(self, value: str) -> str:
        try:
            return parse_interval(value).name
        except DataError as exc:
            raise serializers.ValidationError(exc.message) from None

    def validate_cash(self, value: float) -> float:
        if value <= 0:
            raise serializers.ValidationError("Cash must be more than 0.")
        return value

    def validate_commission(self, value: float) -> float:
        if not 0 <= value < 0.2:
            raise serializers.ValidationError(
                "Commission is a fraction of the trade value: at least 0 and below 0.2 (20 %)."
            )
        return value

    def validate_spread(self, value: float) -> float:
        if not 0 <= value < 0.2:
            raise serializers.ValidationError(
                "Spread is a fraction of the price: at least 0 and below 0.2."
            )
        return value

    def validate_margin(self, value: float) -> float:
        if not 0 < value <= 1:
            raise serializers.ValidationError(
                "Margin must be above 0 and at most 1 (1 = no leverage, 0.02 = 50:1)."
            )
        return value

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"end": ["`end` must not be before `start`."]})
        return attrs


class PreflightSymbolInfoSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    source = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    bars = serializers.IntegerField(help_text="Bars in the whole dataset, at its own interval.")
    interval = serializers.CharField(allow_null=True)


class PreflightBacktestResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    symbol_info = PreflightSymbolInfoSerializer(allow_null=True)
    bars = serializers.IntegerField(help_text="Bars the backtest would run on.")
    config = PreflightBacktestConfigSerializer(help_text="The configuration with defaults.")
