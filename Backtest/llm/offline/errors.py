"""The one error the offline parser raises: which phrases it could not place, and what works.

``details`` (served in the API's error shape)::

    {"unrecognised": [{"text": "crosess", "start": 17, "end": 24,
                       "reason": "not a word the offline parser knows (did you mean 'crosses'?)"}],
     "suggestions": ["Crossovers: 'the 10-day SMA crosses above the 30-day SMA'"],
     "example": "Buy when the 50 SMA crosses above the 200 SMA, sell on the death cross",
     "example_source": "closest_construct",
     "understood": ["Sell when RSI(14) is above 70"]}

``example_source`` is ``"your_text_without_those_words"`` when the example is the user's own
text with the phrases not understood removed (check it: a dropped word may have mattered), or
``"closest_construct"`` when it is the example of the closest supported construct.

Every ``text`` is the verbatim substring ``description[start:end]``, so a UI can highlight it.
The message itself stays short (well under 600 characters).
"""

from __future__ import annotations

from typing import Any, TypedDict

from Backtest.errors import GenerationError

MAX_MESSAGE = 600


class Unrecognised(TypedDict):
    """One phrase that could not be placed: verbatim text, its span and why."""

    text: str
    start: int
    end: int
    reason: str


class DescriptionNotUnderstood(GenerationError, ValueError):
    """The description does not describe a strategy the spec can express (or not clearly).

    ``unrecognised`` lists the phrases (verbatim, with character offsets) and reasons;
    ``suggestions`` the closest supported constructs; ``example`` one phrasing that works;
    ``understood`` what was read without trouble.
    """

    default_code = "description_not_understood"

    def __init__(
        self,
        message: str,
        *,
        unrecognised: list[Unrecognised] | None = None,
        suggestions: list[str] | None = None,
        example: str = "",
        understood: list[str] | None = None,
        example_from_text: bool = False,
    ) -> None:
        self.unrecognised = list(unrecognised or [])
        self.suggestions = list(suggestions or [])
        self.example = example
        self.understood = list(understood or [])
        details: dict[str, Any] = {
            "unrecognised": self.unrecognised,
            "suggestions": self.suggestions,
            "example": self.example,
            "example_source": "your_text_without_those_words"
            if example_from_text
            else "closest_construct",
            "understood": self.understood,
        }
        super().__init__(message, details=details)

    @property
    def examples(self) -> list[str]:
        """Phrasings that work (the one example), for callers of the 1.0 interface."""
        return [self.example] if self.example else []
