"""Input and output shapes of the backtest endpoints."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from backtest_api.models import BacktestConfig, BacktestRun
from backtest_api.services.compare import MAX_COMPARE
from production_api.serializers import PreflightBacktestConfigSerializer


class BlankAsNullCharField(serializers.CharField):
    """A blank column is null in the API (``interval``: the data's own bar size)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


# --- settings ---------------------------------------------------------------------------------
class BacktestSettingsSerializer(PreflightBacktestConfigSerializer):
    """Backtest settings without defaults: only the fields sent are set (or override a config).

    The range checks (cash > 0, 0 <= commission < 0.2, 0 <= spread < 0.2, 0 < margin <= 1,
    start <= end, a known interval) are those of ``/api/production/backtests/validate-config/``.
    """

    symbol = serializers.CharField(
        required=False, max_length=64, help_text="A bundled, cached or uploaded symbol."
    )
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    interval = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=8,
        help_text="Bar size, e.g. 1d, 1wk, 1h; null: the data's own.",
    )
    cash = serializers.FloatField(required=False)
    commission = serializers.FloatField(required=False, help_text="Fraction of trade value.")
    spread = serializers.FloatField(required=False, help_text="Fraction of the price.")
    margin = serializers.FloatField(required=False, help_text="1 = no leverage, 0.02 = 50:1.")
    trade_on_close = serializers.BooleanField(required=False)
    hedging = serializers.BooleanField(required=False)
    exclusive_orders = serializers.BooleanField(required=False)
    finalize_trades = serializers.BooleanField(
        required=False, help_text="Close trades still open at the end, so they count."
    )

    def validate_interval(self, value: str | None) -> str | None:
        return super().validate_interval(value) if value else None


class BacktestConfigInputSerializer(BacktestSettingsSerializer):
    """Create (name and symbol required) or change (PATCH: any subset) a configuration."""

    name = serializers.CharField(max_length=200)
    symbol = serializers.CharField(max_length=64, help_text="A bundled, cached or uploaded symbol.")

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()


class BacktestConfigSerializer(serializers.ModelSerializer):
    interval = BlankAsNullCharField(help_text="null: the data's own bar size.")

    class Meta:
        model = BacktestConfig
        fields = [
            "id",
            "name",
            "symbol",
            "interval",
            "start",
            "end",
            "cash",
            "commission",
            "spread",
            "margin",
            "trade_on_close",
            "hedging",
            "exclusive_orders",
            "finalize_trades",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- run input --------------------------------------------------------------------------------
class BacktestRunInputSerializer(BacktestSettingsSerializer):
    """``POST /api/backtests/run/``: one code source, and settings (a config and/or inline)."""

    sources = ("strategy", "code", "spec")

    strategy = serializers.IntegerField(
        required=False, min_value=1, help_text="Run this strategy (its current code by default)."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="With `strategy`: run this version number."
    )
    code = serializers.CharField(
        required=False, trim_whitespace=False, help_text="Inline backtesting.py strategy code."
    )
    spec = serializers.JSONField(
        required=False, help_text="A canonical strategy spec, compiled before the run."
    )
    config = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="A saved configuration; settings sent inline override its fields.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        given = [name for name in self.sources if name in attrs]
        if len(given) != 1:
            names = ", ".join(f"`{name}`" for name in self.sources)
            got = f" (got {', '.join(given)})" if given else ""
            raise serializers.ValidationError(f"Send exactly one of {names}{got}.")
        if "version" in attrs and "strategy" not in attrs:
            raise serializers.ValidationError({"version": ["`version` goes with `strategy`."]})
        return attrs


class QuickRunInputSerializer(BacktestRunInputSerializer):
    """``POST /api/backtests/quick_run/``: code or a spec, a symbol, optional dates/settings."""

    sources = ("code", "spec")

    strategy = None
    version = None
    config = None
    symbol = serializers.CharField(max_length=64, help_text="A bundled, cached or uploaded symbol.")


# --- run output -------------------------------------------------------------------------------
# Plain strings in the schema: JobStatus has the same values, and an enum shared by several
# components under one field name needs an ENUM_NAME_OVERRIDES entry (a settings change).
STATUS_HELP = "queued, running, succeeded, failed or cancelled (follows the job)."
SOURCE_HELP = "strategy (a version), code (inline) or spec (inline, compiled)."


class BacktestRunListSerializer(serializers.ModelSerializer):
    """A run without its bulky results (stats, trades, equity curve, code)."""

    status = serializers.CharField(help_text=STATUS_HELP)
    source = serializers.CharField(help_text=SOURCE_HELP)
    version = serializers.IntegerField(
        source="version.number", allow_null=True, default=None, help_text="Version number."
    )
    interval = BlankAsNullCharField(help_text="null: the data's own bar size.")
    settings = serializers.DictField(help_text="cash, commission, spread, margin, ...")
    error_type = BlankAsNullCharField()
    error_message = BlankAsNullCharField()
    url = serializers.SerializerMethodField()
    job_url = serializers.SerializerMethodField()

    class Meta:
        model = BacktestRun
        fields = [
            "id",
            "url",
            "status",
            "progress",
            "success",
            "no_trades",
            "source",
            "label",
            "strategy",
            "version",
            "config",
            "symbol",
            "interval",
            "start",
            "end",
            "settings",
            "return_pct",
            "num_trades",
            "win_rate",
            "sharpe_ratio",
            "max_drawdown",
            "trades_total",
            "execution_time",
            "error_type",
            "error_message",
            "error_line",
            "job_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, run: BacktestRun) -> str:
        return reverse("backtest-detail", args=[run.pk])

    def get_job_url(self, run: BacktestRun) -> str | None:
        return reverse("job-detail", args=[run.job_id]) if run.job_id else None


class BacktestRunResultSerializer(BacktestRunListSerializer):
    """A finished run as a job answers it: the detail without the equity curve (see ``url``)."""

    plot_url = serializers.SerializerMethodField()
    trades_url = serializers.SerializerMethodField()
    stats = serializers.DictField(help_text="Every backtesting.py statistic of the run.")
    code = BlankAsNullCharField(help_text="The code run, for inline code and specs.")
    spec = serializers.JSONField(allow_null=True, help_text="The normalised spec, if any.")
    results_file = BlankAsNullCharField()

    class Meta(BacktestRunListSerializer.Meta):
        fields = [
            *BacktestRunListSerializer.Meta.fields,
            "code",
            "spec",
            "stats",
            "plot_url",
            "trades_url",
            "results_file",
            "sandbox_layers",
        ]
        read_only_fields = fields

    def get_plot_url(self, run: BacktestRun) -> str | None:
        return reverse("backtest-plot", args=[run.pk]) if run.plot_file else None

    def get_trades_url(self, run: BacktestRun) -> str:
        return reverse("backtest-trades", args=[run.pk])


class BacktestRunDetailSerializer(BacktestRunResultSerializer):
    """A run with its results, statistics and equity curve (trades: ``trades_url``)."""

    equity_curve = serializers.ListField(
        child=serializers.DictField(), help_text="{time, equity, drawdown_pct} points."
    )

    class Meta(BacktestRunResultSerializer.Meta):
        fields = [*BacktestRunResultSerializer.Meta.fields, "equity_curve"]
        read_only_fields = fields


class BacktestRunExportSerializer(BacktestRunDetailSerializer):
    """The whole run for ``export/?format=json``: settings, stats, trades and equity curve."""

    trades = serializers.ListField(child=serializers.DictField())

    class Meta(BacktestRunDetailSerializer.Meta):
        fields = [*BacktestRunDetailSerializer.Meta.fields, "trades"]
        read_only_fields = fields


class BacktestRunCancelSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=STATUS_HELP)
    cancel_requested = serializers.BooleanField(
        source="job.cancel_requested",
        default=False,
        help_text="True while a running run waits for its next checkpoint to stop.",
    )

    class Meta:
        model = BacktestRun
        fields = ["id", "status", "cancel_requested"]
        read_only_fields = fields


class TradeSerializer(serializers.Serializer):
    """One closed trade (times are ISO strings; ``duration_s`` in seconds); the CSV columns."""

    entry_time = serializers.CharField(allow_null=True, default=None)
    exit_time = serializers.CharField(allow_null=True, default=None)
    entry_bar = serializers.IntegerField(allow_null=True, default=None)
    exit_bar = serializers.IntegerField(allow_null=True, default=None)
    entry_price = serializers.FloatField(allow_null=True, default=None)
    exit_price = serializers.FloatField(allow_null=True, default=None)
    size = serializers.FloatField(allow_null=True, default=None)
    pnl = serializers.FloatField(allow_null=True, default=None)
    return_pct = serializers.FloatField(allow_null=True, default=None)
    commission = serializers.FloatField(allow_null=True, default=None)
    duration_s = serializers.FloatField(allow_null=True, default=None)
    sl = serializers.FloatField(allow_null=True, default=None)
    tp = serializers.FloatField(allow_null=True, default=None)
    tag = serializers.CharField(allow_null=True, default=None)


# --- compare and export -------------------------------------------------------------------------
def _parse_ids(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise serializers.ValidationError(
            "Give run ids separated by commas, e.g. `ids=3,5,8`."
        ) from None


class CompareQuerySerializer(serializers.Serializer):
    ids = serializers.CharField(help_text=f"2 to {MAX_COMPARE} run ids, comma-separated: 3,5,8.")

    def validate_ids(self, value: str) -> list[int]:
        return _parse_ids(value)


class CompareInputSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=MAX_COMPARE,
        help_text="The other runs to compare this one with.",
    )


class ComparePeriodSerializer(serializers.Serializer):
    start = serializers.CharField(allow_null=True)
    end = serializers.CharField(allow_null=True)


class CompareRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    source = serializers.CharField(help_text=SOURCE_HELP)
    strategy = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    symbol = serializers.CharField()
    interval = serializers.CharField(allow_null=True)
    period = ComparePeriodSerializer(help_text="The bars the run covered.")
    status = serializers.CharField(help_text=STATUS_HELP)
    success = serializers.BooleanField(allow_null=True)
    metrics = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Return [%], Buy & Hold Return [%], Sharpe Ratio, Sortino Ratio, "
        "Max. Drawdown [%], # Trades, Win Rate [%], Profit Factor, Exposure Time [%], "
        "Equity Final [$].",
    )


class CompareBestSerializer(serializers.Serializer):
    metric = serializers.CharField()
    better = serializers.ChoiceField(
        choices=["higher", "closer_to_zero"],
        allow_null=True,
        help_text="null: the metric has no best (market or activity, not quality).",
    )
    run_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The best run(s); ties share it."
    )


class CompareResultSerializer(serializers.Serializer):
    runs = CompareRowSerializer(many=True)
    best = CompareBestSerializer(many=True)


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["csv", "json"],
        default="json",
        help_text="csv: the trades; json: the whole run. Not a renderer switch here.",
    )
