"""POST/GET /api/strategies/{id}/chat/ with the offline editor (no Gemini keys)."""

from __future__ import annotations

import pytest
from rest_framework.throttling import ScopedRateThrottle

from chat_api.models import ChatMessage
from jobs.models import Job
from strategy_api import services
from tests.chat_api.conftest import WAIT, make_spec_strategy
from tests.factories import make_strategy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline")]


def _url(strategy) -> str:
    return f"/api/strategies/{strategy.pk}/chat/"


def test_edit_creates_a_chat_version_with_a_diff(api_client, user):
    strategy = make_spec_strategy(user)
    response = api_client.post(_url(strategy), {"message": "change the RSI period to 21"}, **WAIT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == "assistant"
    assert body["changed"] is True
    assert body["version"] == 2
    assert body["provider"] == "offline"
    assert body["key_alias"] == ""
    assert body["understood"] == ["rsi (timeperiod): RSI(14) -> RSI(21)"]
    assert "Saved as version 2." in body["content"]
    assert "It now reads: Enter long when RSI(21)" in body["content"]
    assert body["understood_as"].startswith("Enter long when RSI(21)")
    assert body["rule_replaced"] is False
    assert body["diff"].startswith("--- strategy.py")
    assert "-    rsi_timeperiod = 14\n" in body["diff"]
    assert "+    rsi_timeperiod = 21\n" in body["diff"]

    strategy.refresh_from_db()
    assert strategy.current_version == 2
    assert strategy.status == "draft"  # new code has not been validated or run yet
    assert strategy.spec["indicators"][0]["params"]["timeperiod"] == 21
    assert "rsi_timeperiod = 21" in strategy.code
    version = strategy.versions.get(number=2)
    assert version.source == "chat"
    assert version.created_by == user
    assert version.message.startswith("Chat: Updated the strategy: ")
    reply = ChatMessage.objects.get(pk=body["id"])
    assert reply.version == version
    job = Job.objects.get()
    assert (job.kind, job.status, job.strategy) == ("chat", "succeeded", strategy)


def test_get_returns_the_conversation_oldest_first(api_client, user, django_assert_num_queries):
    strategy = make_spec_strategy(user)
    api_client.post(_url(strategy), {"message": "add a 2% stop loss"}, **WAIT)
    api_client.post(_url(strategy), {"message": "what does this strategy do?"}, **WAIT)
    with django_assert_num_queries(4):  # token, strategy, count, page (versions joined)
        response = api_client.get(_url(strategy))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    roles = [m["role"] for m in body["results"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    first, answer = body["results"][0], body["results"][1]
    assert first["content"] == "add a 2% stop loss"
    assert (first["changed"], first["version"], first["provider"]) == (False, None, "")
    assert (answer["changed"], answer["version"]) == (True, 2)
    assert "Stop loss 2% below the entry price." in body["results"][3]["content"]


def test_question_is_answered_without_a_version(api_client, user):
    strategy = make_spec_strategy(user)
    body = api_client.post(_url(strategy), {"message": "explain"}, **WAIT).json()
    assert (body["changed"], body["version"], body["diff"]) == (False, None, "")
    assert "Enter long when RSI(14) is below 30." in body["content"]
    strategy.refresh_from_db()
    assert strategy.current_version == 1


def test_request_not_understood_is_an_answer_not_a_failure(api_client, user):
    strategy = make_spec_strategy(user, "sma_cross")
    response = api_client.post(_url(strategy), {"message": "change the SMA period to 50"}, **WAIT)
    assert response.status_code == 200
    body = response.json()
    assert body["changed"] is False
    assert body["version"] is None
    assert "fast: SMA(10) timeperiod 10" in body["content"]
    assert "This needs an LLM (configure GEMINI_API_KEYS) or rephrase as one of:" in body["content"]
    assert body["error"]["code"] == "edit_not_understood"
    assert body["error"]["details"]["candidates"] == [
        "fast: SMA(10) timeperiod 10",
        "slow: SMA(30) timeperiod 30",
    ]
    assert Job.objects.get().status == "succeeded"


def test_strategy_without_spec_says_it_needs_an_llm(api_client, user):
    strategy = make_strategy(user)
    body = api_client.post(_url(strategy), {"message": "add a 2% stop loss"}, **WAIT).json()
    assert body["changed"] is False
    assert body["content"].startswith("This strategy is free-form code without a spec")
    assert "configure GEMINI_API_KEYS" in body["content"]
    assert body["error"]["code"] == "needs_llm"
    strategy.refresh_from_db()
    assert strategy.current_version == 1


def test_strategy_without_code_is_not_called_free_form_code(api_client, user):
    strategy = services.strategy_create(owner=user, name="empty")
    body = api_client.post(_url(strategy), {"message": "what does this strategy do?"}, **WAIT)
    content = body.json()["content"]
    assert content.startswith("This strategy has no code yet")
    assert "free-form" not in content


def test_without_prefer_wait_the_answer_is_a_job(api_client, user):
    strategy = make_spec_strategy(user)
    response = api_client.post(_url(strategy), {"message": "trail by 1.5%"})
    assert response.status_code == 202
    body = response.json()
    assert body["job_url"] == f"/api/jobs/{body['job_id']}/"
    job = api_client.get(body["job_url"]).json()
    assert job["kind"] == "chat"
    assert job["result"]["understood"] == ["Trailing stop: none -> 1.5%"]


def test_another_users_strategy_is_404_and_nothing_is_stored(other_client, user):
    strategy = make_spec_strategy(user)
    assert other_client.get(_url(strategy)).status_code == 404
    response = other_client.post(_url(strategy), {"message": "explain"}, **WAIT)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not ChatMessage.objects.exists()
    assert not Job.objects.exists()


def test_anonymous_is_401(anon_client, user):
    strategy = make_spec_strategy(user)
    assert anon_client.get(_url(strategy)).status_code == 401
    response = anon_client.post(_url(strategy), {"message": "explain"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "explain", "provider": "openai"}, "provider"),
    ],
)
def test_bad_input_is_400_by_field(api_client, user, payload, field):
    strategy = make_spec_strategy(user)
    response = api_client.post(_url(strategy), payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]["fields"]
    assert not ChatMessage.objects.exists()


def test_gemini_without_keys_is_422_before_anything_is_stored(api_client, user):
    strategy = make_spec_strategy(user)
    response = api_client.post(_url(strategy), {"message": "explain", "provider": "gemini"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "provider_unavailable"
    assert not ChatMessage.objects.exists()
    assert not Job.objects.exists()


def test_asking_is_throttled_with_the_llm_scope_but_reading_is_not(api_client, user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"llm": "1/hour"})
    strategy = make_spec_strategy(user)
    assert api_client.post(_url(strategy), {"message": "explain"}).status_code == 202
    second = api_client.post(_url(strategy), {"message": "explain"})
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "throttled"
    assert api_client.get(_url(strategy)).status_code == 200
    assert api_client.get(_url(strategy)).status_code == 200
