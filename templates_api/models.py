"""Strategy templates: a canonical spec plus the parameters a user may change in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TemplateCategory(models.TextChoices):
    TREND = "trend", "Trend following"
    MEAN_REVERSION = "mean_reversion", "Mean reversion"
    MOMENTUM = "momentum", "Momentum"
    BREAKOUT = "breakout", "Breakout"
    VOLATILITY = "volatility", "Volatility"
    OTHER = "other", "Other"


class StrategyTemplate(models.Model):
    """A built-in (no owner, read-only for users) or a user's own template."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategy_templates",
        help_text="Empty for built-in templates.",
    )
    builtin = models.BooleanField(default=False)
    slug = models.SlugField(max_length=80, help_text="Unique among built-ins / per owner.")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    category = models.CharField(
        max_length=20, choices=TemplateCategory.choices, default=TemplateCategory.OTHER
    )
    spec = models.JSONField(help_text="Canonical strategy spec (version 1.0).")
    parameters = models.JSONField(
        default=list,
        blank=True,
        help_text="[{name, path, type, default, min, max, description}]; path addresses a "
        "number in the spec, e.g. indicators.fast.params.timeperiod.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-builtin", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(owner__isnull=True),
                name="unique_builtin_template_slug",
            ),
            models.UniqueConstraint(
                fields=["owner", "slug"],
                condition=Q(owner__isnull=False),
                name="unique_template_slug_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(builtin=True, owner__isnull=True)
                | Q(builtin=False, owner__isnull=False),
                name="builtin_templates_have_no_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.slug
