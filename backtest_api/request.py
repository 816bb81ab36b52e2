"""The HTTP door of the one ``BacktestRequest``: the settings fields every run endpoint accepts.

Execute, backtest runs and configs, quick_run, the sandbox test, fix_errors, generate and the
config pre-flight all take these fields from this one serializer; ranges and their messages come
from ``Backtest.pipeline.LIMITS``, so the OpenAPI schema, the 400s and the domain agree.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from Backtest.market_data import DataError
from Backtest.market_data.intervals import parse_interval
from Backtest.pipeline import LIMITS, BacktestRequest, Range
from Backtest.pipeline.request import range_message

SETTINGS_FIELDS = (
    "symbol",
    "interval",
    "start",
    "end",
    "cash",
    "commission",
    "spread",
    "margin",
    "trade_on_close",
    "hedging",
    "exclusive_orders",
    "finalize_trades",
    "benchmark",
)


class RangeField(serializers.FloatField):
    """A float limited to a ``Backtest.pipeline.Range``; the message names field and range."""

    def __init__(self, allowed: Range, **kwargs: Any) -> None:
        self.allowed = allowed
        kwargs.setdefault("help_text", f"{allowed.meaning[:1].upper()}{allowed.meaning[1:]}.")
        super().__init__(**kwargs)
        # For the schema only (drf-spectacular reads them); the check below gives the message.
        self.min_value, self.max_value = allowed.low, allowed.high

    def run_validators(self, value: Any) -> None:
        if value is not None and not self.allowed.contains(value):
            raise serializers.ValidationError(range_message(self.field_name or "value", value))


def _interval(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parse_interval(value).name
    except DataError as exc:
        raise serializers.ValidationError(exc.message) from None


class BacktestSettingsSerializer(StrictSerializer):
    """What to backtest on. Nothing has a default here: fields not sent take the request's
    defaults (GOOG, 10,000 cash, no costs, no leverage) or, for a backtest run, its config's."""

    symbol = serializers.CharField(
        required=False, max_length=64, help_text="A bundled, cached or uploaded symbol (GOOG)."
    )
    interval = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=8,
        help_text="Bar size, e.g. 1d, 1wk, 1mo, 1h; null or absent: the data's own.",
    )
    start = serializers.DateField(required=False, allow_null=True, help_text="First day (incl.).")
    end = serializers.DateField(required=False, allow_null=True, help_text="Last day (incl.).")
    cash = RangeField(LIMITS["cash"], required=False)
    commission = RangeField(LIMITS["commission"], required=False)
    spread = RangeField(LIMITS["spread"], required=False)
    margin = RangeField(LIMITS["margin"], required=False)
    trade_on_close = serializers.BooleanField(
        required=False, help_text="Fill market orders at the signal bar's close, not next open."
    )
    hedging = serializers.BooleanField(required=False, help_text="Allow long and short at once.")
    exclusive_orders = serializers.BooleanField(
        required=False, help_text="Each new order closes the open position first."
    )
    finalize_trades = serializers.BooleanField(
        required=False, help_text="Close trades still open at the end, so they count in stats."
    )

    benchmark = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=64,
        help_text="Measure the run against buy & hold of this symbol (alpha, beta, equity) "
        "instead of its own symbol's.",
    )

    def validate_benchmark(self, value: str | None) -> str | None:
        return self.validate_symbol(value) if value else None

    def validate_symbol(self, value: str) -> str:
        symbol = value.strip().upper()
        if not symbol:
            raise serializers.ValidationError("This field may not be blank.")
        return symbol

    def validate_interval(self, value: str | None) -> str | None:
        return _interval(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"end": ["`end` must not be before `start`."]})
        return attrs


def settings_of(attrs: dict[str, Any]) -> dict[str, Any]:
    """The settings fields among validated input (other fields: version, code ... dropped)."""
    return {name: attrs[name] for name in SETTINGS_FIELDS if name in attrs}


def request_from(attrs: dict[str, Any], **extra: Any) -> BacktestRequest:
    """The ``BacktestRequest`` of validated input (``extra``: e.g. ``last_bars``, ``plot``)."""
    return BacktestRequest.build(**settings_of(attrs), **extra)
