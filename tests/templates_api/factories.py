"""Test data for templates: a user's own template created through the service."""

from __future__ import annotations

import copy
from typing import Any

from templates_api import services
from templates_api.models import StrategyTemplate

RSI_SPEC: dict[str, Any] = {
    "version": "1.0",
    "name": "My RSI",
    "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}],
    "rules": {
        "entry": {"logic": "all", "conditions": [{"left": "rsi", "op": "<", "right": 25}]},
        "exit": {"left": "rsi", "op": ">", "right": 60},
    },
}

RSI_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "period",
        "path": "indicators.rsi.params.timeperiod",
        "type": "int",
        "default": 14,
        "min": 2,
        "max": 50,
        "description": "RSI bars",
    },
    {
        "name": "oversold",
        "path": "rules.entry.conditions.0.right",
        "type": "float",
        "default": 25,
        "min": 5,
        "max": 50,
        "description": "",
    },
]


def template_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "name": "My RSI",
        "description": "Buy deep dips",
        "category": "mean_reversion",
        "spec": copy.deepcopy(RSI_SPEC),
        "parameters": copy.deepcopy(RSI_PARAMETERS),
    }
    return {**payload, **overrides}


def make_template(owner, **overrides: Any) -> StrategyTemplate:
    return services.template_create(owner=owner, **template_payload(**overrides))
