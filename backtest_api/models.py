"""Saved backtest configurations and backtest runs (each run is carried out by a job)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BacktestConfig(models.Model):
    """Named, reusable backtest settings of one user (data selection and broker options)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backtest_configs"
    )
    name = models.CharField(max_length=200)
    symbol = models.CharField(max_length=64)
    interval = models.CharField(
        max_length=8, blank=True, help_text="Bar size (1d, 1wk, 1h ...); blank: the data's own."
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    cash = models.FloatField(default=10_000)
    commission = models.FloatField(default=0.0)
    spread = models.FloatField(default=0.0)
    margin = models.FloatField(default=1.0)
    trade_on_close = models.BooleanField(default=False)
    hedging = models.BooleanField(default=False)
    exclusive_orders = models.BooleanField(default=False)
    finalize_trades = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_backtest_config_name")
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_RUN_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class PlotStatus(models.TextChoices):
    """Where a run's plot is: it is drawn after the answer (a second sandboxed run)."""

    PENDING = "pending", "Being drawn"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be drawn"
    TOO_LARGE = "too_large", "Refused: too large"
    NONE = "none", "No plot (not asked for, or the run failed)"


class RunSource(models.TextChoices):
    STRATEGY = "strategy", "Strategy version"
    CODE = "code", "Inline code"
    SPEC = "spec", "Inline spec"


class BacktestRun(models.Model):
    """One backtest: what ran, on which data and settings, and everything it produced.

    ``status`` follows the job (queued -> running -> succeeded/failed/cancelled); ``success`` says
    whether the strategy code itself ran without error. Code that fails is a succeeded run with
    ``success`` false; unusable data or a crash is a failed run.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backtest_runs"
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="backtest_runs"
    )
    config = models.ForeignKey(
        BacktestConfig, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    source = models.CharField(max_length=16, choices=RunSource.choices)
    label = models.CharField(
        max_length=250, help_text="Strategy name and version at submit time, or 'inline'."
    )
    strategy = models.ForeignKey(
        "strategy_api.Strategy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backtest_runs",
    )
    version = models.ForeignKey(
        "strategy_api.StrategyVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backtest_runs",
    )
    code = models.TextField(blank=True, help_text="The code run (inline code or compiled spec).")
    spec = models.JSONField(null=True, blank=True, help_text="The normalised spec, if any.")

    symbol = models.CharField(max_length=64)
    interval = models.CharField(max_length=8, blank=True, help_text="Blank: the data's own.")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    settings = models.JSONField(default=dict, blank=True, help_text="cash, commission, ...")

    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    success = models.BooleanField(null=True, blank=True, help_text="None until it finished.")
    no_trades = models.BooleanField(default=False)
    error_type = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)

    stats = models.JSONField(default=dict, blank=True, help_text="backtesting.py statistics.")
    return_pct = models.FloatField(null=True, blank=True)
    num_trades = models.IntegerField(null=True, blank=True)
    win_rate = models.FloatField(null=True, blank=True)
    sharpe_ratio = models.FloatField(null=True, blank=True)
    max_drawdown = models.FloatField(null=True, blank=True)
    trades = models.JSONField(default=list, blank=True)
    trades_total = models.PositiveIntegerField(
        default=0, help_text="Trades the run made (more than stored when truncated)."
    )
    equity_curve = models.JSONField(default=list, blank=True)
    plot_file = models.CharField(max_length=500, blank=True)
    plot_status = models.CharField(
        max_length=16, choices=PlotStatus.choices, default=PlotStatus.NONE
    )
    results_file = models.CharField(max_length=500, blank=True)
    execution_time = models.FloatField(null=True, blank=True, help_text="seconds")
    sandbox_layers = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(
        default=list, blank=True, help_text='[{"code", "message"}] that change how the numbers read'
    )
    benchmark = models.JSONField(
        null=True, blank=True, help_text="Buy & hold of the same bars: {symbol, return_pct, equity}"
    )
    bars = models.PositiveIntegerField(null=True, blank=True, help_text="Bars the run used")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["strategy", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} on {self.symbol} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_RUN_STATUSES
