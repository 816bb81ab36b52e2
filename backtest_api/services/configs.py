"""Saved backtest configurations, and resolving a run's settings into a ``BacktestRequest``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from Backtest.pipeline import BROKER_OPTIONS, BacktestRequest
from backtest_api.models import BacktestConfig
from backtest_api.pipeline import backtest_request_check
from backtest_api.selectors import config_list

DATA_FIELDS = ("symbol", "interval", "start", "end")
BROKER_FIELDS = ("cash", *BROKER_OPTIONS)
SETTING_FIELDS = DATA_FIELDS + BROKER_FIELDS


def backtest_request_of(values: dict[str, Any]) -> BacktestRequest:
    """The ``BacktestRequest`` of stored settings (a config's or a run's); "" interval: own."""
    fields = {name: values.get(name) for name in SETTING_FIELDS}
    fields["interval"] = fields["interval"] or None
    return BacktestRequest.build(**fields)


def backtest_settings_resolve(
    *, user: User, config: BacktestConfig | None, overrides: dict[str, Any]
) -> BacktestRequest:
    """The request of a run: the config's settings (or the defaults), ``overrides`` on top,
    checked as a whole against the user's data before anything is queued."""
    base = config or BacktestConfig()  # an unsaved config carries the defaults
    values = {name: getattr(base, name) for name in SETTING_FIELDS}
    values.update({k: v for k, v in overrides.items() if k in SETTING_FIELDS})
    if not values["symbol"]:
        raise ValidationError(
            {"symbol": ["This field is required (or send a `config` that has one)."]}
        )
    request = backtest_request_of(values)
    backtest_request_check(owner=user, request=request)
    return request


def _save(config: BacktestConfig) -> BacktestConfig:
    try:
        with transaction.atomic():
            config.save()
    except IntegrityError:
        raise ValidationError(
            {"name": [f"You already have a backtest configuration named {config.name!r}."]}
        ) from None
    return config


def backtest_config_create(*, owner: User, **fields: Any) -> BacktestConfig:
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
    request = backtest_request_of({name: getattr(config, name) for name in SETTING_FIELDS})
    backtest_request_check(owner=config.owner, request=request)
    return _save(config)


def backtest_config_delete(*, config: BacktestConfig) -> None:
    """Delete the configuration; runs made with it keep their own copy of the settings."""
    config.delete()


def backtest_config_for_run(*, user: User, pk: int) -> BacktestConfig:
    """The user's configuration ``pk`` for a run, or a 400 naming ``config``."""
    config = config_list(user=user).filter(pk=pk).first()
    if config is None:
        raise ValidationError({"config": [f"You have no backtest configuration {pk}."]})
    return config
