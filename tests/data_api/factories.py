"""Test data for market datasets: CSV text and datasets created through the service."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile

from data_api import services
from data_api.models import MarketDataset


def ohlcv_csv(rows: int = 60, start: str = "2021-01-04", freq: str = "B") -> str:
    """A plain OHLCV CSV of business-day bars with a gentle zig-zag trend."""
    index = pd.date_range(start, periods=rows, freq=freq)
    close = 100 + np.arange(rows) * 0.5 + (np.arange(rows) % 7)
    frame = pd.DataFrame(
        {
            "Date": index.strftime("%Y-%m-%d"),
            "Open": close - 0.5,
            "High": close + 1,
            "Low": close - 1,
            "Close": close,
            "Volume": np.full(rows, 1000),
        }
    )
    return frame.to_csv(index=False)


def csv_file(text: str, filename: str = "prices.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(filename, text.encode(), content_type="text/csv")


def make_dataset(owner, *, name: str = "MYDATA", rows: int = 60) -> MarketDataset:
    """Create a dataset through the service, so the file exists as in real use."""
    return services.dataset_upload(owner=owner, name=name, file=csv_file(ohlcv_csv(rows)))
