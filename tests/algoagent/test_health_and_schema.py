"""Health endpoint, OpenAPI schema generation and the offline Swagger UI."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

import algoagent

pytestmark = pytest.mark.django_db

# Actions that take no request body on purpose.
BODILESS_ACTIONS = {
    "/api/auth/logout/",
    "/api/backtests/{id}/cancel/",
    "/api/jobs/{id}/cancel/",
    "/api/keys/{alias}/disable/",
    "/api/keys/{alias}/enable/",
    "/api/strategies/{id}/validate/",
    "/api/strategies/{id}/versions/{number}/restore/",
}


def test_health_is_open_and_reports_database_and_version(anon_client):
    response = anon_client.get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == algoagent.__version__
    assert body["database"]["ok"] is True
    assert body["workers"]["backend"] == "immediate"  # the test profile runs tasks inline
    assert body["workers"]["ok"] is True
    assert "process" in body["sandbox"]["available_layers"]
    assert body["sandbox"]["missing_layers"] == []


def test_health_reports_missing_required_sandbox_layers(anon_client, settings):
    settings.SANDBOX_REQUIRE_LAYERS = ["process", "no-such-layer"]
    body = anon_client.get("/api/health/").json()
    assert body["status"] == "degraded"
    assert body["sandbox"]["missing_layers"] == ["no-such-layer"]


def test_health_reports_no_worker_for_the_database_backend(anon_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    body = anon_client.get("/api/health/").json()
    assert body["workers"] == {"ok": False, "backend": "database", "alive": 0, "queued_jobs": 0}
    assert body["status"] == "degraded"


def test_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert "/api/strategies/" in schema["paths"]
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("responses"), f"{method} {path} has no responses"
            if method in {"post", "put", "patch"} and path not in BODILESS_ACTIONS:
                assert "requestBody" in operation, f"{method} {path} has no request schema"


def test_schema_and_docs_are_open_and_docs_use_local_assets(anon_client):
    assert anon_client.get("/api/schema/").status_code == 200
    docs = anon_client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html
    assert "unpkg" not in html
    asset = anon_client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_schema_says_which_pct_fields_are_fractions(anon_client):
    """A trade's return_pct and an equity point's drawdown_pct are backtesting.py's fractions
    (tests/backtest/executor: the values); the schema said 'percent' for drawdown_pct."""
    schemas = anon_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    drawdown = schemas["EquityCurvePoint"]["properties"]["drawdown_pct"]["description"]
    trade_return = schemas["Trade"]["properties"]["return_pct"]["description"]
    assert "FRACTION" in drawdown
    assert "0.05 = 5 %" in drawdown
    assert "FRACTION" in trade_return
    assert "-0.05 = a 5 % loss" in trade_return
