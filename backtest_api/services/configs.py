"""Saved backtest configurations, and resolving a run's settings against the data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from rest_framework import serializers

from backtest_api.models import BacktestConfig
from backtest_api.selectors import config_list
from production_api.services import backtest_config_validate

DATA_FIELDS = ("symbol", "interval", "start", "end")
BROKER_FIELDS = (
    "cash",
    "commission",
    "spread",
    "margin",
    "trade_on_close",
    "hedging",
    "exclusive_orders",
    "finalize_trades",
)
SETTING_FIELDS = DATA_FIELDS + BROKER_FIELDS


def backtest_settings_check(
    *, user: AbstractBaseUser, symbol: str, interval: str, start: Any, end: Any
) -> int:
    """400 naming the field unless the user's data serves symbol, interval and range; the bars.

    The same check as ``POST /api/production/backtests/validate-config/``; ``interval`` "" means
    the data's own bar size.
    """
    if start and end and start > end:
        raise serializers.ValidationError({"end": ["`end` must not be before `start`."]})
    report = backtest_config_validate(
        user=user, symbol=symbol, start=start, end=end, interval=interval or None
    )
    return report["bars"]


def backtest_settings_resolve(
    *, user: AbstractBaseUser, config: BacktestConfig | None, overrides: dict[str, Any]
) -> dict[str, Any]:
    """The settings of a run: the config's (or the defaults), then ``overrides`` on top.

    ``overrides`` were range-checked by the input serializer; the merged symbol and range are
    checked against the user's data here (400 naming the field), before anything is queued.
    """
    base = config or BacktestConfig()  # an unsaved config carries the defaults
    values = {name: getattr(base, name) for name in SETTING_FIELDS}
    values.update({k: v for k, v in overrides.items() if k in SETTING_FIELDS})
    values["interval"] = values["interval"] or ""
    if not values["symbol"]:
        raise serializers.ValidationError(
            {"symbol": ["This field is required (or send a `config` that has one)."]}
        )
    backtest_settings_check(
        user=user,
        symbol=values["symbol"],
        interval=values["interval"],
        start=values["start"],
        end=values["end"],
    )
    return values


def _save(config: BacktestConfig) -> BacktestConfig:
    try:
        with transaction.atomic():
            config.save()
    except IntegrityError:
        raise serializers.ValidationError(
            {"name": [f"You already have a backtest configuration named {config.name!r}."]}
        ) from None
    return config


def backtest_config_create(*, owner: AbstractBaseUser, **fields: Any) -> BacktestConfig:
    """Save a named configuration after checking its symbol and range against the data."""
    config = BacktestConfig(owner=owner)
    return backtest_config_update(config=config, **fields)


def backtest_config_update(
    *, config: BacktestConfig, replace: bool = False, **fields: Any
) -> BacktestConfig:
    """Change some fields (``replace``: the others go back to their defaults, as for PUT);
    the resulting symbol/interval/range is re-checked as a whole."""
    if replace:
        defaults = BacktestConfig()
        fields = {**{name: getattr(defaults, name) for name in SETTING_FIELDS}, **fields}
    for name, value in fields.items():
        if name == "interval":
            value = value or ""
        setattr(config, name, value)
    backtest_settings_check(
        user=config.owner,
        symbol=config.symbol,
        interval=config.interval,
        start=config.start,
        end=config.end,
    )
    return _save(config)


def backtest_config_delete(*, config: BacktestConfig) -> None:
    """Delete the configuration; runs made with it keep their own copy of the settings."""
    config.delete()


def backtest_config_for_run(*, user: AbstractBaseUser, pk: int) -> BacktestConfig:
    """The user's configuration ``pk`` for a run, or a 400 naming ``config``."""
    config = config_list(user=user).filter(pk=pk).first()
    if config is None:
        raise serializers.ValidationError({"config": [f"You have no backtest configuration {pk}."]})
    return config
