"""A strategy's parameters (read statically) and applying chosen values as a new version."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404

from Backtest.research.parameters import strategy_parameters, with_parameters
from strategy_api.models import Strategy, StrategyVersion, VersionSource
from strategy_api.services.executions import strategy_current_version
from strategy_api.services.strategies import strategy_version_create


def strategy_version_pick(*, strategy: Strategy, number: int | None) -> StrategyVersion:
    """Version ``number`` of the strategy (404 when it has none), or the current one."""
    if number is None:
        return strategy_current_version(strategy=strategy)
    version = strategy.versions.filter(number=number).first()
    if version is None:
        raise Http404(f"Strategy {strategy.pk} has no version {number}.")
    return version


def strategy_parameters_get(*, strategy: Strategy, version: StrategyVersion) -> dict[str, Any]:
    """The class attributes of the version's strategy class: names, values and types."""
    found = strategy_parameters(version.code)
    return {
        "strategy_id": strategy.pk,
        "version": version.number,
        "strategy_class": found.strategy_class,
        "parameters": [p.to_dict() for p in found.parameters],
    }


def strategy_params_apply(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    params: dict[str, Any],
    user: User,
) -> StrategyVersion:
    """Write ``params`` into the version's code as literal class attributes; the new version.

    Only the values change (formatting and comments are kept); the new version becomes the
    strategy's current code. Code compiled from a spec no longer matches it, so the new
    version has no spec.
    """
    code = with_parameters(version.code, params)
    listed = ", ".join(f"{name}={value!r}" for name, value in params.items())
    return strategy_version_create(
        strategy=strategy,
        code=code,
        source=VersionSource.USER,
        user=user,
        message=f"Parameters set from research on v{version.number}: {listed}",
    )
