"""The domain's one exception hierarchy.

Every error the ``Backtest`` package raises on purpose derives from :class:`AlgoAgentError` and
carries a stable machine ``code`` and JSON-safe ``details``. The web layer maps the *family*
(``DataError``, ``SpecError``, ``StrategyError``, ``SandboxError``, ``GenerationError``,
``LLMError``) and, where one is set, the subclass to an HTTP status in exactly one place
(``algoagent/errors.py``); nothing in this package knows about HTTP.

    AlgoAgentError
    ├── DataError          market data cannot be served (unknown symbol, empty range, ...)
    ├── SpecError          a strategy spec is invalid or cannot be compiled
    ├── StrategyError      the strategy code itself is unusable before any run
    ├── SandboxError       the sandbox is unavailable or refused to run (ResourceLimitError ...)
    ├── GenerationError    a description cannot become a strategy (DescriptionNotUnderstood ...)
    └── LLMError           the LLM provider failed (no keys, rate limited, upstream error ...)
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AlgoAgentError",
    "DataError",
    "GenerationError",
    "LLMError",
    "SandboxError",
    "SpecError",
    "StrategyError",
]


class AlgoAgentError(Exception):
    """Base of every deliberate domain error: a message, a stable ``code`` and ``details``."""

    default_code: ClassVar[str] = "error"

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code: str = code or self.default_code
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """The ``{"code", "message", "details"}`` body of the API's error shape."""
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class DataError(AlgoAgentError):
    """Market data cannot be served for the request (the request, not the code, is at fault)."""

    default_code = "data_error"


class SpecError(AlgoAgentError):
    """A strategy spec is invalid or cannot be compiled."""

    default_code = "spec_error"


class StrategyError(AlgoAgentError):
    """The strategy code is unusable before it runs (no code, static validation failed ...)."""

    default_code = "strategy_error"


class SandboxError(AlgoAgentError):
    """The sandbox is unavailable or refused to run the code."""

    default_code = "sandbox_error"


class GenerationError(AlgoAgentError):
    """A description could not be turned into a strategy."""

    default_code = "generation_error"


class LLMError(AlgoAgentError):
    """The LLM provider failed (configuration, rate limits, upstream errors)."""

    default_code = "llm_error"
