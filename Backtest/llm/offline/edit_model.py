"""Chat edits: the bridge between spec JSON and the offline parser's model.

Edits work on spec JSON (so untouched rules keep their exact text), but reuse the parser for
reading conditions and mirroring rules. :class:`SpecIndex` maps the spec's indicators to parser
instances (:class:`~.model.Ind`) and back, allocating readable ids for indicators an edit adds.
The ``describe_*`` helpers render spec JSON in English for summaries, candidates and answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from Backtest.indicator_registry import get_indicator
from Backtest.llm.offline.model import Cond, Group, Ind, Node, Ser
from Backtest.spec.models import PRICE_FIELDS, RESERVED_IDS

RULE_KEYS = ("entry", "exit", "short_entry", "short_exit")
RULE_LABELS = {
    "entry": "Long entry",
    "exit": "Long exit",
    "short_entry": "Short entry",
    "short_exit": "Short exit",
}
# Parser roles <-> spec rule keys.
ROLE_KEYS = {
    "entry_long": "entry",
    "exit_long": "exit",
    "entry_short": "short_entry",
    "exit_short": "short_exit",
}
KEY_ROLES = {key: role for role, key in ROLE_KEYS.items()}
_OP_WORDS = {
    "<": "is below",
    ">": "is above",
    "<=": "is at or below",
    ">=": "is at or above",
    "crosses_above": "crosses above",
    "crosses_below": "crosses below",
}
_ID_BASES = {"BBANDS": "bb", "STOCH": "stoch", "STOCHRSI": "stochrsi", "MAX": "highest"}
_ID_BASES |= {"MIN": "lowest"}


class UnsupportedIndicator(ValueError):
    """An indicator the parser model cannot represent (one with an ``inputs`` override)."""


def number_text(value: float) -> str:
    """``30`` for 30.0, ``1.5`` for 1.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def spec_number(value: float) -> int | float:
    """A number as spec JSON writes it: integral values as int."""
    value = float(value)
    return int(value) if value.is_integer() else value


# ---- walking rule trees -------------------------------------------------------------------------
def iter_leaves(node: dict[str, Any] | None, path: str = "") -> Iterator[tuple[str, dict]]:
    """``(path, condition)`` for every leaf of a JSON rule tree (path like ``conditions.1``)."""
    if node is None:
        return
    if "conditions" in node:
        for index, child in enumerate(node["conditions"]):
            yield from iter_leaves(child, f"{path}.conditions.{index}".lstrip("."))
    else:
        yield path, node


def replace_at(node: dict[str, Any], path: str, new: dict[str, Any]) -> dict[str, Any]:
    """``node`` with the subtree at ``path`` ("" = the root) replaced by ``new``."""
    if not path:
        return new
    head, _, rest = path.partition(".")
    index, _, rest = rest.partition(".")
    assert head == "conditions"
    children = list(node["conditions"])
    children[int(index)] = replace_at(children[int(index)], rest, new)
    return {**node, "conditions": children}


def operand_id(operand: Any) -> str | None:
    """The indicator id an operand refers to (None for numbers and price fields)."""
    text = operand.get("ref") if isinstance(operand, dict) else operand
    if not isinstance(text, str) or text in PRICE_FIELDS:
        return None
    return text.partition(".")[0]


def referenced_ids(spec: dict[str, Any]) -> set[str]:
    """Every indicator id some rule of ``spec`` uses."""
    ids: set[str] = set()
    for key in RULE_KEYS:
        for _, leaf in iter_leaves((spec.get("rules") or {}).get(key)):
            ids |= {i for i in (operand_id(leaf["left"]), operand_id(leaf["right"])) if i}
    return ids


# ---- English ------------------------------------------------------------------------------------
def indicator_label(item: dict[str, Any]) -> str:
    """``SMA(10)``, ``MACD(12,26,9)``, ``MAX(20) of High``."""
    info = get_indicator(item["indicator"])
    params = info.resolve_params(item.get("params") or {})
    args = ",".join(number_text(v) for k, v in params.items() if not k.endswith("matype"))
    text = f"{info.name}({args})" if args else info.name
    if item.get("source") not in (None, "Close"):
        text += f" of {item['source']}"
    if item.get("inputs"):
        text += f" of {'/'.join(item['inputs'])}"
    return text


def describe_operand(operand: Any, items: dict[str, dict[str, Any]]) -> str:
    """English label of one operand; indicator outputs are named by their label."""
    if isinstance(operand, bool | int | float):
        return number_text(operand)
    bars = operand.get("bars_ago", 0) if isinstance(operand, dict) else 0
    text = operand["ref"] if isinstance(operand, dict) else operand
    indicator_id, _, output = text.partition(".")
    if indicator_id in items:
        text = indicator_label(items[indicator_id]) + (f" {output}" if output else "")
    if bars:
        text += f" {bars} bar{'s' if bars > 1 else ''} ago"
    return text


def describe_node(node: dict[str, Any], items: dict[str, dict[str, Any]]) -> str:
    """``RSI(14) is below 30 and Close is above EMA(100)``."""
    if "conditions" in node:
        joiner = " and " if node.get("logic", "all") == "all" else " or "
        parts = [
            f"({describe_node(c, items)})" if "conditions" in c else describe_node(c, items)
            for c in node["conditions"]
        ]
        return joiner.join(parts)
    left = describe_operand(node["left"], items)
    right = describe_operand(node["right"], items)
    return f"{left} {_OP_WORDS.get(node['op'], node['op'])} {right}"


def items_by_id(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The spec's indicator entries by id."""
    return {item["id"]: item for item in spec.get("indicators") or []}


# ---- spec JSON <-> parser model -----------------------------------------------------------------
def _ind_of(item: dict[str, Any]) -> Ind:
    if item.get("inputs"):
        raise UnsupportedIndicator(f"{item['id']!r} overrides its inputs")
    info = get_indicator(item["indicator"])
    params = info.resolve_params(item.get("params") or {})
    source = item.get("source")
    return Ind(info.name, tuple(params.items()), None if source in (None, "Close") else source)


@dataclass
class SpecIndex:
    """The spec's indicators as parser instances, and ids for the ones an edit adds."""

    spec: dict[str, Any]
    by_id: dict[str, Ind] = field(default_factory=dict)
    ids: dict[Ind, str] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for item in self.spec.get("indicators") or []:
            try:
                ind = _ind_of(item)
            except UnsupportedIndicator:
                continue
            self.by_id[item["id"]] = ind
            self.ids.setdefault(ind, item["id"])

    @property
    def instances(self) -> list[Ind]:
        """Parser instances in spec order (for priming the parser's context)."""
        return list(dict.fromkeys(self.by_id.values()))

    # -- to the model -------------------------------------------------------------------------
    def operand(self, operand: Any) -> Ser | float:
        """Model form of a JSON operand; raises UnsupportedIndicator."""
        if isinstance(operand, int | float) and not isinstance(operand, bool):
            return float(operand)
        bars = operand.get("bars_ago", 0) if isinstance(operand, dict) else 0
        text = operand["ref"] if isinstance(operand, dict) else operand
        if text in PRICE_FIELDS:
            return Ser(price=text, bars_ago=bars)
        indicator_id, _, output = text.partition(".")
        ind = self.by_id.get(indicator_id)
        if ind is None:
            raise UnsupportedIndicator(f"{indicator_id!r} cannot be read by the offline editor")
        if len(get_indicator(ind.name).outputs) == 1:
            output = ""
        return Ser(ind=ind, output=output or None, bars_ago=bars)

    def node(self, node: dict[str, Any]) -> Node:
        """Model form of a JSON rule tree."""
        if "conditions" in node:
            items = tuple(self.node(child) for child in node["conditions"])
            return Group(node.get("logic", "all"), items)
        return Cond(self.operand(node["left"]), node["op"], self.operand(node["right"]))

    def key(self, operand: Any) -> Any:
        """A comparable form of an operand (model form when possible, else the JSON)."""
        try:
            return self.operand(operand)
        except UnsupportedIndicator:
            return repr(operand)

    # -- back to JSON -------------------------------------------------------------------------
    def to_operand(self, operand: Ser | float) -> Any:
        """JSON form of a model operand, adding the indicator to the spec when it is new."""
        if not isinstance(operand, Ser):
            return spec_number(operand)
        if operand.ind is None:
            ref = str(operand.price)
        else:
            ref = self.id_for(operand.ind) + (f".{operand.output}" if operand.output else "")
        return {"ref": ref, "bars_ago": operand.bars_ago} if operand.bars_ago else ref

    def to_node(self, node: Node) -> dict[str, Any]:
        """JSON form of a model rule tree."""
        if isinstance(node, Cond):
            return {
                "left": self.to_operand(node.left),
                "op": node.op,
                "right": self.to_operand(node.right),
            }
        return {"logic": node.logic, "conditions": [self.to_node(item) for item in node.items]}

    def id_for(self, ind: Ind) -> str:
        """The id of ``ind``: the spec's own, or a new readable one (``rsi_7``)."""
        if ind in self.ids:
            return self.ids[ind]
        base = _ID_BASES.get(ind.name, ind.name.lower())
        taken = {item["id"] for item in self.spec.get("indicators") or []} | set(self.ids.values())
        candidate = base
        if candidate in taken or candidate in RESERVED_IDS:
            values = [number_text(v) for k, v in ind.params if not k.endswith("matype")]
            candidate = "_".join([base, *values[:3]]).replace(".", "p")
            if ind.source:
                candidate += f"_{ind.source.lower()}"
        candidate = re.sub(r"[^a-z0-9_]", "_", candidate)[:36]
        unique, n = candidate, 2
        while unique in taken:
            unique, n = f"{candidate}_{n}", n + 1
        self.ids[ind] = unique
        self.by_id[unique] = ind
        item: dict[str, Any] = {
            "id": unique,
            "indicator": ind.name,
            "params": {k: v for k, v in ind.params if not k.endswith("matype")},
        }
        if ind.source:
            item["source"] = ind.source
        self.added.append(item)
        return unique

    def finish(self, spec: dict[str, Any], used_before: set[str]) -> dict[str, Any]:
        """``spec`` with the added indicators, minus those this edit left unused."""
        used = referenced_ids(spec)
        kept = [
            item
            for item in spec.get("indicators") or []
            if item["id"] in used or item["id"] not in used_before
        ]
        kept += [item for item in self.added if item["id"] in used]
        return {**spec, "indicators": kept}
