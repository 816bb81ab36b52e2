"""Input and output shapes of the market-data endpoints."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from algoagent.serializers import StrictQuerySerializer, StrictSerializer
from Backtest.market_data import DataError
from Backtest.market_data.bundled import bundled_symbols
from Backtest.market_data.cache import check_symbol
from Backtest.market_data.intervals import YAHOO_INTERVALS, parse_interval
from data_api.models import MarketDataset

_DATASET_NAME = re.compile(r"^[A-Z][A-Z0-9_-]{0,31}$")


def _check_interval(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        return parse_interval(value).name
    except DataError as exc:
        raise serializers.ValidationError(exc.message) from None


def _check_range(attrs: dict[str, Any]) -> dict[str, Any]:
    start, end = attrs.get("start"), attrs.get("end")
    if start and end and start > end:
        raise serializers.ValidationError({"end": ["`end` must not be before `start`."]})
    return attrs


class MarketDatasetSerializer(serializers.ModelSerializer):
    """An uploaded dataset, usable as a symbol by its owner."""

    class Meta:
        model = MarketDataset
        fields = [
            "name",
            "rows",
            "rows_dropped",
            "start",
            "end",
            "interval",
            "original_filename",
            "size_bytes",
            "created_at",
        ]
        read_only_fields = fields


class MarketDatasetUploadSerializer(StrictSerializer):
    """``multipart/form-data`` upload of an OHLCV CSV."""

    file = serializers.FileField(
        help_text="CSV with a date column and Open, High, Low, Close[, Volume] (any case); "
        "delimiters , ; tab | are detected."
    )
    name = serializers.CharField(
        max_length=32,
        help_text="Symbol name for the dataset (letters, digits, _ and -; stored upper-case).",
    )

    def validate_name(self, value: str) -> str:
        name = value.strip().upper()
        if not _DATASET_NAME.match(name):
            raise serializers.ValidationError(
                "Use 1-32 letters, digits, _ or -, starting with a letter (e.g. MYDATA)."
            )
        if name in bundled_symbols():
            raise serializers.ValidationError(
                f"{name} is a bundled symbol ({', '.join(bundled_symbols())}); pick another name."
            )
        return name


class MarketSymbolSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    source = serializers.ChoiceField(choices=["upload", "bundled", "cache"])  # type: ignore[assignment]  # a field, not the base attribute
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    bars = serializers.IntegerField()
    interval = serializers.CharField(allow_null=True)


class MarketSymbolListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    symbols = MarketSymbolSerializer(many=True)


class OhlcvQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(
        required=False, help_text="First bar to include (YYYY-MM-DD or ISO datetime)."
    )
    end = serializers.DateTimeField(
        required=False, help_text="Last bar to include; a bare date covers that whole day."
    )
    interval = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8,
        help_text="Resample to a coarser interval (1d, 1wk, 1mo, 1h ...); default: native.",
    )

    def validate_interval(self, value: str) -> str | None:
        return _check_interval(value)

    def validate(self, attrs):
        return _check_range(attrs)


class OhlcvRowSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    open = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    close = serializers.FloatField(allow_null=True)
    volume = serializers.FloatField(allow_null=True)


class DataFetchInputSerializer(StrictSerializer):
    """What to download from Yahoo Finance into the shared cache."""

    symbol = serializers.CharField(max_length=32, help_text="Yahoo ticker: AAPL, BRK-B, ^GSPC ...")
    start = serializers.DateField(
        required=False, allow_null=True, help_text="Default: all history."
    )
    end = serializers.DateField(required=False, allow_null=True, help_text="Default: today.")
    interval = serializers.ChoiceField(choices=list(YAHOO_INTERVALS), default="1d")

    def validate_symbol(self, value: str) -> str:
        try:
            symbol = check_symbol(value)
        except DataError as exc:
            raise serializers.ValidationError(exc.message) from None
        if symbol in bundled_symbols():
            raise serializers.ValidationError(
                f"{symbol} is bundled sample data and always loads offline; fetching it would "
                "never be used."
            )
        return symbol

    def validate(self, attrs):
        return _check_range(attrs)


class IndicatorComputeQuerySerializer(StrictQuerySerializer):
    symbol = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=64, help_text="Indicator name or alias, e.g. RSI.")
    params = serializers.JSONField(
        required=False,
        binary=True,
        help_text='Parameters as a JSON object, e.g. {"timeperiod": 14}; omitted ones take '
        "their defaults.",
    )
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    interval = serializers.CharField(required=False, allow_blank=True, max_length=8)

    def validate_params(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError('Must be a JSON object, e.g. {"timeperiod": 14}.')
        return value

    def validate_interval(self, value: str) -> str | None:
        return _check_interval(value)

    def validate(self, attrs):
        attrs.setdefault("params", {})
        return _check_range(attrs)


class SeriesPointSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    value = serializers.FloatField(allow_null=True)


class IndicatorSeriesSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    indicator = serializers.CharField()
    params = serializers.DictField(help_text="Every parameter, with defaults filled in.")
    outputs = serializers.DictField(
        child=SeriesPointSerializer(many=True), help_text="One series per indicator output."
    )
