"""API keys never appear in errors, reprs, logs, tracebacks or the status table."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable

import pytest

from Backtest.llm.base import LLMRequest
from Backtest.llm.errors import LLMError, LLMInvalidKeyError, redact
from Backtest.llm.gemini import GeminiProvider
from Backtest.llm.key_rotation import ApiKey, KeyRotator
from tests.backtest.llm.fake_gemini import (
    API_KEY_PLACEHOLDER,
    FakeGeminiServer,
    Reply,
    api_key_invalid,
    bad_request,
    error_reply,
    malformed_json,
    ok,
    rate_limited,
    server_error,
    slow,
)

MakeProvider = Callable[..., GeminiProvider]
MakeRotator = Callable[..., KeyRotator]

# Unique strings: if either shows up anywhere, it leaked.
LEAKY_1 = "AIzaLEAKCANARY-one-5c1b7d0e9f-ZZ11"
LEAKY_2 = "AIzaLEAKCANARY-two-8a2e4f6b1c-ZZ22"
REQUEST = LLMRequest(system_prompt="s", user_prompt="u")


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert LEAKY_1 not in text
        assert LEAKY_2 not in text


def _error_texts(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, LLMError):
        texts.append(json.dumps(error.to_dict(), default=str))
    return texts


@pytest.fixture
def leaky_provider(make_provider: MakeProvider, make_rotator: MakeRotator) -> GeminiProvider:
    keys = [ApiKey("first", LEAKY_1), ApiKey("second", LEAKY_2)]
    return make_provider(make_rotator(keys=keys, max_retries=1), timeout_s=0.5)


ECHOING_REPLIES = {
    "invalid_key": api_key_invalid(f"API key {API_KEY_PLACEHOLDER} not valid."),
    "rate_limited": error_reply(429, "RESOURCE_EXHAUSTED", f"quota for {API_KEY_PLACEHOLDER}"),
    "server_error": error_reply(500, "INTERNAL", f"boom while serving {API_KEY_PLACEHOLDER}"),
    "bad_request": bad_request(f"bad request from {API_KEY_PLACEHOLDER}"),
}


@pytest.mark.parametrize("kind", sorted(ECHOING_REPLIES))
def test_upstream_echoing_the_key_never_leaks_it(
    fake_gemini: FakeGeminiServer,
    leaky_provider: GeminiProvider,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = ECHOING_REPLIES[kind]
    fake_gemini.script(reply, reply, reply, reply)
    with pytest.raises(LLMError) as caught:
        leaky_provider.complete(REQUEST)
    # The fake really did echo the key, so redaction (not luck) kept it out.
    assert fake_gemini.keys_used[0] in {LEAKY_1, LEAKY_2}
    _assert_clean(*_error_texts(caught.value))
    _assert_clean(caplog.text, json.dumps(leaky_provider.rotator.status()))
    # The last4 is allowed and useful to operators.
    if kind in {"invalid_key", "rate_limited", "server_error"}:
        assert "ZZ11" in json.dumps(leaky_provider.rotator.status())


def test_timeouts_malformed_and_successful_calls_leak_nothing(
    fake_gemini: FakeGeminiServer,
    leaky_provider: GeminiProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    fake_gemini.script(slow(ok(), 2.0), malformed_json())
    with pytest.raises(LLMError) as caught:
        leaky_provider.complete(REQUEST)
    texts += _error_texts(caught.value)
    fake_gemini.script(rate_limited("5s"), ok("fine"))
    response = leaky_provider.complete(REQUEST)
    texts += [repr(response), str(response.attempts)]
    _assert_clean(*texts, caplog.text, json.dumps(leaky_provider.rotator.status()))


def test_all_keys_invalid_error_names_aliases_only(
    fake_gemini: FakeGeminiServer, leaky_provider: GeminiProvider
) -> None:
    fake_gemini.script(api_key_invalid(), api_key_invalid())
    with pytest.raises(LLMInvalidKeyError) as caught:
        leaky_provider.complete(REQUEST)
    details = json.dumps(caught.value.details)
    assert "first" in details
    assert "second" in details
    _assert_clean(*_error_texts(caught.value))


def test_keys_and_rotator_reprs_hide_secrets(leaky_provider: GeminiProvider) -> None:
    rotator = leaky_provider.rotator
    _assert_clean(repr(ApiKey("first", LEAKY_1)), str(ApiKey("first", LEAKY_1)))
    _assert_clean(repr(rotator.store.all_states()), repr(rotator), repr(leaky_provider))


def test_redact_replaces_every_secret_with_its_last4() -> None:
    text = f"a {LEAKY_1} b {LEAKY_2} c {LEAKY_1}"
    assert redact(text, [LEAKY_1, LEAKY_2]) == "a …ZZ11 b …ZZ22 c …ZZ11"


def test_unknown_reply_shape_is_reported_without_key(
    fake_gemini: FakeGeminiServer, leaky_provider: GeminiProvider
) -> None:
    fake_gemini.script(Reply(502, f"<html>bad gateway {API_KEY_PLACEHOLDER}</html>".encode()))
    fake_gemini.script(server_error(503))
    with pytest.raises(LLMError) as caught:
        leaky_provider.complete(REQUEST)
    status = leaky_provider.rotator.status()
    assert "bad gateway" in json.dumps(status)
    _assert_clean(*_error_texts(caught.value), json.dumps(status))
