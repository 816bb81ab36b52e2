"""Symbols listing and paged OHLCV bars: bundled, cached and the user's own uploads."""

from __future__ import annotations

import pytest

from tests.data_api.factories import make_dataset

pytestmark = pytest.mark.django_db


def test_symbols_lists_bundled_data_with_ranges(api_client):
    response = api_client.get("/api/data/symbols/")
    assert response.status_code == 200, response.content
    body = response.json()
    by_symbol = {s["symbol"]: s for s in body["symbols"]}
    assert {"GOOG", "EURUSD", "BTCUSD"} <= set(by_symbol)
    goog = by_symbol["GOOG"]
    assert goog["source"] == "bundled"
    assert goog["interval"] == "1d"
    assert goog["bars"] > 2000
    assert goog["start"].startswith("2004-08-19")
    assert body["count"] == len(body["symbols"])


def test_symbols_include_own_uploads_but_not_other_users(
    api_client, user, other_user, django_assert_num_queries
):
    make_dataset(user, name="MINE", rows=30)
    make_dataset(other_user, name="THEIRS")
    with django_assert_num_queries(2):  # token auth, datasets (uploads are not re-read)
        symbols = api_client.get("/api/data/symbols/").json()["symbols"]
    uploads = [s for s in symbols if s["source"] == "upload"]
    assert [(s["symbol"], s["bars"], s["interval"]) for s in uploads] == [("MINE", 30, "1d")]
    assert uploads[0]["start"] == "2021-01-04T00:00:00Z"


def test_ohlcv_pages_rows_in_the_requested_range(api_client):
    response = api_client.get(
        "/api/data/GOOG/ohlcv/", {"start": "2010-01-01", "end": "2010-12-31", "page_size": 100}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 252
    assert len(body["results"]) == 100
    assert body["previous"] is None
    assert "page=2" in body["next"]
    first = body["results"][0]
    assert set(first) == {"time", "open", "high", "low", "close", "volume"}
    assert first["time"] == "2010-01-04T00:00:00Z"
    assert first["low"] <= first["close"] <= first["high"]
    last_page = api_client.get(
        "/api/data/GOOG/ohlcv/",
        {"start": "2010-01-01", "end": "2010-12-31", "page_size": 100, "page": 3},
    ).json()
    assert len(last_page["results"]) == 52
    assert last_page["results"][-1]["time"] == "2010-12-31T00:00:00Z"


def test_ohlcv_page_size_is_capped_at_5000(api_client):
    body = api_client.get("/api/data/EURUSD/ohlcv/", {"page_size": 5000}).json()
    assert len(body["results"]) == 5000
    assert body["next"] is None
    body = api_client.get("/api/data/EURUSD/ohlcv/", {"page_size": 9000, "end": "2018-01-31"})
    assert len(body.json()["results"]) == body.json()["count"] < 5000
    capped = api_client.get("/api/data/EURUSD/ohlcv/", {"page_size": 5000, "page": 2})
    assert capped.status_code == 404  # 5000 bars: one page of the largest size


def test_ohlcv_resamples_to_a_coarser_interval(api_client):
    body = api_client.get(
        "/api/data/goog/ohlcv/", {"start": "2010-01-01", "end": "2010-12-31", "interval": "1mo"}
    ).json()
    assert body["count"] == 12
    assert body["results"][0]["time"] == "2010-01-01T00:00:00Z"


def test_ohlcv_reads_own_upload_case_insensitively(api_client, user):
    make_dataset(user, name="MYDATA", rows=40)
    body = api_client.get("/api/data/mydata/ohlcv/").json()
    assert body["count"] == 40
    assert body["results"][0]["close"] == 100.0


def test_other_users_upload_is_an_unknown_symbol(other_client, user):
    make_dataset(user, name="SECRET")
    response = other_client.get("/api/data/SECRET/ohlcv/")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown_symbol"
    assert "SECRET" not in error["details"]["available"]


def test_unknown_symbol_is_404_listing_available_symbols(api_client):
    response = api_client.get("/api/data/NOPE/ohlcv/")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown_symbol"
    assert {"GOOG", "EURUSD", "BTCUSD"} <= set(error["details"]["available"])


def test_empty_range_is_422_with_the_datas_actual_range(api_client):
    response = api_client.get("/api/data/GOOG/ohlcv/", {"start": "2030-01-01"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "empty_range"
    assert "data covers 2004-08-19 to 2013-03-01" in error["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "yesterday"}, "start"),
        ({"start": "2012-01-01", "end": "2011-01-01"}, "end"),
        ({"interval": "7x"}, "interval"),
    ],
)
def test_bad_query_parameters_are_field_errors(api_client, query, field):
    response = api_client.get("/api/data/GOOG/ohlcv/", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]["fields"]


def test_finer_interval_than_the_data_is_400(api_client):
    response = api_client.get("/api/data/BTCUSD/ohlcv/", {"interval": "1d"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_interval"


def test_range_beyond_the_row_limit_is_refused_clearly(api_client, settings):
    settings.MARKET_DATA_MAX_ROWS = 1000
    response = api_client.get("/api/data/EURUSD/ohlcv/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "range_too_large"
    assert error["details"] == {"rows": 5000, "limit": 1000}
    assert "Narrow start/end" in error["message"]


@pytest.mark.parametrize("url", ["/api/data/symbols/", "/api/data/GOOG/ohlcv/"])
def test_market_data_requires_authentication(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
