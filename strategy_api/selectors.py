"""Reads: every strategy query is scoped to the requesting user here."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from Backtest.indicator_registry import IndicatorInfo, list_groups, list_indicators
from strategy_api.models import Strategy, StrategyExecution, StrategyFixAttempt, StrategyVersion


def strategy_list(*, user: User) -> QuerySet[Strategy]:
    """The user's strategies; another user's never appear (their ids are 404s)."""
    return Strategy.objects.filter(owner=user)


def strategy_get(*, user: User, pk: int | str) -> Strategy:
    """One of the user's strategies, or Http404."""
    return get_object_or_404(strategy_list(user=user), pk=pk)


def strategy_version_list(*, strategy: Strategy) -> QuerySet[StrategyVersion]:
    """The strategy's versions, newest first."""
    return strategy.versions.order_by("-number")


def execution_list(*, strategy: Strategy) -> QuerySet[StrategyExecution]:
    """The strategy's executions, newest first, without the bulky JSON columns."""
    return (
        strategy.executions.select_related("version")
        .defer("stats", "trades", "equity_curve", "stdout", "stderr", "traceback")
        .order_by("-timestamp", "-id")
    )


def execution_get(*, strategy: Strategy, pk: int | str) -> StrategyExecution:
    """One execution of the (already owner-checked) strategy, or Http404."""
    return get_object_or_404(strategy.executions.select_related("version"), pk=pk)


def fix_attempt_list(*, strategy: Strategy) -> QuerySet[StrategyFixAttempt]:
    """The strategy's fix attempts, newest first."""
    return strategy.fix_attempts.select_related("version_before", "version_after").order_by(
        "-timestamp", "-attempt_number"
    )


def indicator_list(
    *, featured: bool | None = None, group: str | None = None, search: str | None = None
) -> tuple[list[IndicatorInfo], list[str]]:
    """Indicators from the registry, and all groups (for filters in clients)."""
    return list_indicators(featured=featured, group=group, search=search), list_groups()


def executions_by_ids(*, user: User, ids: list[int]) -> dict[int, StrategyExecution]:
    """``{id: execution}`` of those ``ids`` that are executions of the user's strategies."""
    queryset = StrategyExecution.objects.filter(strategy__owner=user, pk__in=ids).select_related(
        "strategy", "version"
    )
    return {e.pk: e for e in queryset.defer("trades", "equity_curve", "stdout", "stderr")}


def execution_list_for_user(*, user: User) -> QuerySet[StrategyExecution]:
    """Every execution of the user's strategies, newest first, without the bulky columns."""
    return (
        StrategyExecution.objects.filter(strategy__owner=user)
        .select_related("strategy", "version")
        .defer("stats", "trades", "equity_curve", "stdout", "stderr", "traceback")
        .order_by("-timestamp", "-id")
    )


def execution_get_for_user(*, user: User, pk: int | str) -> StrategyExecution:
    """One execution of one of the user's strategies, or Http404 (another user's too)."""
    queryset = StrategyExecution.objects.filter(strategy__owner=user).select_related("version")
    return get_object_or_404(queryset, pk=pk)
