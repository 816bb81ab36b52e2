"""Spec schema, code validation and the sandbox smoke test (real runs are marked slow)."""

from __future__ import annotations

import pytest
from rest_framework.throttling import ScopedRateThrottle

from Backtest.spec import example_spec_data
from tests.data_api.factories import make_dataset
from tests.factories import SMA_CROSS_CODE

pytestmark = pytest.mark.django_db

BASE = "/api/production/strategies"

RUNTIME_ERROR_CODE = """from backtesting import Strategy


class Broken(Strategy):
    def init(self):
        pass

    def next(self):
        value = 1 / 0
"""


# --- spec schema -------------------------------------------------------------------------------


def test_validate_schema_returns_the_normalised_spec(api_client):
    spec = example_spec_data("bollinger_breakout")  # uses the alias "Bollinger"
    response = api_client.post(f"{BASE}/validate-schema/", spec, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["valid"], body["schema_version"]) == (True, "1.0")
    assert body["spec"]["indicators"][0]["indicator"] == "BBANDS"
    assert body["spec"]["position_size"] == 1.0
    assert "stop_loss_pct" not in body["spec"]


def test_validate_schema_reports_every_problem_with_dotted_paths(api_client):
    spec = example_spec_data("rsi_reversion")
    spec["indicators"][0]["indicator"] = "RSII"
    spec["rules"]["entry"]["conditions"][0]["right"] = "nope"
    response = api_client.post(f"{BASE}/validate-schema/", spec, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    fields = error["details"]["fields"]
    assert "Did you mean: RSI" in fields["indicators.0.indicator"][0]
    assert "rules.entry.conditions.0.right" in fields


def test_validate_schema_rejects_a_non_object(api_client):
    response = api_client.post(f"{BASE}/validate-schema/", [1, 2], format="json")
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]["message"]


def test_schema_is_the_specs_json_schema(api_client):
    body = api_client.get(f"{BASE}/schema/").json()
    assert body["title"] == "StrategySpec"
    assert {"name", "rules", "indicators"} <= set(body["properties"])


# --- code validation ---------------------------------------------------------------------------


def test_validate_code_accepts_clean_code(api_client):
    response = api_client.post(f"{BASE}/validate-code/", {"code": SMA_CROSS_CODE}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["errors"], body["strategy_class"]) == (True, 0, "SmaCross")


def test_validate_code_reports_findings_with_lines(api_client):
    code = SMA_CROSS_CODE.replace("from backtesting.test import SMA", "import os")
    body = api_client.post(f"{BASE}/validate-code/", {"code": code}, format="json").json()
    assert body["valid"] is False
    assert body["errors"] >= 1
    finding = next(f for f in body["findings"] if f["severity"] == "error")
    assert finding["line"] == 3
    assert set(finding) == {"line", "column", "code", "message", "severity"}


def test_validate_code_requires_code(api_client):
    response = api_client.post(f"{BASE}/validate-code/", {}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()["error"]["details"]["fields"]


# --- sandbox test ------------------------------------------------------------------------------


@pytest.mark.slow
def test_sandbox_test_runs_code_for_real_on_the_last_bars(api_client):
    response = api_client.post(
        f"{BASE}/sandbox-test/", {"code": SMA_CROSS_CODE, "bars": 300}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ran"] is True
    assert body["success"] is True, body
    assert (body["symbol"], body["bars"]) == ("GOOG", 300)
    assert body["end"].startswith("2013-03-01")
    assert body["num_trades"] > 0
    assert isinstance(body["return_pct"], float)
    assert body["execution_time"] > 0
    assert "process" in body["sandbox_layers"]


@pytest.mark.slow
def test_sandbox_test_reports_a_runtime_error_with_its_line(api_client):
    response = api_client.post(f"{BASE}/sandbox-test/", {"code": RUNTIME_ERROR_CODE})
    body = response.json()
    assert response.status_code == 200
    assert (body["ran"], body["success"]) == (True, False)
    assert body["error_type"] == "ZeroDivisionError"
    assert body["error_line"] == 9


@pytest.mark.slow
def test_sandbox_test_compiles_a_spec_and_runs_it_on_an_upload(api_client, user):
    make_dataset(user, name="MYDATA", rows=120)
    response = api_client.post(
        f"{BASE}/sandbox-test/",
        {"spec": example_spec_data("sma_cross"), "symbol": "mydata", "bars": 100},
        format="json",
    )
    body = response.json()
    assert (body["symbol"], body["bars"], body["ran"], body["success"]) == (
        "MYDATA",
        100,
        True,
        True,
    ), body


def test_sandbox_test_does_not_run_code_the_validator_rejects(api_client):
    code = SMA_CROSS_CODE.replace("from backtesting.test import SMA", "import os")
    body = api_client.post(f"{BASE}/sandbox-test/", {"code": code}, format="json").json()
    assert (body["ran"], body["success"], body["error_type"]) == (False, False, "validation_error")
    assert body["error_line"] == 3
    assert body["sandbox_layers"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"code": "x", "spec": {}}, "non_field_errors"),
        ({"code": SMA_CROSS_CODE, "bars": 2001}, "bars"),
        ({"code": SMA_CROSS_CODE, "bars": 5}, "bars"),
        ({"code": SMA_CROSS_CODE, "symbol": "NOPE"}, "symbol"),
        ({"spec": {"name": "x", "rules": {"entry": {"op": "<"}}}}, "spec.rules.entry.left"),
    ],
)
def test_sandbox_test_rejects_bad_input(api_client, payload, field):
    response = api_client.post(f"{BASE}/sandbox-test/", payload, format="json")
    assert response.status_code == (404 if field == "symbol" else 400)
    assert field in response.json()["error"]["details"]["fields"]


def test_sandbox_test_cannot_use_another_users_upload(other_client, user):
    make_dataset(user, name="SECRET")
    response = other_client.post(
        f"{BASE}/sandbox-test/", {"code": SMA_CROSS_CODE, "symbol": "SECRET"}, format="json"
    )
    assert response.status_code == 404
    assert "unknown symbol 'SECRET'" in response.json()["error"]["details"]["fields"]["symbol"][0]


def test_sandbox_test_is_throttled_with_the_execute_scope(api_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"execute": "1/hour"})
    payload = {"code": "import os"}  # refused by the validator: no sandbox run needed
    assert api_client.post(f"{BASE}/sandbox-test/", payload, format="json").status_code == 200
    second = api_client.post(f"{BASE}/sandbox-test/", payload, format="json")
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "throttled"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "validate-schema/"),
        ("get", "schema/"),
        ("post", "validate-code/"),
        ("post", "sandbox-test/"),
    ],
)
def test_strategy_checks_require_authentication(anon_client, method, path):
    assert getattr(anon_client, method)(f"{BASE}/{path}").status_code == 401
