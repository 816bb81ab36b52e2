"""Input and output shapes of the backtest endpoints."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from algoagent.serializers import StrictQuerySerializer, StrictSerializer
from Backtest.pipeline.metrics import metrics_from_stats
from backtest_api.models import BacktestConfig, BacktestRun, PlotStatus
from backtest_api.request import BacktestSettingsSerializer
from backtest_api.services.compare import DEFAULT_RANK_BY, MAX_COMPARE, RANKABLE


class BlankAsNullCharField(serializers.CharField):
    """A blank column is null in the API (``interval``: the data's own bar size)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class BacktestConfigInputSerializer(BacktestSettingsSerializer):
    """Create (name and symbol required) or change (PATCH: any subset) a configuration."""

    name = serializers.CharField(max_length=200)
    symbol = serializers.CharField(max_length=64, help_text="A bundled, cached or uploaded symbol.")
    benchmark = None  # type: ignore[assignment]  # a config stores broker settings only

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

    sources: tuple[str, ...] = ("strategy", "code", "spec")

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

    sources: tuple[str, ...] = ("code", "spec")  # type: ignore[assignment]

    # Not accepted here: removing the fields makes them unknown (refused, named).
    strategy = None  # type: ignore[assignment]
    version = None  # type: ignore[assignment]
    config = None  # type: ignore[assignment]
    symbol = serializers.CharField(max_length=64, help_text="A bundled, cached or uploaded symbol.")


# --- run output -------------------------------------------------------------------------------
# Plain strings in the schema: JobStatus has the same values, and an enum shared by several
# components under one field name needs an ENUM_NAME_OVERRIDES entry (a settings change).
STATUS_HELP = "queued, running, succeeded, failed or cancelled (follows the job)."
SOURCE_HELP = "strategy (a version), code (inline) or spec (inline, compiled)."


class BacktestRunListSerializer(serializers.ModelSerializer):
    """A run without its bulky results (stats, trades, equity curve, code)."""

    status = serializers.CharField(help_text=STATUS_HELP)
    source = serializers.CharField(help_text=SOURCE_HELP)  # type: ignore[assignment]  # a field, not the base attribute
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

    plot_url = serializers.SerializerMethodField(
        help_text="The plot's page; while plot_status is pending it answers 404 plot_not_ready."
    )
    plot_status = serializers.ChoiceField(
        choices=PlotStatus.values,
        help_text="The plot is drawn after the answer: pending until it is ready (or failed).",
    )
    trades_url = serializers.SerializerMethodField()
    stats = serializers.DictField(help_text="Every backtesting.py statistic of the run.")
    metrics = serializers.SerializerMethodField(
        help_text="The statistics under names whose suffix is the unit (*_pct percent, *_s "
        "seconds, money in the account currency); see the Metrics schema."
    )
    warnings = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text='[{"code", "message"}]: no_trades, insufficient_cash, data_gaps, ...',
    )
    benchmark = serializers.JSONField(
        allow_null=True, help_text="Buy & hold of the same bars: {symbol, return_pct, equity}."
    )
    code = BlankAsNullCharField(help_text="The code run, for inline code and specs.")
    spec = serializers.JSONField(allow_null=True, help_text="The normalised spec, if any.")
    results_file = BlankAsNullCharField()

    class Meta(BacktestRunListSerializer.Meta):
        fields = [
            *BacktestRunListSerializer.Meta.fields,
            "code",
            "spec",
            "bars",
            "metrics",
            "stats",
            "warnings",
            "benchmark",
            "plot_url",
            "plot_status",
            "trades_url",
            "results_file",
            "sandbox_layers",
        ]
        read_only_fields = fields

    def get_metrics(self, run: BacktestRun) -> dict[str, Any]:
        return metrics_from_stats(run.stats or {})

    def get_plot_url(self, run: BacktestRun) -> str | None:
        drawn = run.plot_status == PlotStatus.PENDING or run.plot_file
        return reverse("backtest-plot", args=[run.pk]) if drawn else None

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
    return_pct = serializers.FloatField(
        allow_null=True,
        default=None,
        help_text="The trade's return as a FRACTION (-0.05 = a 5 % loss; backtesting.py's "
        "ReturnPct), not percent, unlike the run's metrics.",
    )
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
            "Give ids separated by commas, e.g. `ids=3,5,8`."
        ) from None


RANK_HELP = (
    "The metric that orders `ranking` (default return_pct): "
    + ", ".join(RANKABLE)
    + ". Final equity depends on each run's cash and is never ranked."
)


class CompareQuerySerializer(StrictQuerySerializer):
    ids = serializers.CharField(
        required=False, default="", help_text="Backtest run ids, comma-separated: 3,5,8."
    )
    execution_ids = serializers.CharField(
        required=False, default="", help_text="Strategy execution ids, comma-separated."
    )
    rank_by = serializers.ChoiceField(
        choices=RANKABLE, default=DEFAULT_RANK_BY, help_text=RANK_HELP
    )

    def validate_ids(self, value: str) -> list[int]:
        return _parse_ids(value)

    def validate_execution_ids(self, value: str) -> list[int]:
        return _parse_ids(value)


class CompareInputSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=MAX_COMPARE,
        help_text="Other backtest runs to compare this one with.",
    )
    execution_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=MAX_COMPARE,
        help_text="Strategy executions to compare this run with.",
    )
    rank_by = serializers.ChoiceField(
        choices=RANKABLE, default=DEFAULT_RANK_BY, help_text=RANK_HELP
    )


class ComparePeriodSerializer(serializers.Serializer):
    start = serializers.CharField(allow_null=True)
    end = serializers.CharField(allow_null=True)


class CompareRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["backtest", "execution"])
    id = serializers.IntegerField()
    key = serializers.CharField(help_text="kind:id, unique across both kinds.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not DRF's Field.label
    source = serializers.CharField(help_text=SOURCE_HELP)  # type: ignore[assignment]
    strategy = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    symbol = serializers.CharField()
    interval = serializers.CharField(allow_null=True)
    cash = serializers.FloatField(allow_null=True, help_text="Starting cash, account currency.")
    period = ComparePeriodSerializer(help_text="The bars the run covered.")
    status = serializers.CharField()
    success = serializers.BooleanField(allow_null=True)
    metrics = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="return_pct, cagr_pct, buy_hold_return_pct, sharpe_ratio, sortino_ratio, "
        "calmar_ratio, max_drawdown_pct, num_trades, win_rate_pct, profit_factor, exposure_pct, "
        "equity_final (*_pct in percent; equity in the account currency).",
    )
    url = serializers.CharField(help_text="The run's detail (equity curve, trades).")


class CompareBestSerializer(serializers.Serializer):
    metric = serializers.CharField()
    better = serializers.ChoiceField(
        choices=["higher", "closer_to_zero"],
        allow_null=True,
        help_text="null: no best (market, activity or cash-dependent, not quality).",
    )
    run_keys = serializers.ListField(
        child=serializers.CharField(), help_text="The best run(s) (kind:id); ties share it."
    )


class CompareResultSerializer(serializers.Serializer):
    rank_by = serializers.CharField()
    ranking = serializers.ListField(
        child=serializers.CharField(), help_text="Run keys, best first by `rank_by`."
    )
    runs = CompareRowSerializer(many=True)
    best = CompareBestSerializer(many=True)


class ExportQuerySerializer(StrictQuerySerializer):
    format = serializers.ChoiceField(
        choices=["csv", "json"],
        default="json",
        help_text="csv: the trades; json: the whole run. Not a renderer switch here.",
    )
