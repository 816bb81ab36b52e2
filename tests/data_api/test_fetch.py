"""Yahoo fetches as jobs; ``yahoo_client.download`` is always replaced (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from django.conf import settings

from Backtest.market_data import DataFetchError, yahoo_client
from jobs.models import Job

pytestmark = pytest.mark.django_db

WAIT = {"HTTP_PREFER": "wait=10"}


def _fake_yahoo(symbol, start, end, interval) -> pd.DataFrame:
    index = pd.date_range("2020-01-01", "2020-12-31", freq="B")
    if start is not None:
        index = index[index >= start]
    if end is not None:
        index = index[index < end]
    close = 100 + np.arange(len(index), dtype=float) % 13
    return pd.DataFrame(
        {"Open": close, "High": close + 1, "Low": close - 1, "Close": close, "Volume": 10.0},
        index=pd.DatetimeIndex(index, name="Date"),
    )


@pytest.fixture
def yahoo() -> Iterator[mock.MagicMock]:
    with mock.patch.object(yahoo_client, "download", autospec=True, side_effect=_fake_yahoo) as m:
        yield m


@pytest.fixture
def yahoo_down() -> Iterator[mock.MagicMock]:
    failure = DataFetchError("AAPL", "ConnectionError: network unreachable")
    with mock.patch.object(yahoo_client, "download", autospec=True, side_effect=failure) as m:
        yield m


def _cache_files() -> list[Path]:
    return sorted((Path(settings.DATA_DIR) / "market_data").glob("*"))


def test_fetch_with_wait_caches_the_symbol_and_lists_it(api_client, yahoo):
    response = api_client.post(
        "/api/data/fetch/",
        {"symbol": "aapl", "start": "2020-03-01", "end": "2020-03-31"},
        **WAIT,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["symbol"], body["source"], body["interval"], body["bars"]) == (
        "AAPL",
        "cache",
        "1d",
        22,
    )
    assert yahoo.call_count == 1
    assert [p.name for p in _cache_files()] == ["AAPL__1d.csv.gz"]
    symbols = {s["symbol"]: s for s in api_client.get("/api/data/symbols/").json()["symbols"]}
    assert symbols["AAPL"]["source"] == "cache"
    bars = api_client.get("/api/data/AAPL/ohlcv/", {"start": "2020-03-02", "end": "2020-03-06"})
    assert bars.json()["count"] == 5


def test_fetch_without_wait_answers_202_with_the_job(api_client, user, yahoo):
    response = api_client.post("/api/data/fetch/", {"symbol": "MSFT"})
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job_id"])
    assert (job.owner, job.kind, job.status) == (user, "data_fetch", "succeeded")
    assert job.input == {"symbol": "MSFT", "interval": "1d"}
    assert [e.kind for e in job.events.order_by("seq")][-3:] == ["fetching", "fetched", "succeeded"]


def test_failed_fetch_is_502_fetch_failed_and_writes_nothing(api_client, yahoo_down):
    response = api_client.post("/api/data/fetch/", {"symbol": "AAPL"}, **WAIT)
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "fetch_failed"
    assert "network unreachable" in error["message"]
    assert error["details"]["symbol"] == "AAPL"
    assert "job_id" in error["details"]
    assert _cache_files() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "symbol"),
        ({"symbol": "../etc"}, "symbol"),
        ({"symbol": "GOOG"}, "symbol"),
        ({"symbol": "AAPL", "interval": "2d"}, "interval"),
        ({"symbol": "AAPL", "start": "2021-01-01", "end": "2020-01-01"}, "end"),
    ],
)
def test_fetch_rejects_bad_input_before_starting_a_job(api_client, yahoo, payload, field):
    response = api_client.post("/api/data/fetch/", payload)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]
    assert not Job.objects.exists()
    yahoo.assert_not_called()


def test_fetch_job_is_visible_to_its_owner_only(api_client, other_client, yahoo):
    job_id = api_client.post("/api/data/fetch/", {"symbol": "AAPL"}).json()["job_id"]
    assert other_client.get(f"/api/jobs/{job_id}/").status_code == 404
    assert api_client.get(f"/api/jobs/{job_id}/").json()["result"]["symbol"] == "AAPL"


def test_fetch_requires_authentication(anon_client):
    assert anon_client.post("/api/data/fetch/", {"symbol": "AAPL"}).status_code == 401
