"""The provider interface every LLM backend (Gemini, the offline one, test fakes) implements.

Callers (parser, generator, fixer) depend only on :class:`LLMProvider`, :class:`LLMRequest` and
:class:`LLMResponse`, so swapping Gemini for an offline provider needs no change on their side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["AttemptRecord", "LLMProvider", "LLMRequest", "LLMResponse"]


@dataclass(frozen=True, slots=True)
class LLMRequest:
    """One prompt to complete; ``None`` limits mean "use the provider's default"."""

    system_prompt: str
    user_prompt: str
    temperature: float = 0.2
    max_output_tokens: int | None = None
    timeout_s: float | None = None
    response_mime_type: str | None = None
    #: JSON Schema the reply must follow (structured output; needs an application/json type).
    response_json_schema: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not self.user_prompt.strip():
            raise ValueError("user_prompt must not be empty")
        if not 0.0 <= self.temperature <= 2.0:
            raise ValueError("temperature must be within [0, 2]")
        if self.max_output_tokens is not None and self.max_output_tokens <= 0:
            raise ValueError("max_output_tokens must be positive")
        if self.timeout_s is not None and self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if self.response_json_schema is not None and self.response_mime_type != "application/json":
            raise ValueError("response_json_schema needs response_mime_type='application/json'")


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One try against one key, kept so callers and logs can explain slow or failed calls.

    ``outcome`` is one of ``success``, ``rate_limited``, ``invalid_key``, ``upstream_error``,
    ``bad_request``, ``empty_response``; ``error_code`` is the provider's code (``429
    RESOURCE_EXHAUSTED``, ``timeout`` …) or ``None`` on success.
    """

    alias: str
    outcome: str
    error_code: str | None
    duration_s: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict (used in error details)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LLMResponse:
    """A completed prompt plus the bookkeeping needed for cost tracking and debugging."""

    text: str
    provider: str
    model: str
    key_alias: str | None
    input_tokens: int | None
    output_tokens: int | None
    attempts: list[AttemptRecord] = field(default_factory=list)
    duration_s: float = 0.0
    finish_reason: str | None = None


@runtime_checkable
class LLMProvider(Protocol):
    """Anything that can turn an :class:`LLMRequest` into an :class:`LLMResponse`.

    Implementations raise subclasses of :class:`Backtest.llm.errors.LLMError` on failure.
    """

    name: str

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Complete ``request`` or raise an ``LLMError``."""
        ...
