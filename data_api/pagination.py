"""Paging of OHLCV bars: the project's page style, with pages of up to 5000 bars."""

from __future__ import annotations

from algoagent.pagination import DefaultPagination


class OhlcvPagination(DefaultPagination):
    """``?page=N&page_size=M`` (default 500, at most 5000 bars per page: a chart of a few
    thousand bars comes in one request)."""

    page_size = 500
    max_page_size = 5000
