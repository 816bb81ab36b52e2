"""Pydantic models of spec version 1.0, kept so stored 1.0 specs still load unchanged.

A 1.0 spec has the same indicators and rule trees as 2.0 (comparisons and all/any groups only)
plus flat risk fields; :func:`Backtest.spec.upgrade.upgrade_v1` turns it into 2.0, which is how
it is checked and compiled. :func:`Backtest.spec.validate_spec` returns this model for 1.0 input
so templates and stored strategies keep their 1.0 JSON.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from Backtest.spec.common import (
    FORBID,
    ID_PATTERN,
    SKIP_SEMANTICS,
    Number,
    Op,
    PriceField,
    SeriesRef,
    Side,
    price_field_spelling,
    semantic_problems,
)

V1_VERSION = "1.0"


def _operand(value: Any, handler: Any) -> Any:
    """Validate an operand with one clear message instead of one error per union member."""
    value = price_field_spelling(value)
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "operand",
            "operand must be a number, a price field (Open/High/Low/Close/Volume), an indicator "
            "output reference like 'rsi' or 'macd.macdsignal', or {'ref': ..., 'bars_ago': n}",
        ) from None


Operand = Annotated[Number | str | SeriesRef, WrapValidator(_operand)]


class Condition(BaseModel):
    """``left op right``; crosses_* compare this bar with the previous one."""

    model_config = FORBID

    left: Operand
    op: Op
    right: Operand


def _node_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "group" if "conditions" in value else "condition"
    return "group" if isinstance(value, RuleGroup) else "condition"


RuleNodeV1 = Annotated[
    Annotated[Condition, Tag("condition")] | Annotated["RuleGroup", Tag("group")],
    Discriminator(_node_kind),
]


class RuleGroup(BaseModel):
    """Conditions (or nested groups) combined with ``all`` (and) or ``any`` (or)."""

    model_config = FORBID

    logic: Literal["all", "any"] = "all"
    conditions: list[RuleNodeV1] = Field(min_length=1)


class RulesV1(BaseModel):
    """Long rules (``entry``/``exit``) and short rules (``short_entry``/``short_exit``)."""

    model_config = FORBID

    entry: RuleNodeV1 | None = Field(None, description="Open a long position")
    exit: RuleNodeV1 | None = Field(None, description="Close a long position")
    short_entry: RuleNodeV1 | None = Field(None, description="Open a short position")
    short_exit: RuleNodeV1 | None = Field(None, description="Close a short position")


class IndicatorSpecV1(BaseModel):
    """A named indicator instance; its outputs are referenced as ``id`` or ``id.output``."""

    model_config = FORBID

    id: str = Field(pattern=ID_PATTERN, description="Lower-case identifier used in rules")
    indicator: str = Field(min_length=1, description="Registry name, e.g. RSI, MACD, BBANDS")
    params: dict[str, Number] = Field(default_factory=dict)
    source: PriceField | None = Field(None, description="Price field for single-input indicators")
    inputs: list[PriceField] | None = Field(None, description="Price fields for every input")

    @field_validator("indicator")
    @classmethod
    def _canonical_name(cls, value: str) -> str:
        from Backtest.spec.catalogue import canonical_name

        return canonical_name(value)


class StrategySpecV1(BaseModel):
    """Strategy spec, version 1.0. Percentages are in percent: 2.0 means 2 %."""

    model_config = FORBID

    version: Literal["1.0"] = "1.0"
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    side: Side = "long"
    indicators: list[IndicatorSpecV1] = Field(default_factory=list)
    rules: RulesV1
    stop_loss_pct: float | None = Field(None, gt=0, lt=100)
    take_profit_pct: float | None = Field(None, gt=0, le=1000)
    trailing_stop_pct: float | None = Field(None, gt=0, lt=100)
    position_size: float = Field(
        1.0, gt=0, description="0 < x <= 1: fraction of equity; x > 1: whole number of units"
    )

    @field_validator("position_size")
    @classmethod
    def _whole_units(cls, value: float) -> float:
        if value > 1 and value != round(value):
            raise ValueError("sizes above 1 are whole units and must be integers")
        return value

    @model_validator(mode="after")
    def _semantics(self, info: ValidationInfo) -> StrategySpecV1:
        if isinstance(info.context, dict) and info.context.get(SKIP_SEMANTICS):
            return self
        errors = semantic_problems("1.0", self)
        if errors:
            raise ValueError("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        return self


RuleGroup.model_rebuild()
RulesV1.model_rebuild()
StrategySpecV1.model_rebuild()
