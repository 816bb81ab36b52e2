"""``BacktestRequest``: what to backtest on, validated once, the same for every route.

Ranges live here and only here: the web layer's input serializer reads them from
:data:`LIMITS` (so the OpenAPI schema shows them) and builds the request through
:meth:`BacktestRequest.build`, whose messages name the field and the allowed range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from Backtest.errors import AlgoAgentError

__all__ = ["BROKER_OPTIONS", "LIMITS", "BacktestRequest", "InvalidRequest", "Range"]


@dataclass(frozen=True)
class Range:
    """An allowed interval for one number, with the words a user needs to choose a value."""

    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = True
    meaning: str = ""

    def contains(self, value: float) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        below = value <= self.high if self.high_inclusive else value < self.high
        return above and below

    def describe(self) -> str:
        low = f"at least {self.low:g}" if self.low_inclusive else f"more than {self.low:g}"
        high = f"at most {self.high:g}" if self.high_inclusive else f"below {self.high:g}"
        return f"{low} and {high}"


LIMITS: dict[str, Range] = {
    "cash": Range(0, 1e12, low_inclusive=False, meaning="starting cash in the account currency"),
    "commission": Range(
        0, 0.2, high_inclusive=False, meaning="fraction of the trade value (0.002 = 0.2 %)"
    ),
    "spread": Range(0, 0.2, high_inclusive=False, meaning="fraction of the price (0.0002 = 2 bp)"),
    "margin": Range(
        0, 1, low_inclusive=False, meaning="required margin (1 = no leverage, 0.02 = 50:1)"
    ),
    "last_bars": Range(20, 100_000, meaning="run on the last N bars of the range only"),
}
#: ``backtesting.Backtest`` keywords a request carries (besides cash).
BROKER_OPTIONS = (
    "commission",
    "spread",
    "margin",
    "trade_on_close",
    "hedging",
    "exclusive_orders",
    "finalize_trades",
)


class InvalidRequest(AlgoAgentError):
    """A request field is out of range or inconsistent; ``details.fields`` names each one."""

    default_code = "validation_error"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        names = ", ".join(fields)
        super().__init__(f"Invalid input in: {names}.", details={"fields": fields})


class BacktestRequest(BaseModel):
    """One backtest's data selection and broker settings (backtesting.py's own meanings).

    ``interval`` None runs on the data's own bar size; ``start``/``end`` are inclusive dates;
    ``last_bars`` keeps only the last N bars of that range (the quick sandbox test);
    ``benchmark`` names another symbol to measure the run against (default: its own symbol).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    symbol: str = Field("GOOG", min_length=1, max_length=64)
    interval: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    cash: float = 10_000.0
    commission: float = 0.0
    spread: float = 0.0
    margin: float = 1.0
    trade_on_close: bool = False
    hedging: bool = False
    exclusive_orders: bool = False
    finalize_trades: bool = False
    last_bars: int | None = None
    plot: bool = True
    benchmark: str | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _ranges(self) -> BacktestRequest:
        problems: dict[str, list[str]] = {}
        for name, allowed in LIMITS.items():
            value = getattr(self, name)
            if value is not None and not allowed.contains(value):
                problems[name] = [range_message(name, value)]
        if self.start and self.end and self.start > self.end:
            problems["end"] = [f"end ({self.end}) must not be before start ({self.start})."]
        if problems:
            raise ValueError(problems)
        return self

    @classmethod
    def build(cls, **values: Any) -> BacktestRequest:
        """Validate ``values``; raise :class:`InvalidRequest` naming every bad field."""
        values = {k: v for k, v in values.items() if v is not None}
        for name in ("symbol", "benchmark"):
            if isinstance(values.get(name), str):
                values[name] = values[name].strip().upper()
        try:
            return cls(**values)
        except ValidationError as exc:
            raise InvalidRequest(_fields(exc)) from None

    def broker_options(self) -> dict[str, Any]:
        """The ``backtesting.Backtest`` keywords of this request."""
        return {"cash": self.cash, **{name: getattr(self, name) for name in BROKER_OPTIONS}}

    def to_json(self) -> dict[str, Any]:
        """JSON for job payloads and stored runs (dates as ISO strings)."""
        return self.model_dump(mode="json")


def range_message(name: str, value: float) -> str:
    """``commission must be at least 0 and below 0.2 (fraction of ...); got 5.``"""
    allowed = LIMITS[name]
    meaning = f" ({allowed.meaning})" if allowed.meaning else ""
    return f"{name} must be {allowed.describe()}{meaning}; got {value:g}."


def _fields(exc: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        context = error.get("ctx", {}).get("error")
        if error["type"] == "value_error" and isinstance(context, ValueError):
            problems = context.args[0] if context.args else None
            if isinstance(problems, dict):
                for name, messages in problems.items():
                    fields.setdefault(str(name), []).extend(messages)
                continue
        name = ".".join(str(part) for part in error["loc"]) or "non_field_errors"
        fields.setdefault(name, []).append(error["msg"])
    return fields
