"""Shared key health for the rotation: one row per key alias. The key itself is never stored."""

from __future__ import annotations

from django.db import models


class ApiKeyState(models.Model):
    """Per-alias counters, cooldown and switches, shared by web and worker processes."""

    alias = models.CharField(max_length=64, unique=True)
    success_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    last_used = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    cooldown_until = models.DateTimeField(null=True, blank=True)
    disabled = models.BooleanField(default=False)
    invalid = models.BooleanField(default=False)
    use_seq = models.PositiveBigIntegerField(
        default=0, help_text="Store-wide counter stamped on every use: least recently used first."
    )

    class Meta:
        ordering = ["alias"]
        verbose_name = "API key state"

    def __str__(self) -> str:
        return self.alias
