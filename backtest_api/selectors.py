"""Reads: every backtest config and run query is scoped to the requesting user here."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from backtest_api.models import BacktestConfig, BacktestRun

# Columns too big for lists (a run's detail and exports read them).
BULKY_RUN_FIELDS = ("stats", "trades", "equity_curve", "code", "spec")


def config_list(*, user: User) -> QuerySet[BacktestConfig]:
    """The user's saved configurations; another user's never appear (their ids are 404s)."""
    return BacktestConfig.objects.filter(owner=user)


def config_get(*, user: User, pk: int | str) -> BacktestConfig:
    """One of the user's configurations, or Http404."""
    return get_object_or_404(config_list(user=user), pk=pk)


def run_list(*, user: User) -> QuerySet[BacktestRun]:
    """The user's runs, newest first, without the bulky JSON columns."""
    return (
        BacktestRun.objects.filter(owner=user)
        .select_related("version")
        .defer(*BULKY_RUN_FIELDS)
        .order_by("-created_at", "-id")
    )


def run_get(*, user: User, pk: int | str) -> BacktestRun:
    """One of the user's runs with everything it produced, or Http404."""
    queryset = BacktestRun.objects.filter(owner=user).select_related("version", "job")
    return get_object_or_404(queryset, pk=pk)


def runs_by_ids(*, user: User, ids: Iterable[int]) -> dict[int, BacktestRun]:
    """``{id: run}`` of those ``ids`` that are the user's runs (others are simply absent)."""
    queryset = BacktestRun.objects.filter(owner=user, pk__in=list(ids)).select_related("version")
    return {run.pk: run for run in queryset.defer("trades", "equity_curve", "code", "spec")}
