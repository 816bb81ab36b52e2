"""Pieces both spec versions share: price fields, numbers, series references, id rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

PRICE_FIELDS = ("Open", "High", "Low", "Close", "Volume")
PriceField = Literal["Open", "High", "Low", "Close", "Volume"]
Side = Literal["long", "short", "both"]
Op = Literal["<", ">", "<=", ">=", "crosses_above", "crosses_below"]
SKIP_SEMANTICS = "skip_semantics"  # validation-context flag used by validate_spec()

#: The semantic pass of each spec version, registered by ``Backtest.spec.semantics`` and
#: ``Backtest.spec.upgrade`` when the package loads (a model must not import the checks that
#: import it). Keys: "2.0", "1.0"; each returns a list of ``{"field", "message"}``.
SEMANTIC_PASSES: dict[str, Callable[[Any], list[Any]]] = {}


def semantic_problems(version: str, spec: Any) -> list[Any]:
    """Run the registered semantic pass of ``version`` on a structurally valid spec."""
    return SEMANTIC_PASSES[version](spec)


RULE_KEYS = ("entry", "exit", "short_entry", "short_exit")

FORBID = ConfigDict(extra="forbid")
ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


def _number(value: Any, handler: Any) -> Any:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("number", "must be a number") from None


Number = Annotated[StrictInt | StrictFloat, WrapValidator(_number)]


def price_field_spelling(value: Any) -> Any:
    """ "close" -> "Close": price fields are spelled one way; anything else is unchanged."""
    if isinstance(value, str) and value.lower() in {f.lower() for f in PRICE_FIELDS}:
        return value.capitalize()
    return value


class SeriesRef(BaseModel):
    """A series read some bars back: ``{"ref": "dc_high", "bars_ago": 1}`` is yesterday's value."""

    model_config = FORBID

    ref: str = Field(
        description="Price field (Close, High, ...) or indicator output ('rsi', 'macd.macdsignal')"
    )
    bars_ago: int = Field(0, ge=0, le=500, description="0 = current bar, 1 = previous bar, ...")

    def model_post_init(self, context: Any, /) -> None:
        self.ref = price_field_spelling(self.ref)


def param_attribute(indicator_id: str, param: str) -> str:
    """Class-attribute name holding one indicator parameter in compiled code."""
    return f"{indicator_id}_{param}"


# Class attributes the compiled code defines besides indicator parameters (both versions).
RISK_ATTRIBUTES = (
    "stop_loss_pct",
    "take_profit_pct",
    "trailing_stop_pct",
    "position_size",
    "stop_loss_atr",
    "take_profit_atr",
    "trailing_stop_atr",
    "exit_after_bars",
    "risk_percent",
    "entry_valid_bars",
)

# Names an indicator id must not take: Strategy members, our attributes, price fields.
RESERVED_IDS = frozenset(
    {
        "buy",
        "closed_trades",
        "data",
        "equity",
        "init",
        "next",
        "orders",
        "position",
        "sell",
        "trades",
        "atr_stop",  # the compiler's own ATR for ATR-based stops
        *RISK_ATTRIBUTES,
        *(field.lower() for field in PRICE_FIELDS),
    }
)
