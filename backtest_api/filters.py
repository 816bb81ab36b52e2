"""Query filters for the config and run lists."""

from __future__ import annotations

import django_filters

from backtest_api.models import BacktestConfig, BacktestRun


class BacktestConfigFilter(django_filters.FilterSet):
    """``?symbol=goog`` (case-insensitive)."""

    symbol = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = BacktestConfig
        fields = ["symbol"]


class BacktestRunFilter(django_filters.FilterSet):
    """``?strategy=``, ``?symbol=``, ``?status=``, ``?success=``, ``?created_after/before=``."""

    strategy = django_filters.NumberFilter(field_name="strategy_id")
    symbol = django_filters.CharFilter(lookup_expr="iexact")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = BacktestRun
        fields = ["strategy", "symbol", "status", "success"]
