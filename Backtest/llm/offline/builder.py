"""Step 7 of the pipeline: turn the rule set into spec JSON (ids, indicators, rule trees)."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline.model import Cond, Group, Ind, Node, Ser, conditions
from Backtest.llm.offline.risk import RiskSettings
from Backtest.llm.offline.rules import LABELS, ROLES, RuleSet

_SPEC_RULE = {
    "entry_long": "entry",
    "exit_long": "exit",
    "entry_short": "short_entry",
    "exit_short": "short_exit",
}
_ID_NAMES = {
    "BBANDS": "bb",
    "STOCH": "stoch",
    "STOCHRSI": "stochrsi",
    "MAX": "highest",
    "MIN": "lowest",
}


def _indicators(rules: dict[str, Node]) -> list[Ind]:
    seen: list[Ind] = []
    for role in ROLES:
        if role in rules:
            for cond in conditions(rules[role]):
                for operand in (cond.left, cond.right):
                    if isinstance(operand, Ser) and operand.ind and operand.ind not in seen:
                        seen.append(operand.ind)
    return seen


def _number_text(value: float) -> str:
    text = f"{value:g}".replace(".", "p").replace("-", "m")
    return text


def assign_ids(indicators: list[Ind]) -> dict[Ind, str]:
    """Readable, unique ids: ``rsi``, or ``sma_10``/``sma_30`` when an indicator repeats."""
    bases = {ind: _ID_NAMES.get(ind.name, ind.name.lower()) for ind in indicators}
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[base] = counts.get(base, 0) + 1
    ids: dict[Ind, str] = {}
    used: set[str] = set()
    for ind in indicators:
        base = bases[ind]
        candidate = base
        if counts[base] > 1:
            values = [_number_text(v) for k, v in ind.params if not k.endswith("matype")]
            candidate = "_".join([base, *values[:3]])
            if ind.source:
                candidate += f"_{ind.source.lower()}"
        candidate = candidate[:36]
        unique, n = candidate, 2
        while unique in used:
            unique, n = f"{candidate}_{n}", n + 1
        used.add(unique)
        ids[ind] = unique
    return ids


def _operand(operand: object, ids: dict[Ind, str]) -> Any:
    if isinstance(operand, Ser):
        if operand.ind is None:
            ref = str(operand.price)
        else:
            ref = ids[operand.ind] + (f".{operand.output}" if operand.output else "")
        return {"ref": ref, "bars_ago": operand.bars_ago} if operand.bars_ago else ref
    value = float(operand)  # type: ignore[arg-type]
    return int(value) if value.is_integer() else value


def _node(node: Node, ids: dict[Ind, str]) -> dict[str, Any]:
    if isinstance(node, Cond):
        return {
            "left": _operand(node.left, ids),
            "op": node.op,
            "right": _operand(node.right, ids),
        }
    assert isinstance(node, Group)
    return {"logic": node.logic, "conditions": [_node(item, ids) for item in node.items]}


def build_spec(
    ruleset: RuleSet, risk: RiskSettings, *, name: str | None, description: str
) -> dict[str, Any]:
    """Spec JSON ready for ``validate_spec``."""
    indicators = _indicators(ruleset.rules)
    ids = assign_ids(indicators)
    items = []
    for ind in indicators:
        item: dict[str, Any] = {
            "id": ids[ind],
            "indicator": ind.name,
            "params": {k: v for k, v in ind.params if not k.endswith("matype")},
        }
        if ind.source:
            item["source"] = ind.source
        items.append(item)
    rules = {_SPEC_RULE[role]: _node(node, ids) for role, node in ruleset.rules.items()}
    entry = ruleset.rules.get("entry_long") or ruleset.rules.get("entry_short")
    title = name or (entry.describe() if entry is not None else "Offline strategy")
    return {
        "version": "1.0",
        "name": title[:100],
        "description": " ".join(description.split())[:2000],
        "side": ruleset.side,
        "indicators": items,
        "rules": rules,
        "stop_loss_pct": risk.stop_loss_pct,
        "take_profit_pct": risk.take_profit_pct,
        "trailing_stop_pct": risk.trailing_stop_pct,
        "position_size": risk.position_size,
    }


def understood_lines(ruleset: RuleSet) -> list[str]:
    """One line per rule, noting rules that were mirrored or defaulted."""
    lines = [f"Side: {ruleset.side}"]
    for role in ROLES:
        if role in ruleset.rules:
            origin = ruleset.origin.get(role)
            suffix = f" ({origin})" if origin else ""
            lines.append(f"{LABELS[role]}{suffix}: {ruleset.rules[role].describe()}")
    return lines
