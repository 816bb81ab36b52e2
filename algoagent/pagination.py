"""Default pagination for list endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from algoagent.filters import StrictQueryParamsFilter, paging_params
from algoagent.serializers import unexpected_fields


class DefaultPagination(PageNumberPagination):
    """``?page=N&page_size=M`` (M at most 100); responses carry count/next/previous/results."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int | None:
        """A ``page_size`` that is not a whole number from 1 is a 400 on every paged answer.

        DRF falls back to the default size for ``page_size=0`` or ``abc`` (and echoes the bad
        value in ``next``); lists were already refused by ``StrictQueryParamsFilter``, but paged
        actions (OHLCV bars, a run's trades, versions, fix history, chat) answered 200. A size
        above the maximum is capped, as documented.
        """
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.strip().isdigit() and int(raw) >= 1):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Must be a whole number from 1 (at most {self.max_page_size})."
                    ]
                }
            )
        return super().get_page_size(request)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        """A paged action's query parameter that nothing reads is a 400, as on lists.

        Lists are checked by ``StrictQueryParamsFilter``; paged actions (a run's trades,
        versions, fix history, chat, OHLCV bars) read only ``page``, ``page_size`` and what the
        action declares in ``query_params_accepted`` (its own query serializer's fields).
        """
        if view is not None and not _checked_as_list(view):
            names = paging_params(self) | set(getattr(view, "query_params_accepted", ()))
            errors = unexpected_fields(request.query_params, dict.fromkeys(names, True))
            if errors:
                raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)


def _checked_as_list(view: Any) -> bool:
    return getattr(view, "action", None) == "list" and any(
        issubclass(backend, StrictQueryParamsFilter)
        for backend in getattr(view, "filter_backends", ())
    )
