"""Reads: market data visible to one user (bundled, cached and their own uploads)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import status

from algoagent.errors import ApiError
from Backtest.indicator_registry import (
    IndicatorParameterError,
    UnknownIndicatorError,
    get_indicator,
)
from Backtest.indicators import IndicatorInputError, compute_frame
from Backtest.market_data import SymbolInfo, list_symbols, load_ohlcv
from data_api.frames import series_points
from data_api.models import MarketDataset

# Hard limits on what one request may load (settings override them; see the README).
DEFAULT_OHLCV_MAX_ROWS = 100_000
DEFAULT_INDICATOR_MAX_ROWS = 10_000


def market_data_cache_dir() -> Path:
    """Where Yahoo downloads are cached: the directory ``strategy_api.engine`` reads too."""
    return Path(settings.DATA_DIR) / "market_data"


def ohlcv_max_rows() -> int:
    return int(getattr(settings, "MARKET_DATA_MAX_ROWS", DEFAULT_OHLCV_MAX_ROWS))


def indicator_max_rows() -> int:
    return int(getattr(settings, "INDICATOR_SERIES_MAX_ROWS", DEFAULT_INDICATOR_MAX_ROWS))


def dataset_list(*, user: User) -> QuerySet[MarketDataset]:
    """The user's uploaded datasets; another user's never appear."""
    return MarketDataset.objects.filter(owner=user)


def dataset_get(*, user: User, name: str) -> MarketDataset:
    """One of the user's datasets by name (case-insensitive), or Http404."""
    return get_object_or_404(dataset_list(user=user), name=str(name).strip().upper())


def dataset_file(dataset: MarketDataset) -> Path:
    return Path(settings.DATA_DIR) / dataset.file_path


def dataset_paths(*, user: User | AnonymousUser | None) -> dict[str, Path]:
    """``{name: file}`` of the user's uploads, for ``load_ohlcv(..., datasets=...)``."""
    if user is None or not user.is_authenticated:
        return {}
    return {d.name: dataset_file(d) for d in dataset_list(user=user).only("name", "file_path")}


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def symbol_list(*, user: User) -> list[SymbolInfo]:
    """The user's uploads (described from their rows, no file reads), bundled and cached data."""
    uploads = [
        SymbolInfo(
            d.name, "upload", _naive_utc(d.start), _naive_utc(d.end), d.rows, d.interval or None
        )
        for d in dataset_list(user=user)
    ]
    return uploads + list_symbols(cache_dir=market_data_cache_dir())


def symbol_info_get(*, user: User, symbol: str) -> SymbolInfo | None:
    """How ``symbol`` resolves for the user (uploads first, as the loader does), or None."""
    wanted = symbol.strip().casefold()
    return next((info for info in symbol_list(user=user) if info.symbol.casefold() == wanted), None)


def ohlcv_load(
    *,
    user: User,
    symbol: str,
    start: Any = None,
    end: Any = None,
    interval: str | None = None,
) -> pd.DataFrame:
    """Bars the user may see, offline only; raises ``Backtest`` ``DataError``s unchanged."""
    return load_ohlcv(
        symbol,
        start=start,
        end=end,
        interval=interval,
        cache_dir=market_data_cache_dir(),
        datasets=dataset_paths(user=user),
        allow_network=False,
    )


def _limited(frame: pd.DataFrame, limit: int, symbol: str) -> pd.DataFrame:
    if len(frame) > limit:
        raise ApiError(
            f"The range holds {len(frame):,} {symbol} bars; one request may read at most "
            f"{limit:,}. Narrow start/end or choose a coarser interval.",
            code="range_too_large",
            details={"rows": len(frame), "limit": limit},
        )
    return frame


def ohlcv_get(
    *,
    user: User,
    symbol: str,
    start: Any = None,
    end: Any = None,
    interval: str | None = None,
) -> pd.DataFrame:
    """``ohlcv_load`` for the API: data errors in the error shape, the row limit enforced."""
    frame = ohlcv_load(user=user, symbol=symbol, start=start, end=end, interval=interval)
    return _limited(frame, ohlcv_max_rows(), symbol)


def indicator_series(
    *,
    user: User,
    symbol: str,
    name: str,
    params: dict[str, Any],
    start: Any = None,
    end: Any = None,
    interval: str | None = None,
) -> dict[str, Any]:
    """An indicator over the user's data: ``{symbol, indicator, params, outputs}`` for charts.

    Parameters are checked before any data is read, so a typo costs nothing.
    """
    try:
        info = get_indicator(name)
    except UnknownIndicatorError as exc:
        raise ApiError(
            str(exc),
            code="unknown_indicator",
            details={"fields": {"name": [str(exc)]}, "suggestions": exc.suggestions},
        ) from None
    try:
        resolved = info.resolve_params(params)
    except IndicatorParameterError as exc:
        raise ValidationError({f"params.{exc.param}": [exc.message]}) from None
    frame = ohlcv_load(user=user, symbol=symbol, start=start, end=end, interval=interval)
    frame = _limited(frame, indicator_max_rows(), symbol)
    try:
        outputs = compute_frame(info.name, frame, **resolved)
    except IndicatorInputError as exc:
        raise ApiError(
            str(exc),
            code="indicator_input",
            details={"indicator": info.name},
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        ) from None
    return {
        "symbol": symbol.strip().upper(),
        "indicator": info.name,
        "params": resolved,
        "outputs": series_points(frame.index, outputs),
    }
