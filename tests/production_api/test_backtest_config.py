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
    assert response.status_code == 400
    message = response.json()["error"]["details"]["fields"]["symbol"][0]
    assert "unknown symbol 'SECRET'" in message
    assert "GOOG" in message


@pytest.mark.parametrize(
    ("payload", "fields", "text"),
    [
        ({"symbol": "NOPE"}, {"symbol"}, "available symbols: BTCUSD, EURUSD, GOOG"),
        ({"start": "2030-01-01"}, {"start", "end"}, "data covers 2004-08-19 to 2013-03-01"),
        ({"start": "2012-01-01", "end": "2011-01-01"}, {"end"}, "must not be before"),
        ({"cash": -5}, {"cash"}, "more than 0"),
        ({"commission": 0.2}, {"commission"}, "below 0.2"),
        ({"commission": -0.01}, {"commission"}, "at least 0"),
        ({"margin": 0}, {"margin"}, "above 0"),
        ({"margin": 1.5}, {"margin"}, "at most 1"),
        ({"interval": "3x"}, {"interval"}, "invalid interval"),
        ({"symbol": "BTCUSD", "interval": "1d"}, {"interval"}, "BTCUSD"),
    ],
)
def test_bad_config_is_400_with_field_errors(api_client, payload, fields, text):
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]["fields"]) == fields
    assert text in error["details"]["fields"][sorted(fields)[0]][0]


def test_validate_config_requires_authentication(anon_client):
    assert anon_client.post(URL, {}, format="json").status_code == 401
