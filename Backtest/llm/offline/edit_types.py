"""What a chat edit returns (:class:`EditResult`) or raises (:class:`EditNotUnderstood`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Shown whenever an edit is not understood, so the user sees phrasings that work.
EXAMPLE_EDITS: tuple[str, ...] = (
    "change the RSI period to 21",
    "use a 50 day SMA instead of 30",
    "set the slow SMA to 50",
    "add a 2% stop loss",
    "remove the stop loss",
    "set take profit to 5%",
    "trail by 1.5%",
    "use 50% of equity",
    "exit when RSI is above 65 instead",
    "buy when RSI drops below 25 instead of 30",
    "make it short only",
    "trade both directions",
    "what does this strategy do?",
)


@dataclass
class EditResult:
    """The edited spec (None: nothing changed, e.g. a question), a summary and what was read.

    ``spec`` has passed :func:`Backtest.spec.validate_spec`; ``summary`` is one or two
    sentences for the user; ``understood`` lists each change as ``"<what>: <before> -> <after>"``.
    """

    spec: dict[str, Any] | None
    summary: str
    understood: list[str] = field(default_factory=list)


class EditNotUnderstood(ValueError):
    """The message is not an edit the offline editor can make with certainty.

    ``examples`` are phrasings that work; ``candidates`` (when set) are the things the message
    could refer to ("fast: SMA(10)", "slow: SMA(30)"), so the user can say which one.
    """

    code = "edit_not_understood"

    def __init__(
        self,
        message: str,
        *,
        examples: list[str] | None = None,
        candidates: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.examples = list(examples if examples is not None else EXAMPLE_EDITS)
        self.candidates = list(candidates or [])

    @property
    def details(self) -> dict[str, Any]:
        """JSON-safe details for an API error or a stored assistant message."""
        return {"examples": self.examples, "candidates": self.candidates}
