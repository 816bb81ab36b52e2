"""Input and output shapes of the strategy endpoints."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from algoagent.serializers import StrictQuerySerializer, StrictSerializer
from Backtest.research.multiasset import MAX_SYMBOLS
from backtest_api.request import BacktestSettingsSerializer
from strategy_api.models import Strategy, StrategyFixAttempt, StrategyVersion

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


class StrategyInputSerializer(StrictSerializer):
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
        fields = [
            *StrategyListSerializer.Meta.fields,
            "code",
            "spec",
            "understood_as",
            "reviewer_notes",
            "reviewed_at",
        ]
        read_only_fields = fields


class StrategyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyVersion
        fields = ["number", "source", "message", "code", "spec", "understood_as", "created_at"]
        read_only_fields = fields


class ExecuteInputSerializer(BacktestSettingsSerializer):
    """``POST /api/strategies/{id}/execute/``: the backtest settings, and which version."""

    test_symbol = serializers.CharField(
        required=False, max_length=64, help_text="Alias of `symbol` (the original field name)."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Run this version instead of the current code."
    )
    symbols = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        min_length=1,
        max_length=MAX_SYMBOLS,
        help_text="Run on each of these symbols instead of one (multi-asset): the answer is "
        "`{results: {SYMBOL: <execution>}, summary}`.",
    )

    def validate_symbols(self, value: list[str]) -> list[str]:
        symbols = [self.validate_symbol(symbol) for symbol in value]
        repeated = sorted({s for s in symbols if symbols.count(s) > 1})
        if repeated:
            raise serializers.ValidationError(f"Listed more than once: {', '.join(repeated)}.")
        return symbols

    def validate(self, attrs):
        attrs = super().validate(attrs)
        alias = attrs.pop("test_symbol", None)
        if alias is not None:
            if "symbol" in attrs and attrs["symbol"] != self.validate_symbol(alias):
                raise serializers.ValidationError(
                    {"test_symbol": ["`test_symbol` and `symbol` name different symbols."]}
                )
            attrs["symbol"] = self.validate_symbol(alias)
        if "symbols" in attrs and "symbol" in attrs:
            raise serializers.ValidationError(
                {"symbols": ["Give `symbols` or one `symbol`/`test_symbol`, not both."]}
            )
        return attrs


class ExecutionSummarySerializer(serializers.Serializer):
    """One row of ``execution_history``."""

    id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    status = serializers.CharField()
    success = serializers.BooleanField()
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)
    test_symbol = serializers.CharField()
    return_pct = serializers.FloatField(allow_null=True)
    num_trades = serializers.IntegerField(allow_null=True)
    win_rate = serializers.FloatField(allow_null=True)
    sharpe_ratio = serializers.FloatField(allow_null=True)
    max_drawdown = serializers.FloatField(allow_null=True)
    execution_time = serializers.FloatField(allow_null=True)
    error_type = serializers.CharField()
    error_message = serializers.CharField()


class ExecutionListItemSerializer(ExecutionSummarySerializer):
    """One row of ``GET /api/executions/``: the summary, whose strategy, and where to look."""

    strategy_id = serializers.IntegerField()
    strategy_name = serializers.CharField(source="strategy.name")
    bars = serializers.IntegerField(allow_null=True)
    warnings = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text='[{"code", "message"}]',
    )
    url = serializers.SerializerMethodField(help_text="The execution with trades and equity.")

    def get_url(self, execution) -> str:
        return reverse("execution-detail", args=[execution.pk])


class ExecutionHistorySerializer(serializers.Serializer):
    strategy_id = serializers.IntegerField()
    strategy_name = serializers.CharField()
    total_executions = serializers.IntegerField()
    executions = ExecutionSummarySerializer(many=True)


class LimitQuerySerializer(StrictQuerySerializer):
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=500)


class ValidationFindingSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    strategy_class = serializers.CharField(allow_null=True)
    errors = serializers.IntegerField()  # type: ignore[assignment]  # a field, not the base attribute
    warnings = serializers.IntegerField()
    findings = ValidationFindingSerializer(many=True)
    status = serializers.CharField()


class IndicatorQuerySerializer(StrictQuerySerializer):
    featured = serializers.BooleanField(required=False, allow_null=True, default=None)
    group = serializers.CharField(required=False, max_length=100)
    search = serializers.CharField(required=False, max_length=100)


class IndicatorParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    default = serializers.JSONField(allow_null=True)
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    description = serializers.CharField()


class IndicatorSerializer(serializers.Serializer):
    name = serializers.CharField()
    display_name = serializers.CharField()
    description = serializers.CharField()
    group = serializers.CharField()
    featured = serializers.BooleanField()
    inputs = serializers.ListField(child=serializers.CharField())
    parameters = IndicatorParameterSerializer(many=True)
    outputs = serializers.ListField(child=serializers.CharField())
    example = serializers.CharField()


class IndicatorListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    groups = serializers.ListField(child=serializers.CharField())
    indicators = IndicatorSerializer(many=True)


class FixAttemptSerializer(serializers.ModelSerializer):
    """One automatic fix attempt (field names follow the original system)."""

    attempt = serializers.IntegerField(source="attempt_number")
    version_before = serializers.IntegerField(source="version_before.number", allow_null=True)
    version_after = serializers.IntegerField(source="version_after.number", allow_null=True)
    execution_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = StrategyFixAttempt
        fields = [
            "id",
            "attempt",
            "timestamp",
            "success",
            "error_type",
            "error_message",
            "fix_applied",
            "diff",
            "version_before",
            "version_after",
            "execution_id",
            "provider",
            "key_alias",
            "duration",
            "semantic_change",
            "changes",
        ]
        read_only_fields = fields


PROVIDER_CHOICES = ["auto", "offline", "gemini"]


class GenerateInputSerializer(BacktestSettingsSerializer):
    """``POST /api/strategies/generate_with_ai/`` (alias ``generate/``); the backtest settings
    apply to the first run (``execute_after_generation``) and to auto-fix's verifying runs."""

    description = serializers.CharField(max_length=5_000, trim_whitespace=True)
    name = serializers.CharField(required=False, max_length=200)
    auto_fix = serializers.BooleanField(default=True)
    execute_after_generation = serializers.BooleanField(default=False)
    max_fix_attempts = serializers.IntegerField(default=3, min_value=1, max_value=10)
    provider = serializers.ChoiceField(choices=PROVIDER_CHOICES, required=False)

    def validate_description(self, value: str) -> str:
        if len(value.split()) < 2:
            raise serializers.ValidationError(
                "Describe the strategy in words, e.g. 'buy when RSI < 30, sell when RSI > 70'."
            )
        return value


class FixErrorsInputSerializer(BacktestSettingsSerializer):
    """``POST /api/strategies/{id}/fix_errors/``; every candidate is verified by a backtest
    with these settings."""

    max_attempts = serializers.IntegerField(default=3, min_value=1, max_value=10)
    provider = serializers.ChoiceField(choices=PROVIDER_CHOICES, required=False)
    require_trades = serializers.BooleanField(
        default=False, help_text="Count a run that places no trades as a failure to fix."
    )
    allow_semantic_changes = serializers.BooleanField(
        default=False,
        help_text="Accept fixes that change what the strategy does (sizing, parameters, rules); "
        "without it such a fix is reported but not applied.",
    )


class CapabilityConstructSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    example = serializers.CharField(help_text="A description using it that the generator reads.")


class CapabilitiesSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(
        choices=["offline", "gemini"], help_text="What generate uses by default on this server."
    )
    offline_model = serializers.CharField()
    constructs = CapabilityConstructSerializer(many=True)
