"""Saved backtest configurations: CRUD, field checks against the data, ownership."""

from __future__ import annotations

import pytest

from backtest_api.models import BacktestConfig
from tests.backtest_api.factories import make_config
from tests.data_api.factories import make_dataset

pytestmark = pytest.mark.django_db

URL = "/api/backtests/configs/"


def test_create_config_with_defaults(api_client, user):
    response = api_client.post(
        URL, {"name": " GOOG 2010 ", "symbol": "goog", "start": "2010-01-01", "end": "2010-12-31"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["symbol"], body["interval"]) == ("GOOG 2010", "GOOG", None)
    assert (body["cash"], body["commission"], body["margin"]) == (10_000.0, 0.0, 1.0)
    assert body["finalize_trades"] is False
    assert BacktestConfig.objects.get(pk=body["id"]).owner == user


def test_config_can_use_own_upload_and_an_interval(api_client, user):
    make_dataset(user, name="MYDATA", rows=30)
    body = api_client.post(URL, {"name": "mine", "symbol": "MYDATA", "interval": "1d"}).json()
    assert (body["symbol"], body["interval"]) == ("MYDATA", "1d")


# Market-data problems keep their own code and status everywhere (algoagent.errors).
DATA_ERRORS = {"unknown_symbol": (404, "unknown_symbol"), "empty_range": (422, "empty_range")}


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"symbol": "NOPE"}, {"symbol"}),  # unknown_symbol: 404, as on every route
        ({"cash": 0}, {"cash"}),
        ({"commission": 0.2}, {"commission"}),
        ({"commission": -0.1}, {"commission"}),
        ({"margin": 0}, {"margin"}),
        ({"margin": 1.5}, {"margin"}),
        ({"start": "2012-01-01", "end": "2011-01-01"}, {"end"}),
        ({"start": "2030-01-01"}, {"start", "end"}),
        ({"interval": "3x"}, {"interval"}),
        ({"name": " "}, {"name"}),
    ],
)
def test_bad_config_is_refused_naming_the_field(api_client, payload, fields):
    response = api_client.post(URL, {"name": "cfg", "symbol": "GOOG", **payload})
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == DATA_ERRORS.get(
        error["code"], (400, "validation_error")
    )
    assert set(error["details"]["fields"]) == fields
    assert not BacktestConfig.objects.exists()


def test_name_is_unique_per_owner(api_client, other_client, user):
    make_config(user, name="same")
    response = api_client.post(URL, {"name": "same", "symbol": "GOOG"})
    assert response.status_code == 400
    assert "already have" in response.json()["error"]["details"]["fields"]["name"][0]
    assert other_client.post(URL, {"name": "same", "symbol": "GOOG"}).status_code == 201


def test_patch_rechecks_the_merged_range(api_client, user):
    config = make_config(user)
    response = api_client.patch(f"{URL}{config.pk}/", {"end": "2009-01-01"})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"end"}
    body = api_client.patch(f"{URL}{config.pk}/", {"cash": 5000, "interval": None}).json()
    assert (body["cash"], body["start"], body["interval"]) == (5000.0, "2010-01-01", None)


def test_put_replaces_and_requires_name_and_symbol(api_client, user):
    config = make_config(user)
    response = api_client.put(f"{URL}{config.pk}/", {"cash": 5000})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"name", "symbol"}
    body = api_client.put(f"{URL}{config.pk}/", {"name": "eurusd", "symbol": "EURUSD"}).json()
    assert (body["name"], body["symbol"]) == ("eurusd", "EURUSD")


def test_list_filters_searches_and_orders(api_client, user, other_user):
    make_config(user, name="alpha goog")
    make_config(user, name="beta eurusd", symbol="EURUSD", start=None, end=None)
    make_config(other_user, name="alpha other")
    names = [c["name"] for c in api_client.get(URL, {"ordering": "name"}).json()["results"]]
    assert names == ["alpha goog", "beta eurusd"]
    assert [c["name"] for c in api_client.get(URL, {"symbol": "eurusd"}).json()["results"]] == [
        "beta eurusd"
    ]
    assert api_client.get(URL, {"search": "alpha"}).json()["count"] == 1


def test_other_users_config_is_404(api_client, other_client, user):
    config = make_config(user)
    assert other_client.get(f"{URL}{config.pk}/").status_code == 404
    assert other_client.patch(f"{URL}{config.pk}/", {"cash": 1}).status_code == 404
    assert other_client.delete(f"{URL}{config.pk}/").status_code == 404
    assert api_client.get(f"{URL}{config.pk}/").status_code == 200


def test_delete_config(api_client, user):
    config = make_config(user)
    assert api_client.delete(f"{URL}{config.pk}/").status_code == 204
    assert not BacktestConfig.objects.exists()


def test_anonymous_is_401(anon_client):
    assert anon_client.get(URL).status_code == 401
