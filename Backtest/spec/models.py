"""Pydantic models of the canonical, versioned strategy spec (JSON).

A spec names its indicators, then states entry/exit rules as trees of conditions:

    {"version": "1.0", "name": "RSI reversion", "side": "long",
     "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}],
     "rules": {"entry": {"logic": "all", "conditions": [{"left": "rsi", "op": "<", "right": 30}]},
               "exit": {"left": "rsi", "op": "crosses_above", "right": 70}},
     "stop_loss_pct": 5}

Structural checks live here; checks that need the indicator registry or the whole spec (unknown
indicator, undefined reference, duplicate id ...) live in :mod:`Backtest.spec.semantics` so that
all of them can be reported at once with precise field paths.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictFloat,
    StrictInt,
    Tag,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from Backtest.indicator_registry import UnknownIndicatorError, get_indicator

SPEC_VERSION = "1.0"
PRICE_FIELDS = ("Open", "High", "Low", "Close", "Volume")
PriceField = Literal["Open", "High", "Low", "Close", "Volume"]
Side = Literal["long", "short", "both"]
Op = Literal["<", ">", "<=", ">=", "crosses_above", "crosses_below"]
SKIP_SEMANTICS = "skip_semantics"  # validation-context flag used by validate_spec()

_FORBID = ConfigDict(extra="forbid")


class SeriesRef(BaseModel):
    """A series read some bars back: ``{"ref": "dc_high", "bars_ago": 1}`` is yesterday's value."""

    model_config = _FORBID

    ref: str = Field(
        description="Price field (Close, High, ...) or indicator output ('rsi', 'macd.macdsignal')"
    )
    bars_ago: int = Field(0, ge=0, le=500, description="0 = current bar, 1 = previous bar, ...")


def _operand(value: Any, handler: Any) -> Any:
    """Validate an operand with one clear message instead of one error per union member."""
    if isinstance(value, str) and value.lower() in {f.lower() for f in PRICE_FIELDS}:
        return value.capitalize()  # "close" -> "Close": price fields are spelled one way
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "operand",
            "operand must be a number, a price field (Open/High/Low/Close/Volume), an indicator "
            "output reference like 'rsi' or 'macd.macdsignal', or {'ref': ..., 'bars_ago': n}",
        ) from None


def _number(value: Any, handler: Any) -> Any:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("number", "must be a number") from None


Number = Annotated[StrictInt | StrictFloat, WrapValidator(_number)]
Operand = Annotated[Number | str | SeriesRef, WrapValidator(_operand)]


class Condition(BaseModel):
    """``left op right``; crosses_* compare this bar with the previous one."""

    model_config = _FORBID

    left: Operand
    op: Op
    right: Operand


def _node_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "group" if "conditions" in value else "condition"
    return "group" if isinstance(value, RuleGroup) else "condition"


RuleNode = Annotated[
    Annotated[Condition, Tag("condition")] | Annotated["RuleGroup", Tag("group")],
    Discriminator(_node_kind),
]


class RuleGroup(BaseModel):
    """Conditions (or nested groups) combined with ``all`` (and) or ``any`` (or)."""

    model_config = _FORBID

    logic: Literal["all", "any"] = "all"
    conditions: list[RuleNode] = Field(min_length=1)


class Rules(BaseModel):
    """Long rules (``entry``/``exit``) and short rules (``short_entry``/``short_exit``).

    side "long" uses entry/exit, "short" uses short_entry/short_exit, "both" uses all four;
    rules for a side the strategy does not trade are rejected rather than silently ignored.
    """

    model_config = _FORBID

    entry: RuleNode | None = Field(None, description="Open a long position")
    exit: RuleNode | None = Field(None, description="Close a long position")
    short_entry: RuleNode | None = Field(None, description="Open a short position")
    short_exit: RuleNode | None = Field(None, description="Close a short position")


class IndicatorSpec(BaseModel):
    """A named indicator instance; its outputs are referenced as ``id`` or ``id.output``."""

    model_config = _FORBID

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,39}$",
        description="Lower-case identifier used in rules, e.g. 'rsi' or 'fast_ma'",
    )
    indicator: str = Field(min_length=1, description="Registry name, e.g. RSI, MACD, BBANDS")
    params: dict[str, Number] = Field(
        default_factory=dict, description="TA-Lib parameter names, e.g. {'timeperiod': 14}"
    )
    source: PriceField | None = Field(
        None, description="Price field for single-input indicators (default Close)"
    )
    inputs: list[PriceField] | None = Field(
        None, description="Price fields for every input, overriding the registry default"
    )

    @field_validator("indicator")
    @classmethod
    def _canonical_name(cls, value: str) -> str:
        # Aliases ("Bollinger", "bb") become the registry name; unknown names are reported
        # by the semantic pass, with suggestions.
        try:
            return get_indicator(value).name
        except UnknownIndicatorError:
            return value


class StrategySpec(BaseModel):
    """Canonical strategy spec, version 1.0. Percentages are in percent: 2.0 means 2 %."""

    model_config = _FORBID

    version: Literal["1.0"] = SPEC_VERSION
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    side: Side = "long"
    indicators: list[IndicatorSpec] = Field(default_factory=list)
    rules: Rules
    stop_loss_pct: float | None = Field(
        None, gt=0, lt=100, description="Stop loss, percent from the signal bar's close"
    )
    take_profit_pct: float | None = Field(
        None, gt=0, le=1000, description="Take profit, percent from the signal bar's close"
    )
    trailing_stop_pct: float | None = Field(
        None, gt=0, lt=100, description="Trailing stop distance, percent below/above the close"
    )
    position_size: float = Field(
        1.0,
        gt=0,
        description="0 < x <= 1: fraction of available equity (1 = all of it); "
        "x > 1: whole number of units",
    )

    @field_validator("position_size")
    @classmethod
    def _whole_units(cls, value: float) -> float:
        if value > 1 and value != round(value):
            raise ValueError("sizes above 1 are whole units and must be integers")
        return value

    @model_validator(mode="after")
    def _semantics(self, info: ValidationInfo) -> StrategySpec:
        # validate_spec() runs the semantic pass itself to report per-field errors; direct
        # model_validate() callers still get every problem, folded into one message.
        if isinstance(info.context, dict) and info.context.get(SKIP_SEMANTICS):
            return self
        from Backtest.spec.semantics import semantic_errors

        errors = semantic_errors(self)
        if errors:
            raise ValueError("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        return self


RuleGroup.model_rebuild()
Rules.model_rebuild()
StrategySpec.model_rebuild()


def param_attribute(indicator_id: str, param: str) -> str:
    """Class-attribute name holding one indicator parameter in compiled code."""
    return f"{indicator_id}_{param}"


RISK_ATTRIBUTES = ("stop_loss_pct", "take_profit_pct", "trailing_stop_pct", "position_size")

# Names an indicator id must not take: Strategy members, our risk attributes, price fields.
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
        *RISK_ATTRIBUTES,
        *(field.lower() for field in PRICE_FIELDS),
    }
)
