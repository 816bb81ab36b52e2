"""Strategies and their code versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from backtest_api.models import PlotStatus


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    GENERATED = "generated", "Generated"
    VALID = "valid", "Valid"
    INVALID = "invalid", "Invalid"
    EXECUTED = "executed", "Executed"
    WORKING = "working", "Working"
    FAILED = "failed", "Failed"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class VersionSource(models.TextChoices):
    USER = "user", "User edit"
    GENERATED = "generated", "Generated"
    FIX = "fix", "Automatic fix"
    TEMPLATE = "template", "Template"
    CHAT = "chat", "Chat"
    RESTORE = "restore", "Restored"


class Strategy(models.Model):
    """A trading strategy owned by one user; its code history lives in StrategyVersion."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strategies"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    code = models.TextField(blank=True)
    spec = models.JSONField(
        null=True,
        blank=True,
        help_text="Canonical spec the current code was compiled from (None for free-form code).",
    )
    understood_as = models.TextField(
        blank=True, help_text="The current version's strategy in plain words ('' if no spec)"
    )
    status = models.CharField(
        max_length=16, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    current_version = models.PositiveIntegerField(
        default=0, help_text="Number of the StrategyVersion holding the current code (0: no code)."
    )
    file_path = models.CharField(
        max_length=500, blank=True, help_text="Current code's file, relative to the data directory."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Execution and fix tracking (maintained by the services, read-only in the API).
    last_execution_date = models.DateTimeField(null=True, blank=True)
    total_executions = models.PositiveIntegerField(default=0)
    successful_executions = models.PositiveIntegerField(default=0)
    failed_executions = models.PositiveIntegerField(default=0)
    total_fix_attempts = models.PositiveIntegerField(default=0)
    successful_fixes = models.PositiveIntegerField(default=0)
    latest_return_pct = models.FloatField(null=True, blank=True)
    latest_num_trades = models.IntegerField(null=True, blank=True)
    latest_win_rate = models.FloatField(null=True, blank=True)

    # Human review in the admin.
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewer_notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_strategies",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "strategies"
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["review_status"]),
        ]

    def __str__(self) -> str:
        return self.name


class StrategyVersion(models.Model):
    """An immutable snapshot of a strategy's code; executions and fixes point at one."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    code = models.TextField()
    spec = models.JSONField(null=True, blank=True)
    understood_as = models.TextField(
        blank=True, help_text="The strategy in plain words, rendered from its spec ('' if none)"
    )
    source = models.CharField(max_length=16, choices=VersionSource.choices)
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="unique_strategy_version")
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id} v{self.number}"


class ExecutionStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    NO_TRADES = "no_trades", "Ran, no trades"
    FAILED = "failed", "Failed"


class StrategyExecution(models.Model):
    """One sandboxed backtest of a strategy version, with everything it produced."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="executions")
    version = models.ForeignKey(
        StrategyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="executions"
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="executions"
    )
    timestamp = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=ExecutionStatus.choices)
    success = models.BooleanField()
    no_trades = models.BooleanField(default=False)
    test_symbol = models.CharField(max_length=64)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="cash, commission, ...")
    return_pct = models.FloatField(null=True, blank=True)
    num_trades = models.IntegerField(null=True, blank=True)
    win_rate = models.FloatField(null=True, blank=True)
    sharpe_ratio = models.FloatField(null=True, blank=True)
    max_drawdown = models.FloatField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    trades = models.JSONField(default=list, blank=True)
    trades_total = models.PositiveIntegerField(default=0)
    equity_curve = models.JSONField(default=list, blank=True)
    results_file = models.CharField(max_length=500, blank=True)
    plot_file = models.CharField(max_length=500, blank=True)
    plot_status = models.CharField(
        max_length=16, choices=PlotStatus.choices, default=PlotStatus.NONE
    )
    execution_time = models.FloatField(null=True, blank=True)
    error_type = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    traceback = models.TextField(blank=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    sandbox_layers = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(
        default=list, blank=True, help_text='[{"code", "message"}] that change how the numbers read'
    )
    benchmark = models.JSONField(
        null=True, blank=True, help_text="Buy & hold of the same bars: {symbol, return_pct, equity}"
    )
    bars = models.PositiveIntegerField(null=True, blank=True, help_text="Bars the run used")

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["strategy", "-timestamp"]),
            models.Index(fields=["success", "-timestamp"]),
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id} @ {self.timestamp:%Y-%m-%d %H:%M} ({self.status})"


class StrategyFixAttempt(models.Model):
    """One automatic repair attempt; it counts as a fix only if its verifying run succeeded."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="fix_attempts")
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="fix_attempts"
    )
    attempt_number = models.PositiveIntegerField()
    timestamp = models.DateTimeField(auto_now_add=True)
    error_type = models.CharField(max_length=64)
    error_message = models.TextField(blank=True)
    fix_applied = models.TextField(blank=True)
    diff = models.TextField(blank=True)
    version_before = models.ForeignKey(
        StrategyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_after = models.ForeignKey(
        StrategyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    success = models.BooleanField()
    execution = models.ForeignKey(
        StrategyExecution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(max_length=32, blank=True)
    key_alias = models.CharField(max_length=64, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="seconds")
    semantic_change = models.BooleanField(
        null=True, blank=True, help_text="The fix changed what the strategy does (None: unknown)"
    )
    changes = models.JSONField(default=list, blank=True, help_text="What the fix changed, in words")

    class Meta:
        ordering = ["-timestamp", "-attempt_number"]
        indexes = [models.Index(fields=["strategy", "-timestamp"])]

    def __str__(self) -> str:
        return (
            f"{self.strategy_id} fix #{self.attempt_number} ({'ok' if self.success else 'failed'})"
        )
