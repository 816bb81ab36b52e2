"""Step 5b: resolved series and rule nodes -> spec 2.0 JSON (indicator ids, refs, nodes)."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline.resolve import (
    Arith,
    Change,
    Expr,
    Inst,
    ParseError,
    RCalendar,
    RCmp,
    RGroup,
    RHeld,
    RNode,
    RNot,
    RTrend,
    Series,
)
from Backtest.spec.catalogue import lookup_indicator

_ID_BASE = {"BBANDS": "bb", "DONCHIAN": "dc", "KELTNER": "kc", "SUPERTREND": "st"}
_ID_BASE |= {"MAX": "highest", "MIN": "lowest", "PLUS_DI": "plus_di", "MINUS_DI": "minus_di"}


class SpecWriter:
    """Assigns indicator ids and writes rule nodes as spec JSON."""

    def __init__(self) -> None:
        self.ids: dict[Inst, str] = {}
        self.items: list[dict[str, Any]] = []

    def id_for(self, inst: Inst) -> str:
        if inst in self.ids:
            return self.ids[inst]
        source_ref = None
        if inst.source_series is not None:
            source_ref = self.ref(inst.source_series)
        base = _ID_BASE.get(inst.name, inst.name.lower())
        taken = set(self.ids.values())
        candidate = base
        if candidate in taken or any(i.name == inst.name for i in self.ids):
            period = inst.period()
            candidate = f"{base}_{str(period).replace('.', 'p')}" if period is not None else base
        if inst.source:
            candidate += f"_{inst.source.lower()}"
        if source_ref is not None:
            candidate += "_of_" + source_ref.split(".")[0]
        candidate = candidate[:36]
        unique, n = candidate, 2
        while unique in taken or unique in ("close", "open", "high", "low", "volume"):
            unique, n = f"{candidate}_{n}", n + 1
        self.ids[inst] = unique
        params = {k: v for k, v in inst.params if not k.endswith("matype")}
        defaults = lookup_indicator(inst.name).resolve_params({})
        item: dict[str, Any] = {
            "id": unique,
            "indicator": inst.name,
            "params": {
                k: v for k, v in params.items() if defaults.get(k) != v or k == "timeperiod"
            },
        }
        if inst.source:
            item["source"] = inst.source
        if source_ref is not None:
            item["source"] = source_ref
        self.items.append(item)
        return unique

    def ref(self, series: Series) -> str:
        if series.inst is None:
            return str(series.price)
        ident = self.id_for(series.inst)
        return f"{ident}.{series.output}" if series.output else ident

    def expr(self, expr: Expr) -> Any:
        if isinstance(expr, float | int):
            value = float(expr)
            return int(value) if value.is_integer() else value
        if isinstance(expr, Series):
            ref = self.ref(expr)
            return {"ref": ref, "bars_ago": expr.ago} if expr.ago else ref
        if isinstance(expr, Arith):
            return {"left": self.expr(expr.left), "arith": expr.op, "right": self.expr(expr.right)}
        if isinstance(expr, Change):
            return {"change_pct": self.expr(expr.of), "bars": expr.bars}
        raise TypeError(expr)

    def node(self, node: RNode) -> dict[str, Any]:
        if isinstance(node, RCmp):
            return {"left": self.expr(node.left), "op": node.op, "right": self.expr(node.right)}
        if isinstance(node, RGroup):
            items: list[dict[str, Any]] = []
            for child in node.items:
                written = self.node(child)
                if written.get("logic") == node.logic and "conditions" in written:
                    items.extend(written["conditions"])
                elif written not in items:
                    items.append(written)
            return items[0] if len(items) == 1 else {"logic": node.logic, "conditions": items}
        if isinstance(node, RNot):
            return {"negate": self.node(node.inner)}
        if isinstance(node, RTrend):
            return {"trend": node.direction, "of": self.expr(node.of), "bars": node.bars}
        if isinstance(node, RHeld):
            return {"held_for": node.bars, "condition": self.node(node.inner)}
        if isinstance(node, RCalendar):
            return self._calendar(node)
        raise ParseError((0, 0), "a stop, target or time exit can only be an alternative exit")

    def _calendar(self, node: RCalendar) -> dict[str, Any]:
        if node.kind == "weekdays":
            written: dict[str, Any] = {"weekdays": list(node.values)}
        elif node.kind == "months":
            written = {"months": list(node.values)}
        else:
            written = {"time_from": _clock(node.time_from or 0), "time_to": _clock(node.time_to)}
        return {"negate": written} if node.negate else written


def _clock(minutes: int | None) -> str:
    minutes = 1440 if minutes is None else minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
