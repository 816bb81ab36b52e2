"""Reads: every strategy query is scoped to the requesting user here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from strategy_api.models import Strategy, StrategyVersion


def strategy_list(*, user: AbstractBaseUser) -> QuerySet[Strategy]:
    """The user's strategies; another user's never appear (their ids are 404s)."""
    return Strategy.objects.filter(owner=user)


def strategy_get(*, user: AbstractBaseUser, pk: int | str) -> Strategy:
    """One of the user's strategies, or Http404."""
    return get_object_or_404(strategy_list(user=user), pk=pk)


def strategy_version_list(*, strategy: Strategy) -> QuerySet[StrategyVersion]:
    """The strategy's versions, newest first."""
    return strategy.versions.order_by("-number")
