"""Reads: the templates one user can see (the built-ins and their own)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from templates_api.models import StrategyTemplate


def template_list(*, user: User) -> QuerySet[StrategyTemplate]:
    """Built-ins plus the user's own; another user's templates never appear (404s)."""
    return StrategyTemplate.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def template_get(*, user: User, pk: int | str) -> StrategyTemplate:
    """One template the user can see, or Http404."""
    return get_object_or_404(template_list(user=user), pk=pk)
