"""Strategies and their code versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
