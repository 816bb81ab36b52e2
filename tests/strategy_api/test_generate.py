"""POST /api/strategies/generate_with_ai/ (alias generate/) with the offline generator."""

from __future__ import annotations

import pytest

from jobs.models import Job
from strategy_api.models import Strategy

pytestmark = [pytest.mark.django_db]

WAIT = {"HTTP_PREFER": "wait=60"}


@pytest.fixture(autouse=True)
def _offline(monkeypatch, settings):
    settings.LLM_PROVIDER = "auto"
    for name in ("GEMINI_API_KEYS", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_generate_offline_creates_a_generated_strategy(api_client, user):
    response = api_client.post(
        "/api/strategies/generate_with_ai/",
        {"description": "Buy when RSI(14) drops below 30, sell when RSI rises above 70"},
        **WAIT,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "success"
    assert body["provider"] == "offline"
    assert body["execution_result"] is None
    assert body["fix_attempts"] == 0
    assert "class " in body["code"]
    assert body["spec"]["indicators"][0]["indicator"] == "RSI"
    strategy = Strategy.objects.get(pk=body["strategy_id"])
    assert strategy.owner == user
    assert strategy.status == "generated"
    assert strategy.versions.get().source == "generated"
    assert Job.objects.get().strategy == strategy


@pytest.mark.slow
def test_generate_and_execute(api_client):
    body = api_client.post(
        "/api/strategies/generate/",
        {
            "description": "Go long when the 10-day SMA crosses above the 30-day SMA and exit "
            "when it crosses back below. 5% stop loss.",
            "execute_after_generation": True,
        },
        **WAIT,
    ).json()
    assert body["status"] == "success", body
    result = body["execution_result"]
    assert result["success"] is True
    assert result["metrics"]["num_trades"] > 0
    strategy = Strategy.objects.get(pk=body["strategy_id"])
    assert strategy.status == "executed"
    assert strategy.total_executions == 1


def test_description_not_understood_is_422_before_any_job(api_client):
    response = api_client.post(
        "/api/strategies/generate_with_ai/",
        {"description": "buy when the moon is full and the stars align"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "description_not_understood"
    assert len(error["message"]) < 600
    description = "buy when the moon is full and the stars align"
    for phrase in error["details"]["unrecognised"]:  # verbatim spans the UI can highlight
        assert description[phrase["start"] : phrase["end"]] == phrase["text"]
    assert error["details"]["unrecognised"]
    assert error["details"]["example"]
    assert not Job.objects.exists()
    assert not Strategy.objects.exists()


def test_gemini_requested_without_keys_is_422(api_client):
    response = api_client.post(
        "/api/strategies/generate_with_ai/",
        {"description": "buy when RSI < 30, sell when RSI > 70", "provider": "gemini"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "provider_unavailable"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": "rsi"}, "description"),
        ({"description": "buy when RSI < 30", "max_fix_attempts": 11}, "max_fix_attempts"),
        ({"description": "buy when RSI < 30", "provider": "openai"}, "provider"),
        ({}, "description"),
    ],
)
def test_generate_validates_input_by_field(api_client, payload, field):
    response = api_client.post("/api/strategies/generate_with_ai/", payload)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]


def test_generate_rejects_unknown_symbol_when_it_will_run(api_client):
    response = api_client.post(
        "/api/strategies/generate_with_ai/",
        {"description": "buy when RSI < 30, sell when RSI > 70", "symbol": "ZZZZ"},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_symbol"
    assert "symbol" in response.json()["error"]["details"]["fields"]


def test_capabilities_list_the_provider_and_constructs_whose_examples_generate(api_client):
    body = api_client.get("/api/strategies/capabilities/").json()
    assert body["provider"] == "offline"  # no Gemini keys in tests
    assert len(body["constructs"]) >= 10
    example = body["constructs"][0]["example"]
    response = api_client.post(
        "/api/strategies/generate_with_ai/", {"description": example}, HTTP_PREFER="wait=30"
    )
    assert response.status_code == 201, response.content
    assert response.json()["understood_as"]


def test_offline_generation_has_its_own_rate_and_refusals_do_not_count(api_client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"generate": "2/hour", "llm": "1/hour"}
    )
    url = "/api/strategies/generate_with_ai/"
    for _ in range(3):  # refusals: 422 each time, never 429
        assert api_client.post(url, {"description": "buy when the moon is full"}).status_code == 422
    good = {"description": "buy when RSI(14) < 30, sell when RSI(14) > 70"}
    assert api_client.post(url, good, HTTP_PREFER="wait=0").status_code == 202
    assert api_client.post(url, good, HTTP_PREFER="wait=0").status_code == 202  # not the llm rate
    third = api_client.post(url, good, HTTP_PREFER="wait=0")
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "throttled"
    assert "Retry-After" in third
