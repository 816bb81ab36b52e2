"""``understood_as``: a strategy spec read back in plain English, for every generated version.

``Backtest.spec.render_understood_as`` (spec 2.0) is the renderer; until the spec package
provides it, a deterministic summary of the spec's own fields stands in (every indicator, rule
and risk setting, nothing left out, nothing guessed).
"""

from __future__ import annotations

import json
from typing import Any

from Backtest.spec import StrategySpec

__all__ = ["understood_as"]


def understood_as(spec: StrategySpec) -> str:
    """The spec in plain English: ``Backtest.spec.render_understood_as`` when available.

    Until the spec package provides it, a deterministic summary of the spec's own fields (every
    indicator, rule and risk setting, nothing left out) stands in.
    """
    try:
        from Backtest.spec import render_understood_as  # type: ignore[attr-defined]
    except ImportError:
        return _spec_summary(spec.model_dump(mode="json"))
    return str(render_understood_as(spec))


def _spec_summary(data: dict[str, Any]) -> str:
    indicators = ", ".join(
        f"{i['id']} = {i['indicator']}("
        + ", ".join(f"{k}={v}" for k, v in (i.get("params") or {}).items())
        + ")"
        for i in data.get("indicators") or []
    )
    parts = [f"{str(data.get('side', 'long')).capitalize()} strategy."]
    if indicators:
        parts.append(f"Indicators: {indicators}.")
    labels = {
        "entry": "Enter long when",
        "exit": "Exit long when",
        "short_entry": "Enter short when",
        "short_exit": "Exit short when",
    }
    for key, label in labels.items():
        rule = (data.get("rules") or {}).get(key)
        if rule:
            parts.append(f"{label} {_rule_text(rule)}.")
    for key in ("stop_loss_pct", "take_profit_pct", "trailing_stop_pct"):
        if data.get(key) is not None:
            parts.append(f"{key.removesuffix('_pct').replace('_', ' ').capitalize()} {data[key]}%.")
    if data.get("position_size") is not None:
        parts.append(f"Position size {data['position_size']}.")
    return " ".join(parts)


def _rule_text(node: Any) -> str:
    if isinstance(node, dict) and "conditions" in node:
        joiner = " and " if node.get("logic", "all") == "all" else " or "
        return "(" + joiner.join(_rule_text(c) for c in node["conditions"]) + ")"
    if isinstance(node, dict) and {"left", "op", "right"} <= set(node):
        op = str(node["op"]).replace("_", " ")
        return f"{_operand_text(node['left'])} {op} {_operand_text(node['right'])}"
    return json.dumps(node, sort_keys=True)


def _operand_text(value: Any) -> str:
    if isinstance(value, dict) and "ref" in value:
        ago = value.get("bars_ago") or 0
        return f"{value['ref']} {ago} bar(s) ago" if ago else str(value["ref"])
    return str(value)
