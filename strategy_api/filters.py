"""Query filters for the strategy list."""

from __future__ import annotations

import django_filters

from strategy_api.models import Strategy, StrategyExecution


class StrategyFilter(django_filters.FilterSet):
    """``?status=``, ``?review_status=``, ``?created_after=``/``?created_before=``,
    ``?has_runs=`` (false: strategies never backtested)."""

    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    has_runs = django_filters.BooleanFilter(method="filter_has_runs")

    def filter_has_runs(self, queryset, name, value):
        return (
            queryset.filter(total_executions__gt=0)
            if value
            else queryset.filter(total_executions=0)
        )

    class Meta:
        model = Strategy
        fields = ["status", "review_status"]


class ExecutionFilter(django_filters.FilterSet):
    """``?symbol=``, ``?status=``, ``?strategy=``, ``?success=``, ``?created_after=``/``before``."""

    # A plain number, not a choice among every strategy: "not a valid choice" for an id that
    # exists but is another user's would reveal that it exists (their executions are already
    # outside the queryset, so it simply matches nothing, as an unknown id does).
    strategy = django_filters.NumberFilter(field_name="strategy_id")
    symbol = django_filters.CharFilter(field_name="test_symbol", lookup_expr="iexact")
    created_after = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = StrategyExecution
        fields = ["status", "strategy", "success"]
