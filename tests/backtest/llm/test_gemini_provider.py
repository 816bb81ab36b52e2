"""The real GeminiProvider + google-genai client against the local fake Gemini server."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from google import genai

from Backtest.llm.base import LLMProvider, LLMRequest
from Backtest.llm.errors import (
    AllKeysExhaustedError,
    LLMBadRequestError,
    LLMEmptyResponseError,
    LLMInvalidKeyError,
    LLMUpstreamError,
)
from Backtest.llm.gemini import GeminiProvider
from Backtest.llm.key_rotation import ApiKey, KeyRotator
from tests.backtest.llm.conftest import SECRETS
from tests.backtest.llm.fake_gemini import (
    FakeGeminiServer,
    Reply,
    api_key_invalid,
    bad_request,
    blocked_prompt,
    empty_candidates,
    forbidden,
    malformed_json,
    ok,
    rate_limited,
    safety_stop,
    server_error,
    slow,
    unauthorized,
)
from tests.backtest.llm.fake_time import FakeClock, FakeSleep

MakeProvider = Callable[..., GeminiProvider]
MakeRotator = Callable[..., KeyRotator]
K1, K2, K3 = SECRETS["key_01"], SECRETS["key_02"], SECRETS["key_03"]

REQUEST = LLMRequest(system_prompt="You write strategies.", user_prompt="Buy when RSI < 30.")


def test_provider_satisfies_the_interface(make_provider: MakeProvider) -> None:
    provider = make_provider()
    assert isinstance(provider, LLMProvider)
    assert provider.name == "gemini"


def test_success_returns_text_usage_and_the_key_alias(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok("class Strategy: ...", input_tokens=42, output_tokens=17))
    response = make_provider().complete(REQUEST)
    assert response.text == "class Strategy: ..."
    assert (response.input_tokens, response.output_tokens) == (42, 17)
    assert (response.provider, response.model, response.key_alias) == (
        "gemini",
        "gemini-2.5-flash",
        "key_01",
    )
    assert response.finish_reason == "STOP"
    assert [(a.alias, a.outcome) for a in response.attempts] == [("key_01", "success")]
    assert response.duration_s > 0


def test_request_carries_prompts_config_and_key_header(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok("{}"))
    request = LLMRequest(
        system_prompt="Answer in JSON.",
        user_prompt="Parse: buy AAPL on golden cross",
        temperature=0.0,
        max_output_tokens=256,
        response_mime_type="application/json",
    )
    make_provider(model="gemini-2.5-pro").complete(request)
    (seen,) = fake_gemini.requests
    assert seen.model == "gemini-2.5-pro"
    assert seen.api_key == K1
    assert seen.headers["x-goog-api-key"] == K1
    assert "key=" not in seen.path
    body = seen.body
    assert body["contents"][0]["parts"][0]["text"] == "Parse: buy AAPL on golden cross"
    assert body["systemInstruction"]["parts"][0]["text"] == "Answer in JSON."
    assert body["generationConfig"] == {
        "temperature": 0.0,
        "maxOutputTokens": 256,
        "responseMimeType": "application/json",
    }


def test_fenced_code_comes_back_verbatim(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    text = (
        "Here you go:\n\n```python\nclass SmaCross(Strategy):\n    n1 = 10\n\n"
        "    def next(self):\n        pass\n```\n"
    )
    fake_gemini.script(ok(text))
    assert make_provider().complete(REQUEST).text == text


def test_thinking_tokens_count_as_output(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok("x", input_tokens=3, output_tokens=5, thoughts_tokens=100))
    assert make_provider().complete(REQUEST).output_tokens == 105


def test_rate_limit_rotates_to_second_key_and_user_gets_the_answer(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, clock: FakeClock
) -> None:
    fake_gemini.script(rate_limited("17s"), key=K1)
    fake_gemini.script(ok("from key two"), key=K2)
    provider = make_provider()
    response = provider.complete(REQUEST)
    assert response.text == "from key two"
    assert response.key_alias == "key_02"
    assert fake_gemini.keys_used == [K1, K2]
    assert [(a.outcome, a.error_code) for a in response.attempts] == [
        ("rate_limited", "429 RESOURCE_EXHAUSTED"),
        ("success", None),
    ]
    state = provider.rotator.store.all_states()["key_01"]
    assert state.cooldown_until == clock.now + timedelta(seconds=17)


def test_retry_after_header_sets_the_cooldown(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, clock: FakeClock
) -> None:
    fake_gemini.script(rate_limited(None, retry_after="42"), key=K1)
    fake_gemini.script(ok(), key=K2)
    provider = make_provider()
    provider.complete(REQUEST)
    state = provider.rotator.store.all_states()["key_01"]
    assert state.cooldown_until == clock.now + timedelta(seconds=42)


def test_cooled_down_key_returns_to_rotation_when_the_clock_passes_its_deadline(
    fake_gemini: FakeGeminiServer,
    make_provider: MakeProvider,
    make_rotator: MakeRotator,
    api_keys: list[ApiKey],
    clock: FakeClock,
) -> None:
    provider = make_provider(make_rotator(keys=api_keys[:2]))
    fake_gemini.script(rate_limited("30s"), key=K1)
    fake_gemini.script(ok(), ok(), ok(), ok(), ok(), key=K2)
    fake_gemini.script(ok("key one is back"), key=K1)
    assert [provider.complete(REQUEST).key_alias for _ in range(3)] == ["key_02"] * 3
    clock.advance(29)
    assert provider.complete(REQUEST).key_alias == "key_02"
    clock.advance(1)
    response = provider.complete(REQUEST)
    assert (response.key_alias, response.text) == ("key_01", "key one is back")
    assert fake_gemini.keys_used == [K1, K2, K2, K2, K2, K1]


@pytest.mark.parametrize("rejection", [unauthorized(), forbidden(), api_key_invalid()])
def test_rejected_key_is_skipped_afterwards_until_re_enabled(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, rejection: Reply
) -> None:
    provider = make_provider()
    fake_gemini.script(rejection, key=K1)
    fake_gemini.script(ok(), ok(), ok(), key=K2)
    fake_gemini.script(ok(), ok(), key=K3)
    fake_gemini.script(ok("k1 again"), key=K1)
    assert provider.complete(REQUEST).key_alias == "key_02"
    assert [provider.complete(REQUEST).key_alias for _ in range(4)] == [
        "key_03",
        "key_02",
        "key_03",
        "key_02",
    ]
    assert fake_gemini.keys_used.count(K1) == 1
    status = {row["alias"]: row for row in provider.rotator.status()}
    assert status["key_01"]["invalid"] is True
    assert status["key_01"]["healthy"] is False
    provider.rotator.enable("key_01")
    assert provider.complete(REQUEST).text == "k1 again"


def test_every_key_rejected_raises_invalid_key_error(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(api_key_invalid(), unauthorized(), forbidden())
    with pytest.raises(LLMInvalidKeyError):
        make_provider().complete(REQUEST)
    assert sorted(fake_gemini.keys_used) == sorted([K1, K2, K3])


def test_all_keys_rate_limited_raises_typed_error_with_retry_time(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, clock: FakeClock
) -> None:
    fake_gemini.script(rate_limited("50s"), rate_limited("9s"), rate_limited("31.5s"))
    provider = make_provider()
    with pytest.raises(AllKeysExhaustedError) as caught:
        provider.complete(REQUEST)
    assert caught.value.retry_at == clock.now + timedelta(seconds=9)
    assert caught.value.retry_after_s == pytest.approx(9.0)
    assert len(fake_gemini.requests) == 3
    # While every key cools down, no request reaches the server at all.
    with pytest.raises(AllKeysExhaustedError):
        provider.complete(REQUEST)
    assert len(fake_gemini.requests) == 3


def test_server_error_then_success_uses_injected_sleep_not_real_sleep(
    fake_gemini: FakeGeminiServer,
    make_provider: MakeProvider,
    make_rotator: MakeRotator,
    sleeper: FakeSleep,
) -> None:
    # A base this large would make a real sleep obvious in the wall time below.
    provider = make_provider(make_rotator(backoff_base_s=30.0, backoff_max_s=30.0))
    fake_gemini.script(server_error(500), ok("recovered"))
    started = time.monotonic()
    response = provider.complete(REQUEST)
    assert time.monotonic() - started < 10
    assert response.text == "recovered"
    assert [(a.outcome, a.error_code) for a in response.attempts] == [
        ("upstream_error", "500 INTERNAL"),
        ("success", None),
    ]
    assert len(sleeper.calls) == 1
    assert 0.0 <= sleeper.calls[0] <= 30.0


def test_persistent_5xx_gives_up_after_max_retries(
    fake_gemini: FakeGeminiServer,
    make_provider: MakeProvider,
    make_rotator: MakeRotator,
    sleeper: FakeSleep,
) -> None:
    provider = make_provider(make_rotator(max_retries=2))
    fake_gemini.script(*[server_error(503)] * 5)
    with pytest.raises(LLMUpstreamError) as caught:
        provider.complete(REQUEST)
    assert len(fake_gemini.requests) == 3
    assert len(sleeper.calls) == 2
    assert caught.value.code == "llm_upstream_error"


def test_sdk_does_not_retry_on_its_own(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, make_rotator: MakeRotator
) -> None:
    fake_gemini.script(*[server_error(503)] * 5)
    with pytest.raises(LLMUpstreamError):
        make_provider(make_rotator(max_retries=0)).complete(REQUEST)
    assert len(fake_gemini.requests) == 1


def test_timeout_moves_to_next_key(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(slow(ok("too late"), 2.0), key=K1)
    fake_gemini.script(ok("in time"), key=K2)
    started = time.monotonic()
    response = make_provider(timeout_s=0.5).complete(REQUEST)
    assert time.monotonic() - started < 1.9
    assert response.text == "in time"
    assert [(a.alias, a.error_code) for a in response.attempts] == [
        ("key_01", "timeout"),
        ("key_02", None),
    ]
    assert 0.4 <= response.attempts[0].duration_s < 1.9


def test_request_timeout_overrides_provider_default_and_retries_are_bounded(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, make_rotator: MakeRotator
) -> None:
    fake_gemini.script(slow(ok(), 2.0), slow(ok(), 2.0))
    provider = make_provider(make_rotator(max_retries=1), timeout_s=30.0)
    request = LLMRequest(system_prompt="s", user_prompt="u", timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(LLMUpstreamError) as caught:
        provider.complete(request)
    assert time.monotonic() - started < 3.0
    assert [a["error_code"] for a in caught.value.details["attempts"]] == ["timeout", "timeout"]


@pytest.mark.parametrize(
    ("reply", "error_code"),
    [
        (empty_candidates(), "no_candidates"),
        (blocked_prompt("SAFETY"), "prompt_blocked:SAFETY"),
        (safety_stop(), "finish:SAFETY"),
        (ok("   \n"), "empty_text"),
        (malformed_json(), "malformed_response"),
    ],
)
def test_unusable_replies_raise_empty_response_without_retrying(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider, reply: Reply, error_code: str
) -> None:
    fake_gemini.script(reply)
    with pytest.raises(LLMEmptyResponseError) as caught:
        make_provider().complete(REQUEST)
    assert len(fake_gemini.requests) == 1
    assert caught.value.details["attempts"][0]["error_code"] == error_code
    assert caught.value.code == "llm_empty_response"


def test_bad_request_is_not_retried_and_key_stays_healthy(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(bad_request("Invalid value at 'generation_config.temperature'"))
    provider = make_provider()
    with pytest.raises(LLMBadRequestError, match="temperature"):
        provider.complete(REQUEST)
    assert len(fake_gemini.requests) == 1
    assert all(row["healthy"] for row in provider.rotator.status())


def test_least_recently_used_key_order_across_many_calls(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(*[ok()] * 7)
    provider = make_provider()
    aliases = [provider.complete(REQUEST).key_alias for _ in range(7)]
    assert aliases == ["key_01", "key_02", "key_03", "key_01", "key_02", "key_03", "key_01"]
    assert fake_gemini.keys_used == [K1, K2, K3, K1, K2, K3, K1]


def test_disabled_key_is_never_sent(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(*[ok()] * 4)
    provider = make_provider()
    provider.rotator.disable("key_02")
    for _ in range(4):
        provider.complete(REQUEST)
    assert K2 not in fake_gemini.keys_used
    assert fake_gemini.keys_used == [K1, K3, K1, K3]


def test_one_sdk_client_is_created_per_key_and_reused(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    created: list[Any] = []

    def factory(api_key: str, http_options: Any) -> genai.Client:
        created.append(http_options)
        return genai.Client(vertexai=False, api_key=api_key, http_options=http_options)

    fake_gemini.script(*[ok()] * 6)
    provider = make_provider(client_factory=factory)
    for _ in range(6):
        provider.complete(REQUEST)
    assert len(created) == 3
    assert all(options.retry_options.attempts == 1 for options in created)
    assert all(options.base_url == fake_gemini.base_url for options in created)
