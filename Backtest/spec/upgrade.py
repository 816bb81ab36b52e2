"""Spec 1.0 -> 2.0.

Indicators and rule trees carry over unchanged (1.0 comparisons and groups are valid 2.0
nodes). The flat risk fields become 2.0 objects:

* ``stop_loss_pct``/``take_profit_pct``/``trailing_stop_pct`` -> ``{"percent": x}``. One
  difference in meaning, stated here because the compiled code changes with it: 1.0 measured
  stops and targets from the signal bar's close; 2.0 places them from that close when the order
  is sent and moves them to the same distance from the actual fill price on the fill bar.
* ``position_size`` <= 1 -> ``{"mode": "equity_fraction"}``, > 1 -> ``{"mode": "units"}``.
"""

from __future__ import annotations

from typing import Any

from Backtest.spec.common import SEMANTIC_PASSES, SKIP_SEMANTICS
from Backtest.spec.errors import FieldError
from Backtest.spec.models import StrategySpec
from Backtest.spec.semantics import semantic_errors
from Backtest.spec.v1 import StrategySpecV1

# 1.0 field -> the 2.0 path it becomes (for error messages about upgraded specs).
V1_FIELDS = {
    "stop_loss.percent": "stop_loss_pct",
    "take_profit.percent": "take_profit_pct",
    "trailing_stop.percent": "trailing_stop_pct",
    "sizing.value": "position_size",
    "sizing": "position_size",
}


def upgrade_v1_data(data: dict[str, Any]) -> dict[str, Any]:
    """2.0 JSON for a 1.0 JSON document (which should already have passed 1.0 validation)."""
    out = {
        key: value
        for key, value in data.items()
        if key not in ("stop_loss_pct", "take_profit_pct", "trailing_stop_pct", "position_size")
    }
    out["version"] = "2.0"
    for old, new in (
        ("stop_loss_pct", "stop_loss"),
        ("take_profit_pct", "take_profit"),
        ("trailing_stop_pct", "trailing_stop"),
    ):
        if data.get(old) is not None:
            out[new] = {"percent": data[old]}
    size = float(data.get("position_size", 1.0))
    if size > 1:
        out["sizing"] = {"mode": "units", "value": size}
    else:
        out["sizing"] = {"mode": "equity_fraction", "value": size}
    return out


def upgrade(spec: StrategySpec | StrategySpecV1) -> StrategySpec:
    """The 2.0 form of any spec model (2.0 specs are returned as they are)."""
    if isinstance(spec, StrategySpec):
        return spec
    data = upgrade_v1_data(spec.model_dump(mode="json"))
    return StrategySpec.model_validate(data, context={SKIP_SEMANTICS: True})


def _v1_semantic_errors(spec: StrategySpecV1) -> list[FieldError]:
    """1.0 specs are checked as what they compile to: their 2.0 upgrade."""
    return semantic_errors(upgrade(spec))


SEMANTIC_PASSES["1.0"] = _v1_semantic_errors
