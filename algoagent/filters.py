"""List endpoints refuse query parameters they would ignore.

``?stauts=failed`` silently answering every strategy, or ``?ordering=retrun_pct`` silently
answering them in the default order, is a wrong answer that looks right: the same reasoning as
:mod:`algoagent.serializers` for request bodies. This backend runs first on every list endpoint
that uses the default filter backends and answers 400 ``validation_error`` naming each parameter
(unknown ones also in ``details.unknown_fields``): an unknown parameter, an ordering by a field
that cannot be ordered by, a ``page_size`` that is not a positive whole number, a yes/no filter
that is neither.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter, SearchFilter
from rest_framework.settings import api_settings

from algoagent.serializers import unknown_field

BOOLEAN_VALUES = {"true", "false", "1", "0"}


class StrictQueryParamsFilter(BaseFilterBackend):
    """400 for a list request's query parameter that no filter, search, ordering or pagination
    of the view reads, or whose value those would silently drop."""

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        if getattr(view, "action", None) != "list":
            return queryset
        accepted, booleans = _accepted_params(request, queryset, view)
        errors: dict[str, list[str]] = {}
        for name in request.query_params:
            if name not in accepted:
                errors[name] = [unknown_field(name, accepted)]
        for name in booleans & set(request.query_params):
            value = request.query_params[name].strip().lower()
            if value and value not in BOOLEAN_VALUES:
                errors[name] = ["Must be true or false."]
        errors.update(_ordering_errors(request, queryset, view))
        errors.update(_page_size_errors(request, view))
        if errors:
            raise ValidationError(errors)
        return queryset


def paging_params(paginator: Any) -> set[str]:
    """The query parameters every answer reads: ``format``, and the paginator's page and size."""
    names = {api_settings.URL_FORMAT_OVERRIDE} - {None}
    for attribute in ("page_query_param", "page_size_query_param"):
        name = getattr(paginator, attribute, None)
        if name:
            names.add(name)
    return names


def _accepted_params(request: Any, queryset: QuerySet, view: Any) -> tuple[set[str], set[str]]:
    """(every query parameter the view reads, those that are yes/no filters)."""
    accepted = paging_params(getattr(view, "paginator", None))
    booleans: set[str] = set()
    for backend_class in getattr(view, "filter_backends", []):
        if issubclass(backend_class, DjangoFilterBackend):
            filterset_class = backend_class().get_filterset_class(view, queryset)
            if filterset_class is not None:
                for name, item in filterset_class.base_filters.items():
                    accepted.add(name)
                    if isinstance(item, BooleanFilter):
                        booleans.add(name)
        elif issubclass(backend_class, SearchFilter) and getattr(view, "search_fields", None):
            accepted.add(backend_class.search_param)
        elif issubclass(backend_class, OrderingFilter) and getattr(view, "ordering_fields", None):
            accepted.add(backend_class.ordering_param)
    return accepted, booleans


def _ordering_errors(request: Any, queryset: QuerySet, view: Any) -> dict[str, list[str]]:
    for backend_class in getattr(view, "filter_backends", []):
        if not issubclass(backend_class, OrderingFilter):
            continue
        backend = backend_class()
        raw = request.query_params.get(backend.ordering_param)
        if raw is None or not getattr(view, "ordering_fields", None):
            return {}
        valid = {name for name, _ in backend.get_valid_fields(queryset, view, {"request": request})}
        wrong = [
            term.strip()
            for term in raw.split(",")
            if term.strip() and term.strip().lstrip("-") not in valid
        ]
        if wrong:
            accepted = ", ".join(sorted(valid))
            return {
                backend.ordering_param: [
                    f"Cannot order by {', '.join(wrong)}; accepted: {accepted} "
                    "(prefix - for descending)."
                ]
            }
    return {}


def _page_size_errors(request: Any, view: Any) -> dict[str, list[str]]:
    paginator = getattr(view, "paginator", None)
    name = getattr(paginator, "page_size_query_param", None)
    if not name or name not in request.query_params:
        return {}
    raw = request.query_params[name].strip()
    if raw.isdigit() and int(raw) >= 1:
        return {}
    maximum = getattr(paginator, "max_page_size", None)
    upper = f" (at most {maximum})" if maximum else ""
    return {name: [f"Must be a whole number from 1{upper}."]}
