"""Query filters for the strategy list."""

from __future__ import annotations

import django_filters

from strategy_api.models import Strategy


class StrategyFilter(django_filters.FilterSet):
    """``?status=``, ``?review_status=``, ``?created_after=``/``?created_before=``."""

    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Strategy
        fields = ["status", "review_status"]
