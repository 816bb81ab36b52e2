"""Typed errors of the LLM provider layer.

Every error carries a stable machine ``code`` and a JSON-friendly ``details`` dict so the REST layer
can render the project's API error shape (``{"code", "message", "details"}``) without knowing which
provider failed. No message or detail may ever contain an API key: callers only put aliases and the
last four characters in them, and :func:`redact` scrubs any upstream text before it gets here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from Backtest import errors

__all__ = [
    "AllKeysExhaustedError",
    "KeyConfigurationError",
    "LLMBadRequestError",
    "LLMEmptyResponseError",
    "LLMError",
    "LLMInvalidKeyError",
    "LLMUpstreamError",
    "NoKeysConfiguredError",
    "redact",
]

_MIN_SECRET_LEN_TO_REDACT = 4


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of any secret in ``text`` by ``…<last4>``.

    Upstream error bodies are free text we do not control; scrubbing them here is the last line of
    defence that keeps keys out of messages, logs and the key-status table.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) < _MIN_SECRET_LEN_TO_REDACT:
            # Redacting 1-3 character strings would mangle ordinary text; such keys are bogus.
            continue
        text = text.replace(secret, f"…{secret[-4:]}")
    return text


class LLMError(errors.LLMError):
    """Base class of every LLM-layer failure; carries the API error ``code`` and ``details``."""

    default_code = "llm_error"


class NoKeysConfiguredError(LLMError):
    """No API key is configured, or every configured key has been disabled by an operator."""

    default_code = "llm_no_keys"


class KeyConfigurationError(LLMError):
    """The key configuration is contradictory (e.g. one alias bound to two different keys)."""

    default_code = "llm_key_config"


class AllKeysExhaustedError(LLMError):
    """Every usable key is cooling down after a rate limit; ``retry_at`` says when one frees up."""

    default_code = "llm_rate_limited"

    def __init__(
        self,
        message: str,
        *,
        retry_at: datetime,
        retry_after_s: float,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = {"retry_at": retry_at.isoformat(), "retry_after_s": round(retry_after_s, 3)}
        merged.update(details or {})
        super().__init__(message, details=merged)
        self.retry_at = retry_at
        self.retry_after_s = retry_after_s


class LLMInvalidKeyError(LLMError):
    """Every usable key was rejected by the provider (401/403/API_KEY_INVALID)."""

    default_code = "llm_invalid_keys"


class LLMUpstreamError(LLMError):
    """The provider kept failing (5xx, timeouts, network errors) after bounded retries."""

    default_code = "llm_upstream_error"


class LLMEmptyResponseError(LLMError):
    """The provider answered but gave no usable text (empty, safety-blocked or malformed)."""

    default_code = "llm_empty_response"


class LLMBadRequestError(LLMError):
    """The provider rejected the request itself (a 4xx that no other key would fix)."""

    default_code = "llm_bad_request"
