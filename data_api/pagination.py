"""Paging of OHLCV bars: the project's page style, with pages of up to 1000 bars."""

from __future__ import annotations

from algoagent.pagination import DefaultPagination


class OhlcvPagination(DefaultPagination):
    """``?page=N&page_size=M`` (default 500, at most 1000 bars per page)."""

    page_size = 500
    max_page_size = 1000
