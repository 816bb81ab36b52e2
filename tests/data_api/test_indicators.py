"""Indicator series for charts: outputs per name, warm-up nulls, clear parameter errors."""

from __future__ import annotations

import json

import pytest

from tests.data_api.factories import make_dataset

pytestmark = pytest.mark.django_db

URL = "/api/data/indicators/compute/"
RANGE = {"start": "2012-01-01", "end": "2012-12-31"}


def test_single_output_indicator_with_warm_up_nulls(api_client):
    response = api_client.get(
        URL, {"symbol": "GOOG", "name": "rsi", "params": json.dumps({"timeperiod": 14}), **RANGE}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["symbol"], body["indicator"], body["params"]) == (
        "GOOG",
        "RSI",
        {"timeperiod": 14},
    )
    series = body["outputs"]["real"]
    assert len(series) == 250
    assert series[0]["time"] == "2012-01-03T00:00:00Z"
    assert [p["value"] for p in series[:14]] == [None] * 14
    assert all(0 <= p["value"] <= 100 for p in series[14:])


def test_multi_output_indicator_fills_default_params(api_client):
    body = api_client.get(URL, {"symbol": "GOOG", "name": "Bollinger", **RANGE}).json()
    assert body["indicator"] == "BBANDS"
    assert set(body["outputs"]) == {"upperband", "middleband", "lowerband"}
    assert body["params"]["timeperiod"] == 20
    point = body["outputs"]["upperband"][30]
    assert point["value"] > body["outputs"]["lowerband"][30]["value"]


def test_indicator_on_own_upload(api_client, user):
    make_dataset(user, name="MYDATA", rows=40)
    body = api_client.get(
        URL, {"symbol": "mydata", "name": "SMA", "params": '{"timeperiod": 5}'}
    ).json()
    assert len(body["outputs"]["real"]) == 40
    assert body["outputs"]["real"][4]["value"] is not None


def test_unknown_indicator_is_400_naming_name_with_suggestions(api_client):
    response = api_client.get(URL, {"symbol": "GOOG", "name": "RSII"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_indicator"
    assert "name" in error["details"]["fields"]
    assert "RSI" in error["details"]["suggestions"]


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"timeperiod": 1}, "params.timeperiod", "between 2 and"),
        ({"timeperiod": 14.5}, "params.timeperiod", "whole number"),
        ({"window": 3}, "params.window", "no parameter 'window'"),
    ],
)
def test_bad_parameter_is_400_naming_it(api_client, params, field, text):
    response = api_client.get(URL, {"symbol": "GOOG", "name": "RSI", "params": json.dumps(params)})
    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert list(fields) == [field]
    assert text in fields[field][0]


@pytest.mark.parametrize("params", ["[1, 2]", "{not json"])
def test_params_must_be_a_json_object(api_client, params):
    response = api_client.get(URL, {"symbol": "GOOG", "name": "RSI", "params": params})
    assert response.status_code == 400
    assert "params" in response.json()["error"]["details"]["fields"]


def test_indicator_row_limit(api_client, settings):
    settings.INDICATOR_SERIES_MAX_ROWS = 100
    response = api_client.get(URL, {"symbol": "GOOG", "name": "SMA"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "range_too_large"


def test_other_users_upload_is_unknown(other_client, user):
    make_dataset(user, name="SECRET")
    response = other_client.get(URL, {"symbol": "SECRET", "name": "SMA"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_symbol"


def test_indicators_require_authentication(anon_client):
    assert anon_client.get(URL, {"symbol": "GOOG", "name": "SMA"}).status_code == 401
