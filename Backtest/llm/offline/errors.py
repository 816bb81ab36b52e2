"""The one error the offline parser raises: it says what it understood and how to rephrase."""

from __future__ import annotations

from Backtest.errors import GenerationError

# Shown when a description cannot be parsed, so the user sees phrasings that do work.
EXAMPLE_PHRASINGS: tuple[str, ...] = (
    "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.",
    "Buy when RSI(14) drops below 30, sell when it rises above 70. 2% stop loss.",
    "Go long when MACD crosses above its signal line; exit when it crosses below.",
    "Buy when price touches the lower Bollinger Band (20, 2), sell at the middle band.",
    "Short when the close crosses below the 50 EMA, cover when it crosses back above.",
    "Enter when ADX(14) > 25 and price is above the 200-day SMA; take profit at 10%.",
)


class DescriptionNotUnderstood(GenerationError, ValueError):
    """The description does not describe a strategy the spec can express.

    ``understood`` lists what was recognised (so the user can see what is missing),
    ``unrecognised`` the parts that could not be read or cannot be expressed, each with the
    reason, and ``examples`` phrasings that work. ``code``/``details`` feed the API's 422.
    """

    default_code = "description_not_understood"

    def __init__(
        self,
        message: str,
        *,
        understood: list[str] | None = None,
        unrecognised: list[str] | None = None,
        examples: list[str] | None = None,
    ) -> None:
        self.understood = list(understood or [])
        self.unrecognised = list(unrecognised or [])
        self.examples = list(examples if examples is not None else EXAMPLE_PHRASINGS)
        super().__init__(
            message,
            details={
                "understood": self.understood,
                "unrecognised": self.unrecognised,
                "examples": self.examples,
            },
        )
