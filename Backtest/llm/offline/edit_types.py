"""What a chat edit returns (:class:`EditResult`) or raises (:class:`EditNotUnderstood`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Shown whenever an edit is not understood, so the user sees phrasings that work.
EXAMPLE_EDITS: tuple[str, ...] = (
    "change the RSI period to 21",
    "use a 50 day SMA instead of 30",
    "add a 2% stop loss",
    "remove the stop loss",
    "trail by 3%",
    "use 50% of equity",
    "only trade when the 200 SMA is rising",
    "don't trade on Fridays",
    "remove the SMA(200) condition from the entry",
    "also exit when RSI is above 80",
    "exit when RSI is above 65 instead",
    "change the exit to RSI above 60",
    "use EMA instead of SMA",
    "buy when RSI drops below 25 instead of 30",
    "exit after 10 bars",
    "make it short only",
    "what does this strategy do?",
)
RULE_LABELS = {
    "entry": "Long entry",
    "exit": "Long exit",
    "short_entry": "Short entry",
    "short_exit": "Short exit",
}


@dataclass
class EditResult:
    """The edited spec (None: nothing changed, e.g. a question) and what was done.

    ``spec`` is spec 2.0 JSON that passed validation; ``summary`` is one line for the user;
    ``understood`` lists each change as ``"<what>: <before> -> <after>"``; ``replaced`` is
    True when a rule (or one of its conditions) was replaced rather than added to, and
    ``replaced_rules`` names those rules (``entry``, ``exit``, ``short_entry``,
    ``short_exit``). Edits only replace when the message says so ("instead", "replace").
    """

    spec: dict[str, Any] | None
    summary: str
    understood: list[str] = field(default_factory=list)
    replaced: bool = False
    replaced_rules: list[str] = field(default_factory=list)


class EditNotUnderstood(ValueError):
    """The message is not an edit the offline editor can make with certainty.

    ``examples`` are phrasings that work; ``candidates`` (when set) are the things the message
    could refer to ("fast: SMA(10) timeperiod 10"), so the user can say which one.
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
