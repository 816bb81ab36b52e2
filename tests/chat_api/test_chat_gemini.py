"""The chat with Gemini: the real client against the fake Gemini server."""

from __future__ import annotations

import pytest

from chat_api.models import ChatMessage
from jobs.models import Job
from tests.backtest.llm.fake_gemini import ok, rate_limited, server_error
from tests.chat_api.conftest import WAIT, make_spec_strategy
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gemini")]

FASTER = SMA_CROSS_CODE.replace("n1 = 10", "n1 = 5")
BROKEN = FASTER.replace(
    "from backtesting.lib import crossover", "import os\nfrom backtesting.lib import crossover"
)


def _url(strategy) -> str:
    return f"/api/strategies/{strategy.pk}/chat/"


def _prompt(fake) -> str:
    body = fake.requests[-1].body
    return body["contents"][0]["parts"][0]["text"]


def test_prose_answer_changes_nothing(api_client, user, gemini):
    strategy = make_strategy(user)
    gemini.script(ok("It buys when the 10-bar SMA crosses above the 20-bar SMA."))
    response = api_client.post(_url(strategy), {"message": "What does this do?"}, **WAIT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["content"] == "It buys when the 10-bar SMA crosses above the 20-bar SMA."
    assert (body["changed"], body["version"], body["diff"]) == (False, None, "")
    assert body["provider"] == "gemini"
    assert body["key_alias"].startswith("key_")
    prompt = _prompt(gemini)
    assert "class SmaCross(Strategy):" in prompt
    assert "The strategy has not been backtested yet." in prompt
    assert prompt.rstrip().endswith("What does this do?\n</message>")
    system = gemini.requests[-1].body["systemInstruction"]["parts"][0]["text"]
    assert "exactly one ```python fenced block" in system


def test_markdown_headings_are_prose_not_code(api_client, user, gemini):
    strategy = make_strategy(user)
    gemini.script(ok("# Summary\nIt is a trend follower.\n\n# Risk\nNo stop loss."))
    body = api_client.post(_url(strategy), {"message": "Summarise it"}, **WAIT).json()
    assert body["changed"] is False
    assert body["findings"] == []
    assert "failed validation" not in body["content"]


def test_code_in_the_answer_becomes_a_new_version_with_a_diff(api_client, user, gemini):
    strategy = make_strategy(user)
    reply = f"I shortened the fast average to 5 bars.\n\n```python\n{FASTER}```\n"
    gemini.script(ok(reply))
    body = api_client.post(_url(strategy), {"message": "Make the fast SMA 5 bars"}, **WAIT).json()
    assert body["changed"] is True
    assert body["version"] == 2
    assert "-    n1 = 10\n+    n1 = 5\n" in body["diff"]
    assert body["content"].endswith("Saved as version 2.")
    strategy.refresh_from_db()
    assert strategy.code == FASTER
    assert strategy.spec is None
    assert strategy.status == "draft"
    version = strategy.versions.get(number=2)
    assert version.source == "chat"
    assert version.message == "Chat: I shortened the fast average to 5 bars."


def test_invalid_code_is_not_saved_and_the_findings_are_explained(api_client, user, gemini):
    strategy = make_strategy(user)
    gemini.script(ok(f"Here you go.\n```python\n{BROKEN}```"))
    body = api_client.post(_url(strategy), {"message": "Read a file"}, **WAIT).json()
    assert body["changed"] is False
    assert body["version"] is None
    assert "failed validation, so it was not saved" in body["content"]
    assert any(f["code"] == "forbidden_import" for f in body["findings"])
    strategy.refresh_from_db()
    assert strategy.current_version == 1
    assert strategy.code == SMA_CROSS_CODE


def test_context_has_spec_latest_backtest_and_recent_conversation(api_client, user, gemini):
    strategy = make_spec_strategy(user)
    strategy.executions.create(
        status="success", success=True, test_symbol="GOOG", return_pct=12.5, num_trades=7
    )
    for number in range(12):
        ChatMessage.objects.create(strategy=strategy, role="user", content=f"old message {number}")
    gemini.script(ok("Fine."))
    api_client.post(_url(strategy), {"message": "Any ideas?"}, **WAIT)
    prompt = _prompt(gemini)
    assert '"indicator": "RSI"' in prompt
    assert "return_pct 12.5, num_trades 7" in prompt
    assert "user: old message 11" in prompt
    assert "user: old message 2\n" in prompt
    assert "old message 1\n" not in prompt  # only the last 10 messages


def test_all_keys_rate_limited_is_503_with_retry_after(api_client, user, gemini):
    strategy = make_strategy(user)
    gemini.script(rate_limited("17s"), rate_limited("17s"), rate_limited("17s"))
    response = api_client.post(_url(strategy), {"message": "Explain"}, **WAIT)
    assert response.status_code == 503, response.content
    error = response.json()["error"]
    assert error["code"] == "llm_rate_limited"
    assert error["details"]["retry_after_seconds"] == 17
    assert Job.objects.get().status == "failed"
    reply = ChatMessage.objects.filter(role="assistant").get()
    assert reply.content.startswith("The model could not answer")
    assert reply.data["llm_failed"] is True


def test_other_llm_errors_are_502(api_client, user, gemini):
    strategy = make_strategy(user)
    gemini.script(server_error(500))
    response = api_client.post(_url(strategy), {"message": "Explain"}, **WAIT)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "llm_upstream_error"


def test_offline_can_still_be_requested_with_keys_configured(api_client, user, gemini):
    strategy = make_spec_strategy(user)
    body = api_client.post(
        _url(strategy), {"message": "add a 2% stop loss", "provider": "offline"}, **WAIT
    ).json()
    assert (body["changed"], body["provider"]) == (True, "offline")
    assert gemini.requests == []


@pytest.mark.slow
def test_a_chat_version_that_peeks_at_future_bars_is_flagged(api_client, user, gemini):
    from tests.research_api.test_lookahead import PEEKING

    strategy = make_strategy(user)
    gemini.script(ok(f"This trades on tomorrow's close.\n\n```python\n{PEEKING}```\n"))
    body = api_client.post(_url(strategy), {"message": "Use tomorrow's close"}, **WAIT).json()
    assert body["changed"] is True
    [warning] = [w for w in body["warnings"] if w["code"] == "lookahead"]
    assert "Warning:" in body["content"]
    assert warning["message"] in body["content"]
