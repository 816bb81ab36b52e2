"""LLM provider layer: the provider interface, typed errors, API-key rotation and Gemini.

Pure Python (no Django). Callers build a :class:`KeyRotator` from :func:`load_keys_from_env` and
a :class:`KeyStateStore`, wrap it in :class:`GeminiProvider`, and depend only on
:class:`LLMProvider` afterwards. ``Backtest.llm.gemini`` (and so ``google-genai``) is imported
lazily so offline users of this package never load the SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from Backtest.llm.base import AttemptRecord, LLMProvider, LLMRequest, LLMResponse
from Backtest.llm.errors import (
    AllKeysExhaustedError,
    KeyConfigurationError,
    LLMBadRequestError,
    LLMEmptyResponseError,
    LLMError,
    LLMInvalidKeyError,
    LLMUpstreamError,
    NoKeysConfiguredError,
)
from Backtest.llm.key_rotation import (
    ApiKey,
    AttemptFailure,
    FailureKind,
    InMemoryKeyStateStore,
    KeyRotator,
    KeyState,
    KeyStateStore,
    RotationResult,
    load_keys_from_env,
)

if TYPE_CHECKING:
    from Backtest.llm.gemini import GeminiProvider

__all__ = [
    "AllKeysExhaustedError",
    "ApiKey",
    "AttemptFailure",
    "AttemptRecord",
    "FailureKind",
    "GeminiProvider",
    "InMemoryKeyStateStore",
    "KeyConfigurationError",
    "KeyRotator",
    "KeyState",
    "KeyStateStore",
    "LLMBadRequestError",
    "LLMEmptyResponseError",
    "LLMError",
    "LLMInvalidKeyError",
    "LLMProvider",
    "LLMRequest",
    "LLMResponse",
    "LLMUpstreamError",
    "NoKeysConfiguredError",
    "RotationResult",
    "load_keys_from_env",
]


def __getattr__(name: str) -> Any:
    if name == "GeminiProvider":
        from Backtest.llm.gemini import GeminiProvider

        return GeminiProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
