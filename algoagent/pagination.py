"""Default pagination for list endpoints."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class DefaultPagination(PageNumberPagination):
    """``?page=N&page_size=M`` (M at most 100); responses carry count/next/previous/results."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
