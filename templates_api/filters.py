"""Query filters for the template list."""

from __future__ import annotations

import django_filters

from templates_api.models import StrategyTemplate


class StrategyTemplateFilter(django_filters.FilterSet):
    """``?category=trend``, ``?builtin=true``."""

    class Meta:
        model = StrategyTemplate
        fields = ["category", "builtin"]
