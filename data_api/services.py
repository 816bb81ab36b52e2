"""Writes of the market-data app: dataset uploads and deletions, Yahoo fetches into the cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from rest_framework import status

from algoagent.errors import ApiError
from Backtest.market_data import (
    CSVValidationError,
    DataError,
    DataFetchError,
    SymbolInfo,
    fetch_to_cache,
    parse_ohlcv_csv,
    save_dataset,
)
from Backtest.market_data.intervals import infer_interval
from data_api import selectors
from data_api.models import MarketDataset
from jobs.services import JobFailure

DEFAULT_UPLOAD_MAX_BYTES = 10_000_000
DEFAULT_UPLOAD_MAX_ROWS = 200_000
DEFAULT_MAX_DATASETS = 50


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _csv_error(exc: CSVValidationError) -> ApiError:
    return ApiError(
        f"The CSV file cannot be used: {exc.message}",
        code="invalid_csv",
        details={"fields": {"file": [exc.message]}, "row": exc.row, "column": exc.field},
    )


def dataset_upload(*, owner: User, name: str, file: UploadedFile) -> MarketDataset:
    """Validate an uploaded OHLCV CSV and store it as the owner's dataset ``name``.

    ``name`` is already upper-case and checked (see the input serializer). The row is created
    before the file is written, inside one transaction, so the unique (owner, name) constraint
    decides a race and the loser never overwrites the winner's file.
    """
    limit = _setting("DATASET_MAX_PER_USER", DEFAULT_MAX_DATASETS)
    if selectors.dataset_list(user=owner).count() >= limit:
        raise ApiError(
            f"You have {limit} datasets, the most allowed; delete one first.",
            code="dataset_limit",
            details={"limit": limit},
            status_code=status.HTTP_409_CONFLICT,
        )
    raw = file.read()
    try:
        frame = parse_ohlcv_csv(
            raw,
            max_bytes=_setting("DATASET_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES),
            max_rows=_setting("DATASET_UPLOAD_MAX_ROWS", DEFAULT_UPLOAD_MAX_ROWS),
        )
    except CSVValidationError as exc:
        raise _csv_error(exc) from None
    relative = Path("datasets") / str(owner.pk) / f"{name}.csv.gz"
    interval = infer_interval(frame.index)
    taken = ValidationError(
        {"name": [f"You already have a dataset named {name}; delete it first or pick another."]}
    )
    with transaction.atomic():
        if selectors.dataset_list(user=owner).filter(name=name).exists():
            raise taken
        try:
            with transaction.atomic():
                dataset = MarketDataset.objects.create(
                    owner=owner,
                    name=name,
                    file_path=str(relative),
                    rows=len(frame),
                    rows_dropped=max(0, int(frame.attrs.get("rows_read", len(frame))) - len(frame)),
                    start=frame.index[0].to_pydatetime().replace(tzinfo=dt.UTC),
                    end=frame.index[-1].to_pydatetime().replace(tzinfo=dt.UTC),
                    interval=interval.name if interval else "",
                    original_filename=(file.name or "")[:255],
                    size_bytes=len(raw),
                )
        except IntegrityError:
            raise taken from None
        save_dataset(frame, selectors.dataset_file(dataset), name=name)
    return dataset


def dataset_delete(*, dataset: MarketDataset) -> None:
    """Delete the dataset and, once that is committed, its file."""
    path = selectors.dataset_file(dataset)
    dataset.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def market_data_fetch(
    *,
    symbol: str,
    start: str | None = None,
    end: str | None = None,
    interval: str = "1d",
    on_event: Callable[..., Any] | None = None,
) -> SymbolInfo:
    """Download ``symbol`` from Yahoo Finance into the shared cache (skipped when cached).

    A failed download is a ``JobFailure`` ``fetch_failed`` with status 502 (the upstream
    service failed, not the request); the cache write in ``Backtest`` is atomic, so a failure
    leaves the previous file or none.
    """
    if on_event is not None:
        on_event(
            "fetching",
            f"Downloading {symbol} ({interval}) from Yahoo Finance",
            data={"symbol": symbol, "start": start, "end": end, "interval": interval},
            progress=10,
        )
    try:
        info = fetch_to_cache(
            symbol, start, end, interval, cache_dir=selectors.market_data_cache_dir()
        )
    except DataFetchError as exc:
        raise JobFailure(
            exc.code, exc.message, details=exc.details, http_status=status.HTTP_502_BAD_GATEWAY
        ) from None
    except DataError as exc:
        raise JobFailure(exc.code, exc.message, details=exc.details) from None
    if on_event is not None:
        on_event(
            "fetched",
            f"{info.symbol}: {info.bars} bars cached",
            data=info.to_dict(),
            progress=90,
        )
    return info
