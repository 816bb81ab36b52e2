"""Gemini through ``google-genai``: the one module in the project that talks to Google.

The SDK's own retries are switched off (``HttpRetryOptions(attempts=1)``) so :class:`KeyRotator`
is the single retry policy; this module only translates SDK outcomes into
:class:`~Backtest.llm.key_rotation.AttemptFailure` kinds and SDK responses into
:class:`~Backtest.llm.base.LLMResponse`.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pydantic
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from Backtest.llm.base import LLMRequest, LLMResponse
from Backtest.llm.key_rotation import ApiKey, AttemptFailure, FailureKind, KeyRotator

__all__ = ["DEFAULT_GEMINI_MODEL", "ClientFactory", "GeminiProvider"]

logger = logging.getLogger(__name__)

DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"

ClientFactory = Callable[[str, types.HttpOptions], Any]
"""``(api_key, http_options) -> genai.Client``-like object; injectable for tests."""


_ExcTypes = tuple[type[BaseException], ...]


def _transport_exceptions() -> tuple[_ExcTypes, _ExcTypes]:
    # google-genai runs on httpx or its fork httpx2, whichever is installed; catch both.
    timeouts: list[type[BaseException]] = []
    transport: list[type[BaseException]] = []
    for module_name in ("httpx", "httpx2"):
        try:
            module = __import__(module_name)
        except ImportError:
            continue
        timeouts.append(module.TimeoutException)
        transport.append(module.TransportError)
    return tuple(timeouts), tuple(transport)


_TIMEOUT_ERRORS, _TRANSPORT_ERRORS = _transport_exceptions()
_MALFORMED_ERRORS = (
    json.JSONDecodeError,
    genai_errors.UnknownApiResponseError,
    pydantic.ValidationError,
)

# Finish reasons meaning "the model refused or was stopped by a filter": partial text is unusable.
_BLOCKING_FINISH_REASONS = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}
)
_INVALID_KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED"})
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


@dataclass(frozen=True, slots=True)
class _Reply:
    text: str
    finish_reason: str | None
    input_tokens: int | None
    output_tokens: int | None


def _default_client_factory(api_key: str, http_options: types.HttpOptions) -> Any:
    # vertexai=False so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot reroute calls.
    return genai.Client(vertexai=False, api_key=api_key, http_options=http_options)


def _enum_name(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _error_body(details: Any) -> dict[str, Any]:
    if isinstance(details, list) and details:
        details = details[0]
    if not isinstance(details, dict):
        return {}
    inner = details.get("error", details)
    return inner if isinstance(inner, dict) else {}


def _detail_items(details: Any) -> list[dict[str, Any]]:
    items = _error_body(details).get("details") or []
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _parse_retry_delay(value: Any) -> float | None:
    """Parse a protobuf Duration as JSON (``"17s"``, ``"0.5s"``) or as ``{seconds, nanos}``."""
    if isinstance(value, str):
        match = _DURATION_RE.match(value)
        return float(match.group(1)) if match else None
    if isinstance(value, dict):
        try:
            return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
        except (TypeError, ValueError):
            return None
    return None


def _parse_retry_after_header(value: str | None) -> float | None:
    """Parse an HTTP ``Retry-After`` header: delay-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def server_retry_delay(exc: genai_errors.APIError) -> float | None:
    """The longest delay the server asked for (RetryInfo ``retryDelay`` / ``Retry-After``)."""
    delays: list[float] = []
    for item in _detail_items(exc.details):
        if str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            delay = _parse_retry_delay(item.get("retryDelay"))
            if delay is not None:
                delays.append(delay)
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is not None:
        header_delay = _parse_retry_after_header(headers.get("retry-after"))
        if header_delay is not None:
            delays.append(header_delay)
    return max(delays) if delays else None


def classify_api_error(exc: genai_errors.APIError, redact: Callable[[str], str]) -> AttemptFailure:
    """Map an SDK ``APIError`` onto the rotator's failure kinds."""
    code = exc.code if isinstance(exc.code, int) else 0
    status = exc.status if isinstance(exc.status, str) else ""
    error_code = f"{code} {status}".strip()
    message = redact(f"Gemini {error_code}: {exc.message or 'no message'}")
    reasons = {str(item.get("reason", "")) for item in _detail_items(exc.details)}
    if code == 429 or status == "RESOURCE_EXHAUSTED":
        return AttemptFailure(
            FailureKind.RATE_LIMITED,
            message,
            error_code=error_code,
            retry_after_s=server_retry_delay(exc),
        )
    key_rejected = code == 400 and "api key not valid" in (exc.message or "").lower()
    if code in (401, 403) or reasons & _INVALID_KEY_REASONS or key_rejected:
        return AttemptFailure(FailureKind.INVALID_KEY, message, error_code=error_code)
    if code == 408 or code >= 500:
        return AttemptFailure(FailureKind.TRANSIENT, message, error_code=error_code)
    return AttemptFailure(FailureKind.BAD_REQUEST, message, error_code=error_code)


def extract_reply(response: Any) -> _Reply:
    """Pull text, finish reason and token usage out of a ``GenerateContentResponse``.

    Raises ``AttemptFailure(EMPTY_RESPONSE)`` for blocked prompts, missing candidates, filtered
    candidates and blank text — every case where there is nothing the caller could use.
    """
    feedback = getattr(response, "prompt_feedback", None)
    block_reason = _enum_name(getattr(feedback, "block_reason", None))
    if block_reason:
        raise AttemptFailure(
            FailureKind.EMPTY_RESPONSE,
            f"Gemini blocked the prompt ({block_reason})",
            error_code=f"prompt_blocked:{block_reason}",
        )
    candidates = getattr(response, "candidates", None) or []
    if not candidates:
        raise AttemptFailure(
            FailureKind.EMPTY_RESPONSE, "Gemini returned no candidates", error_code="no_candidates"
        )
    candidate = candidates[0]
    finish_reason = _enum_name(candidate.finish_reason)
    if finish_reason in _BLOCKING_FINISH_REASONS:
        raise AttemptFailure(
            FailureKind.EMPTY_RESPONSE,
            f"Gemini stopped the answer ({finish_reason})",
            error_code=f"finish:{finish_reason}",
        )
    parts = (candidate.content.parts if candidate.content else None) or []
    # Thought parts are the model's scratchpad, not the answer.
    text = "".join(p.text for p in parts if isinstance(p.text, str) and not p.thought)
    if not text.strip():
        raise AttemptFailure(
            FailureKind.EMPTY_RESPONSE,
            f"Gemini returned an empty answer (finish reason {finish_reason})",
            error_code="empty_text",
        )
    usage = getattr(response, "usage_metadata", None)
    input_tokens = getattr(usage, "prompt_token_count", None)
    candidate_tokens = getattr(usage, "candidates_token_count", None)
    thought_tokens = getattr(usage, "thoughts_token_count", None)
    # Thinking tokens are billed as output, so they count toward output_tokens.
    output_tokens = (
        None
        if candidate_tokens is None and thought_tokens is None
        else (candidate_tokens or 0) + (thought_tokens or 0)
    )
    return _Reply(text, finish_reason, input_tokens, output_tokens)


class GeminiProvider:
    """:class:`~Backtest.llm.base.LLMProvider` backed by Gemini, rotating keys via ``rotator``."""

    name = "gemini"

    def __init__(
        self,
        rotator: KeyRotator,
        *,
        model: str = DEFAULT_GEMINI_MODEL,
        base_url: str | None = None,
        timeout_s: float = 60.0,
        api_version: str | None = None,
        client_factory: ClientFactory | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self._rotator = rotator
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.api_version = api_version
        self._client_factory = client_factory or _default_client_factory
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def rotator(self) -> KeyRotator:
        """The key rotator (status, enable/disable for the admin endpoints)."""
        return self._rotator

    def _client(self, key: ApiKey) -> Any:
        """One SDK client per key: clients hold connection pools worth reusing."""
        with self._lock:
            client = self._clients.get(key.alias)
            if client is None:
                options = types.HttpOptions(
                    base_url=self.base_url,
                    api_version=self.api_version,
                    timeout=_to_ms(self.timeout_s),
                    retry_options=types.HttpRetryOptions(attempts=1),
                )
                client = self._clients[key.alias] = self._client_factory(key.secret, options)
            return client

    def close(self) -> None:
        """Close cached SDK clients (their HTTP connection pools)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            close = getattr(client, "close", None)
            if callable(close):
                close()

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Send ``request`` to Gemini; raises a typed ``LLMError`` when the policy gives up."""
        started = time.perf_counter()
        result = self._rotator.run(lambda key: self._attempt(key, request))
        reply = result.value
        logger.debug(
            "gemini %s answered on key %s after %d attempt(s): %s in / %s out tokens",
            self.model,
            result.key_alias,
            len(result.attempts),
            reply.input_tokens,
            reply.output_tokens,
        )
        return LLMResponse(
            text=reply.text,
            provider=self.name,
            model=self.model,
            key_alias=result.key_alias,
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            attempts=result.attempts,
            duration_s=time.perf_counter() - started,
            finish_reason=reply.finish_reason,
        )

    def _attempt(self, key: ApiKey, request: LLMRequest) -> _Reply:
        timeout_s = request.timeout_s or self.timeout_s
        config = types.GenerateContentConfig(
            system_instruction=request.system_prompt or None,
            temperature=request.temperature,
            max_output_tokens=request.max_output_tokens,
            response_mime_type=request.response_mime_type,
            response_json_schema=request.response_json_schema,
            # No tools are passed, so automatic function calling has nothing to do: switch it off
            # to keep the SDK from looping or logging on our behalf.
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
            # Per-request options: the timeout may differ per call; retries stay off.
            http_options=types.HttpOptions(
                timeout=_to_ms(timeout_s), retry_options=types.HttpRetryOptions(attempts=1)
            ),
        )
        client = self._client(key)
        failure: AttemptFailure | None = None
        try:
            response = client.models.generate_content(
                model=self.model, contents=request.user_prompt, config=config
            )
        except genai_errors.APIError as exc:
            failure = classify_api_error(exc, self._rotator.redact)
        except _TIMEOUT_ERRORS:
            failure = AttemptFailure(
                FailureKind.TRANSIENT,
                f"Gemini timed out after {timeout_s:g}s",
                error_code="timeout",
            )
        except _TRANSPORT_ERRORS as exc:
            failure = AttemptFailure(
                FailureKind.TRANSIENT,
                f"network error talking to Gemini ({type(exc).__name__})",
                error_code="network_error",
            )
        except _MALFORMED_ERRORS as exc:
            # A 200 whose body is not JSON, or JSON that does not validate as a response.
            failure = AttemptFailure(
                FailureKind.EMPTY_RESPONSE,
                f"malformed reply from Gemini ({type(exc).__name__})",
                error_code="malformed_response",
            )
        if failure is not None:
            # Raised outside the except block: the SDK exception (its response still holds the
            # request headers, key included) must not ride along as __context__.
            raise failure
        return extract_reply(response)


def _to_ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))
