"""Pydantic models of the strategy spec, version 2.0 (JSON).

A spec names its indicators, states entry/exit rules as trees of conditions, and sets the
exits, the entry order and the position size:

    {"version": "2.0", "name": "RSI dip", "side": "long",
     "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}},
                    {"id": "rsi_avg", "indicator": "SMA", "params": {"timeperiod": 9},
                     "source": "rsi"}],
     "rules": {"entry": {"logic": "all", "conditions": [
                  {"left": "rsi", "op": "crosses_above", "right": 30},
                  {"weekdays": ["mon", "tue"]}]},
               "exit": {"left": "rsi", "op": ">", "right": "rsi_avg"}},
     "stop_loss": {"atr": 2, "atr_period": 14}, "exit_after_bars": 10,
     "entry_order": {"type": "limit", "price": {"left": "Close", "arith": "*", "right": 0.99}},
     "sizing": {"mode": "risk_percent", "value": 1}}

Operands (``Expr``) are numbers, series references (``"Close"``, ``"rsi"``,
``{"ref": "High", "bars_ago": 1}``), arithmetic (``{"left", "arith", "right"}``) and percent
changes (``{"change_pct": "Close", "bars": 5}``). Conditions are comparisons
(``{"left", "op", "right"}``), groups (``{"logic", "conditions"}``), negations
(``{"negate": ...}``), trends (``{"trend": "rising", "of": "sma", "bars": 1}``), persistence
(``{"held_for": 3, "condition": ...}``) and calendar filters on the signal bar
(``{"weekdays": [...]}``, ``{"months": [...]}``, ``{"time_from": "10:00", "time_to": "15:30"}``).

Structural checks live here; checks that need the indicator catalogue or the whole spec live in
:mod:`Backtest.spec.semantics` so all of them are reported at once with field paths. Version 1.0
documents are read by :mod:`Backtest.spec.v1` and upgraded by :mod:`Backtest.spec.upgrade`.
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
    PRICE_FIELDS,
    RESERVED_IDS,
    RISK_ATTRIBUTES,
    SKIP_SEMANTICS,
    Number,
    Op,
    PriceField,
    SeriesRef,
    Side,
    param_attribute,
    price_field_spelling,
    semantic_problems,
)

SPEC_VERSION = "2.0"
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = r"^(?:[01]\d|2[0-3]):[0-5]\d$"
_CLOCK_END = r"^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$"

__all__ = [
    "PRICE_FIELDS",
    "RESERVED_IDS",
    "RISK_ATTRIBUTES",
    "SPEC_VERSION",
    "WEEKDAYS",
    "Arith",
    "ChangePct",
    "Compare",
    "Distance",
    "EntryOrder",
    "Expr",
    "Group",
    "HeldFor",
    "IndicatorSpec",
    "Months",
    "Negate",
    "RuleNode",
    "Rules",
    "SeriesRef",
    "Sizing",
    "StrategySpec",
    "TimeWindow",
    "Trend",
    "Weekdays",
    "param_attribute",
]


# ---- operands -----------------------------------------------------------------------------------
def _expr_kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "num"
    if isinstance(value, str):
        return "name"
    if isinstance(value, SeriesRef):
        return "series_ref"
    if isinstance(value, Arith):
        return "arith"
    if isinstance(value, ChangePct):
        return "change"
    if isinstance(value, dict):
        for key, tag in (("arith", "arith"), ("change_pct", "change"), ("ref", "series_ref")):
            if key in value:
                return tag
    return None


_OPERAND_MESSAGE = (
    "operand must be a number, a price field (Open/High/Low/Close/Volume), an indicator output "
    "reference like 'rsi' or 'macd.macdsignal', {'ref': ..., 'bars_ago': n}, arithmetic "
    "{'left': ..., 'arith': '+|-|*|/', 'right': ...} or {'change_pct': <series>, 'bars': n}"
)


def _operand(value: Any, handler: Any) -> Any:
    """One clear message for a malformed operand instead of one error per union member."""
    value = price_field_spelling(value)
    if _expr_kind(value) is None:
        raise PydanticCustomError("operand", _OPERAND_MESSAGE)
    return handler(value)


def _series_operand(value: Any, handler: Any) -> Any:
    value = price_field_spelling(value)
    if not isinstance(value, str | dict | SeriesRef) or (
        isinstance(value, dict) and "ref" not in value
    ):
        raise PydanticCustomError(
            "series", "must be a series: a price field, an indicator output or {'ref', 'bars_ago'}"
        )
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "series", "must be a series: a price field, an indicator output or {'ref', 'bars_ago'}"
        ) from None


Series = Annotated[str | SeriesRef, WrapValidator(_series_operand)]

Expr = Annotated[
    Annotated[Number, Tag("num")]
    | Annotated[str, Tag("name")]
    | Annotated[SeriesRef, Tag("series_ref")]
    | Annotated["Arith", Tag("arith")]
    | Annotated["ChangePct", Tag("change")],
    Discriminator(_expr_kind),
    WrapValidator(_operand),
]


class Arith(BaseModel):
    """``left arith right`` with ``arith`` one of + - * /, e.g. SMA(20) * 0.95."""

    model_config = FORBID

    left: Expr
    arith: Literal["+", "-", "*", "/"]
    right: Expr


class ChangePct(BaseModel):
    """Percent change of a series over ``bars`` bars: (now / ``bars`` ago - 1) * 100."""

    model_config = FORBID

    change_pct: Series
    bars: int = Field(1, ge=1, le=500)


# ---- conditions ---------------------------------------------------------------------------------
_NODE_KEYS = (
    ("conditions", "group"),
    ("negate", "negate"),
    ("trend", "trend"),
    ("held_for", "held"),
    ("weekdays", "weekdays"),
    ("months", "months"),
    ("time_from", "time"),
)
_NODE_TYPES: dict[str, type[BaseModel]] = {}


def _node_kind(value: Any) -> str:
    if isinstance(value, dict):
        return next((tag for key, tag in _NODE_KEYS if key in value), "compare")
    return next((tag for tag, cls in _NODE_TYPES.items() if isinstance(value, cls)), "compare")


class Compare(BaseModel):
    """``left op right``; crosses_* compare this bar with the previous one."""

    model_config = FORBID

    left: Expr
    op: Op
    right: Expr


class Negate(BaseModel):
    """True when the inner condition is false ("RSI is not above 30", "unless ...")."""

    model_config = FORBID

    negate: RuleNode


class Trend(BaseModel):
    """``of`` rose (fell) on each of the last ``bars`` bars: bars=1 is "is rising"."""

    model_config = FORBID

    trend: Literal["rising", "falling"]
    of: Series
    bars: int = Field(1, ge=1, le=50)


class HeldFor(BaseModel):
    """``condition`` was true on each of the last ``held_for`` bars (this one included)."""

    model_config = FORBID

    held_for: int = Field(ge=2, le=20)
    condition: RuleNode


class Weekdays(BaseModel):
    """The signal bar falls on one of these days of the week."""

    model_config = FORBID

    weekdays: list[Weekday] = Field(min_length=1, max_length=7)

    @field_validator("weekdays")
    @classmethod
    def _unique(cls, value: list[Weekday]) -> list[Weekday]:
        return sorted(set(value), key=WEEKDAYS.index)


class Months(BaseModel):
    """The signal bar falls in one of these months (1 = January)."""

    model_config = FORBID

    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1, max_length=12)

    @field_validator("months")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


class TimeWindow(BaseModel):
    """The signal bar's time of day is in [time_from, time_to) (exchange time, HH:MM)."""

    model_config = FORBID

    time_from: str = Field(pattern=_CLOCK)
    time_to: str = Field(pattern=_CLOCK_END)

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.time_to <= self.time_from:
            raise ValueError("time_to must be later than time_from (use 24:00 for midnight)")
        return self


class Group(BaseModel):
    """Conditions (or nested nodes) combined with ``all`` (and) or ``any`` (or)."""

    model_config = FORBID

    logic: Literal["all", "any"] = "all"
    conditions: list[RuleNode] = Field(min_length=1)


RuleNode = Annotated[
    Annotated[Compare, Tag("compare")]
    | Annotated[Group, Tag("group")]
    | Annotated[Negate, Tag("negate")]
    | Annotated[Trend, Tag("trend")]
    | Annotated[HeldFor, Tag("held")]
    | Annotated[Weekdays, Tag("weekdays")]
    | Annotated[Months, Tag("months")]
    | Annotated[TimeWindow, Tag("time")],
    Discriminator(_node_kind),
]
_NODE_TYPES.update(
    {
        "group": Group,
        "negate": Negate,
        "trend": Trend,
        "held": HeldFor,
        "weekdays": Weekdays,
        "months": Months,
        "time": TimeWindow,
    }
)


class Rules(BaseModel):
    """Long rules (``entry``/``exit``) and short rules (``short_entry``/``short_exit``).

    side "long" uses entry/exit, "short" uses short_entry/short_exit, "both" uses all four;
    rules for a side the strategy does not trade are rejected rather than silently ignored.
    """

    model_config = FORBID

    entry: RuleNode | None = Field(None, description="Open a long position")
    exit: RuleNode | None = Field(None, description="Close a long position")
    short_entry: RuleNode | None = Field(None, description="Open a short position")
    short_exit: RuleNode | None = Field(None, description="Close a short position")


# ---- indicators ---------------------------------------------------------------------------------
class IndicatorSpec(BaseModel):
    """A named indicator instance; its outputs are referenced as ``id`` or ``id.output``."""

    model_config = FORBID

    id: str = Field(
        pattern=ID_PATTERN, description="Lower-case identifier used in rules, e.g. 'rsi'"
    )
    indicator: str = Field(
        min_length=1,
        description="TA-Lib name (RSI, MACD, BBANDS, ...) or DONCHIAN, KELTNER, VWAP, SUPERTREND",
    )
    params: dict[str, Number] = Field(
        default_factory=dict, description="Parameter names, e.g. {'timeperiod': 14}"
    )
    source: str | None = Field(
        None,
        description="Input of a single-input indicator: a price field (default Close) or an "
        "earlier indicator's output ('rsi', 'macd.macdhist') for an indicator of an indicator",
    )
    inputs: list[PriceField] | None = Field(
        None, description="Price fields for every input, overriding the default inputs"
    )

    @field_validator("indicator")
    @classmethod
    def _canonical_name(cls, value: str) -> str:
        # Aliases ("Bollinger", "bb") become the catalogue name; unknown names are reported by
        # the semantic pass, with suggestions.
        from Backtest.spec.catalogue import canonical_name

        return canonical_name(value)

    @field_validator("source")
    @classmethod
    def _source_spelling(cls, value: str | None) -> str | None:
        return None if value is None else str(price_field_spelling(value))


# ---- exits, orders, sizing ----------------------------------------------------------------------
class Distance(BaseModel):
    """A distance from the entry price: ``{"percent": 2}`` or ``{"atr": 2, "atr_period": 14}``.

    ATR distances use the ATR of the bar before the fill (the signal bar of a market order).
    """

    model_config = FORBID

    percent: float | None = Field(None, gt=0, le=1000)
    atr: float | None = Field(None, gt=0, le=100, description="Multiple of the ATR")
    atr_period: int | None = Field(None, ge=1, le=500, description="Default 14")

    @model_validator(mode="after")
    def _one_kind(self) -> Distance:
        if (self.percent is None) == (self.atr is None):
            raise ValueError("give exactly one of percent or atr")
        if self.percent is not None and self.atr_period is not None:
            raise ValueError("atr_period belongs to an ATR distance")
        if self.atr is not None and self.atr_period is None:
            self.atr_period = 14
        return self


class EntryOrder(BaseModel):
    """How entries are placed: market (next open), or a limit/stop order at ``price``.

    ``price`` is evaluated on the signal bar; an unfilled order is cancelled after
    ``valid_bars`` bars.
    """

    model_config = FORBID

    type: Literal["market", "limit", "stop"] = "market"
    price: Expr | None = None
    valid_bars: int = Field(1, ge=1, le=100)

    @model_validator(mode="after")
    def _price(self) -> EntryOrder:
        if self.type == "market" and self.price is not None:
            raise ValueError("a market order has no price")
        if self.type != "market" and self.price is None:
            raise ValueError(f"a {self.type} order needs a price")
        return self


class Sizing(BaseModel):
    """Position size per entry.

    equity_fraction: 0 < value <= 1 of available equity; units: a whole number of units;
    risk_percent: size the position so that hitting the stop loss loses ``value`` percent of
    equity (needs ``stop_loss``).
    """

    model_config = FORBID

    mode: Literal["equity_fraction", "units", "risk_percent"] = "equity_fraction"
    value: float = 1.0

    @model_validator(mode="after")
    def _range(self) -> Sizing:
        value = self.value
        if self.mode == "equity_fraction" and not 0 < value <= 1:
            raise ValueError("an equity fraction must be above 0 and at most 1")
        if self.mode == "units" and (value < 1 or value != round(value)):
            raise ValueError("units must be a whole number of at least 1")
        if self.mode == "risk_percent" and not 0 < value <= 100:
            raise ValueError("risk_percent must be above 0 and at most 100")
        return self


class StrategySpec(BaseModel):
    """Canonical strategy spec, version 2.0. Percentages are in percent: 2.0 means 2 %."""

    model_config = FORBID

    version: Literal["2.0"] = Field(description='Always "2.0"')
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=5000)
    side: Side = "long"
    indicators: list[IndicatorSpec] = Field(default_factory=list)
    rules: Rules
    stop_loss: Distance | None = Field(None, description="Stop loss below (long) the entry price")
    take_profit: Distance | None = Field(None, description="Take profit from the entry price")
    trailing_stop: Distance | None = Field(
        None, description="Trailing stop from the highest (long) close since entry"
    )
    exit_after_bars: int | None = Field(
        None, ge=1, le=10000, description="Close a trade after it has been open this many bars"
    )
    entry_order: EntryOrder | None = Field(None, description="Long entries; None = market")
    short_entry_order: EntryOrder | None = Field(None, description="Short entries; None = market")
    sizing: Sizing = Field(default_factory=Sizing)

    @model_validator(mode="after")
    def _semantics(self, info: ValidationInfo) -> StrategySpec:
        # validate_spec() runs the semantic pass itself to report per-field errors; direct
        # model_validate() callers still get every problem, folded into one message.
        if isinstance(info.context, dict) and info.context.get(SKIP_SEMANTICS):
            return self
        errors = semantic_problems("2.0", self)
        if errors:
            raise ValueError("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        return self


for _model in (Arith, ChangePct, Negate, HeldFor, Group, Rules, StrategySpec):
    _model.model_rebuild()
