"""Backtest configuration checks: data availability and option ranges as field errors."""

from __future__ import annotations

import pytest

from tests.data_api.factories import make_dataset

pytestmark = pytest.mark.django_db

URL = "/api/production/backtests/validate-config/"


def test_valid_config_reports_symbol_and_bar_count(api_client):
    response = api_client.post(
        URL,
        {"symbol": "goog", "start": "2010-01-01", "end": "2010-12-31", "commission": 0.002},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["valid"], body["bars"]) == (True, 252)
    info = body["symbol_info"]
    assert (info["symbol"], info["source"], info["interval"]) == ("GOOG", "bundled", "1d")
    assert info["bars"] > 2000
    config = body["config"]
    assert (config["symbol"], config["cash"], config["commission"], config["margin"]) == (
        "GOOG",
        10_000.0,
        0.002,
        1.0,
    )
    assert config["start"] == "2010-01-01"


def test_weekly_interval_counts_resampled_bars(api_client):
    body = api_client.post(
        URL, {"start": "2010-01-01", "end": "2010-12-31", "interval": "1wk"}, format="json"
    ).json()
    assert 52 <= body["bars"] <= 53


def test_own_upload_is_a_valid_symbol(api_client, user):
    make_dataset(user, name="MYDATA", rows=30)
    body = api_client.post(URL, {"symbol": "MYDATA"}, format="json").json()
    assert body["bars"] == 30
    assert body["symbol_info"]["source"] == "upload"


def test_other_users_upload_is_an_unknown_symbol(other_client, user):
    make_dataset(user, name="SECRET")
    response = other_client.post(URL, {"symbol": "SECRET"}, format="json")
    assert response.status_code == 404  # unknown_symbol: the same status on every route
    assert response.json()["error"]["code"] == "unknown_symbol"
    message = response.json()["error"]["details"]["fields"]["symbol"][0]
    assert "unknown symbol 'SECRET'" in message
    assert "GOOG" in message


@pytest.mark.parametrize(
    ("payload", "fields", "text", "status", "code"),
    [
        (
            {"symbol": "NOPE"},
            {"symbol"},
            "available symbols: BTCUSD, EURUSD, GOOG",
            404,
            "unknown_symbol",
        ),
        (
            {"start": "2030-01-01"},
            {"start", "end"},
            "data covers 2004-08-19 to 2013-03-01",
            422,
            "empty_range",
        ),
        ({"start": "2012-01-01", "end": "2011-01-01"}, {"end"}, "must not be before", 400, None),
        ({"cash": -5}, {"cash"}, "more than 0", 400, None),
        ({"commission": 0.2}, {"commission"}, "below 0.2", 400, None),
        ({"commission": -0.01}, {"commission"}, "at least 0", 400, None),
        ({"margin": 0}, {"margin"}, "more than 0", 400, None),
        ({"margin": 1.5}, {"margin"}, "at most 1", 400, None),
        ({"interval": "3x"}, {"interval"}, "invalid interval", 400, None),
        ({"symbol": "BTCUSD", "interval": "1d"}, {"interval"}, "BTCUSD", 400, "invalid_interval"),
    ],
)
def test_bad_config_names_the_field(api_client, payload, fields, text, status, code):
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == (code or "validation_error")
    assert set(error["details"]["fields"]) == fields
    assert text in error["details"]["fields"][sorted(fields)[0]][0]


def test_validate_config_requires_authentication(anon_client):
    assert anon_client.post(URL, {}, format="json").status_code == 401
