"""available_indicators, validate, and version restore."""

from __future__ import annotations

import pytest

from strategy_api.models import Strategy
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = pytest.mark.django_db


def test_available_indicators_lists_featured_and_talib(api_client):
    body = api_client.get("/api/strategies/available_indicators/").json()
    assert body["count"] == len(body["indicators"]) > 150
    names = {i["name"] for i in body["indicators"]}
    assert {"SMA", "EMA", "RSI", "MACD", "BBANDS", "ATR", "STOCH", "ADX", "CCI"} <= names
    rsi = next(i for i in body["indicators"] if i["name"] == "RSI")
    assert rsi["parameters"][0] == {
        "name": "timeperiod",
        "type": "int",
        "default": 14,
        "min": 2,
        "max": 500,
        "description": rsi["parameters"][0]["description"],
    }
    assert "self.I(" in rsi["example"]
    assert "Momentum Indicators" in body["groups"]


def test_available_indicators_featured_filter_gives_the_original_seven(api_client):
    body = api_client.get("/api/strategies/available_indicators/?featured=true").json()
    assert body["count"] == 7
    assert [i["name"] for i in body["indicators"]] == [
        "SMA",
        "EMA",
        "RSI",
        "MACD",
        "BBANDS",
        "ATR",
        "STOCH",
    ]


def test_available_indicators_group_and_search(api_client):
    volume = api_client.get("/api/strategies/available_indicators/?group=Volume Indicators").json()
    assert volume["count"] >= 3
    assert {i["group"] for i in volume["indicators"]} == {"Volume Indicators"}
    found = api_client.get("/api/strategies/available_indicators/?search=bollinger").json()
    assert "BBANDS" in [i["name"] for i in found["indicators"]]


def test_available_indicators_rejects_bad_featured_value(api_client):
    response = api_client.get("/api/strategies/available_indicators/?featured=maybe")
    assert response.status_code == 400
    assert "featured" in response.json()["error"]["details"]["fields"]


def test_available_indicators_requires_auth(anon_client):
    assert anon_client.get("/api/strategies/available_indicators/").status_code == 401


def test_validate_clean_code_marks_strategy_valid(api_client, user):
    strategy = make_strategy(user)
    body = api_client.post(f"/api/strategies/{strategy.pk}/validate/").json()
    assert body["valid"] is True
    assert body["strategy_class"] == "SmaCross"
    assert body["errors"] == 0
    assert body["status"] == "valid"
    assert Strategy.objects.get(pk=strategy.pk).status == "valid"


def test_validate_reports_findings_with_lines_and_marks_invalid(api_client, user):
    code = SMA_CROSS_CODE.replace(
        "from backtesting.test import SMA", "from backtesting.test import SMA\nimport os"
    )
    strategy = make_strategy(user, code=code)
    body = api_client.post(f"/api/strategies/{strategy.pk}/validate/").json()
    assert body["valid"] is False
    finding = next(f for f in body["findings"] if f["code"] == "forbidden_import")
    assert finding["line"] == 4
    assert finding["severity"] == "error"
    assert "os" in finding["message"]
    assert Strategy.objects.get(pk=strategy.pk).status == "invalid"


def test_validate_keeps_executed_status_when_code_is_valid(api_client, user):
    strategy = make_strategy(user)
    Strategy.objects.filter(pk=strategy.pk).update(status="executed")
    body = api_client.post(f"/api/strategies/{strategy.pk}/validate/").json()
    assert body["status"] == "executed"


def test_restore_version_creates_new_version_with_old_code(api_client, user):
    strategy = make_strategy(user)
    api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": SMA_CROSS_CODE + "# v2\n"})
    response = api_client.post(f"/api/strategies/{strategy.pk}/versions/1/restore/")
    assert response.status_code == 201
    assert response.json()["number"] == 3
    assert response.json()["source"] == "restore"
    strategy.refresh_from_db()
    assert strategy.code == SMA_CROSS_CODE
    assert strategy.current_version == 3


def test_restore_unknown_version_is_404(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(f"/api/strategies/{strategy.pk}/versions/9/restore/")
    assert response.status_code == 404
    assert "version 9" in response.json()["error"]["message"]


def test_restore_on_other_users_strategy_is_404(other_client, user):
    strategy = make_strategy(user)
    assert (
        other_client.post(f"/api/strategies/{strategy.pk}/versions/1/restore/").status_code == 404
    )
    assert strategy.versions.count() == 1
