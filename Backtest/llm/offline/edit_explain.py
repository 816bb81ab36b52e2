"""Plain-English explanation of a spec: the answer to "what does this strategy do?"."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline.edit_model import (
    RULE_KEYS,
    RULE_LABELS,
    describe_node,
    indicator_label,
    items_by_id,
)
from Backtest.llm.offline.edit_risk import size_text

_SIDES = {
    "long": "long only: it buys, then sells to close",
    "short": "short only: it sells short, then buys back to cover",
    "both": "both directions: an entry signal for one side closes and reverses a position "
    "on the other",
}


def explain_spec(spec: dict[str, Any]) -> str:
    """A few lines: side, indicators, each rule, the risk settings and the position size."""
    items = items_by_id(spec)
    lines = [f"This strategy trades {_SIDES[spec.get('side', 'long')]}."]
    if items:
        named = ", ".join(f"{key} = {indicator_label(item)}" for key, item in items.items())
        lines.append(f"Indicators: {named}.")
    rules = spec.get("rules") or {}
    for key in RULE_KEYS:
        if rules.get(key) is not None:
            lines.append(f"{RULE_LABELS[key]} when {describe_node(rules[key], items)}.")
    risk = [
        f"{label} {spec[key]:g}%"
        for key, label in (
            ("stop_loss_pct", "stop loss"),
            ("take_profit_pct", "take profit"),
            ("trailing_stop_pct", "trailing stop"),
        )
        if spec.get(key) is not None
    ]
    side = spec.get("side", "long")
    exits = {"long": ("exit",), "short": ("short_exit",), "both": ()}[side]
    if any(rules.get(key) is None for key in exits):
        lines.append(
            "There is no exit rule: positions close only through the risk settings."
            if risk
            else "There is no exit rule and no stop or target: a position stays open until "
            "the end of the data."
        )
    lines.append(f"Risk: {', '.join(risk)}." if risk else "Risk: no stop loss or take profit.")
    lines.append(f"Position size: {size_text(spec.get('position_size', 1.0))} per trade.")
    return "\n".join(lines)
