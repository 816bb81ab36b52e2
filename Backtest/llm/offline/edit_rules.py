"""Chat edits read by the description grammar: rules, filters, exits, sizing, side.

The sentence is read like a description (against the strategy's own indicators, so "RSI" is
its RSI) and applied additively:

* "only trade when X", "don't trade on Fridays", "never buy when X" add a filter: the new
  entry is ``all(old entry, X)``, so its trades are a subset of the old ones;
* "also buy/exit when X" adds an alternative: ``any(old rule, X)``;
* a rule is replaced only on explicit words: "X instead", "replace the exit (rule) with: X",
  "... instead of 30" (that one condition); the result says ``replaced``;
* a rule for a role the strategy does not have yet is simply added;
* "remove the SMA filter", "drop the Monday condition from the entry" remove the one
  condition every named word matches (ambiguity or no match is refused, listing the
  conditions); a rule is never emptied, and indicators nothing uses any more are dropped;
* otherwise the edit is refused, saying how to ask (nothing is replaced by surprise).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.assemble import mirror, orient, the_crossing
from Backtest.llm.offline.conditions import Resolver
from Backtest.llm.offline.edit_types import RULE_LABELS, EditNotUnderstood
from Backtest.llm.offline.ir import Distance
from Backtest.llm.offline.resolve import Context, Inst, ParseError, RCmp, RGroup, RNode, Series
from Backtest.llm.offline.spec_writer import SpecWriter
from Backtest.llm.offline.specmap import instances, leaf_paths, node_of, seeded_writer
from Backtest.spec import StrategySpec, validate_spec_v2
from Backtest.spec.render import Labels, describe_node, number
from Backtest.spec.semantics import referenced_indicator_ids

_ROLE_KEYS = {
    "entry_long": "entry",
    "exit_long": "exit",
    "entry_short": "short_entry",
    "exit_short": "short_exit",
}
_RULE_EXAMPLES = [
    "only trade when the 200 SMA is rising",
    "also exit when RSI is above 80",
    "exit when RSI is above 65 instead",
    "buy when RSI drops below 25 instead of 30",
]


_ENTRY_VERBS = frozenset({"buy", "short", "trade", "enter", "entry_n"})


@dataclass
class Markers:
    """The words that say how a rule edit combines with the rule it touches."""

    instead: bool = False
    instead_of: float | None = None
    also: bool = False


@dataclass
class Outcome:
    """Lines describing the changes, and which rules were replaced."""

    lines: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


class RuleEditor:
    """Applies grammar statements to spec JSON."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = copy.deepcopy(data)
        self.outcome = Outcome()
        self.writer: SpecWriter | None = None

    # ---- context of the current spec -------------------------------------------------------
    def _model(self) -> StrategySpec:
        return validate_spec_v2(self.data)

    def _prime(self) -> tuple[Resolver, dict[str, Inst], SpecWriter]:
        model = self._model()
        found = instances(model)
        ctx = Context("")
        ctx.instances = list(dict.fromkeys(found.values()))
        return Resolver(ctx), found, seeded_writer(model, found)

    def _describe(self, node: dict[str, Any] | None) -> str:
        if node is None:
            return "none"
        items = self.writer.items if self.writer is not None else self.data["indicators"]
        model = validate_spec_v2(
            {"version": "2.0", "name": "describe", "indicators": items, "rules": {"entry": node}}
        )
        assert model.rules.entry is not None
        return describe_node(model.rules.entry, Labels(model.indicators))

    def _commit(self, writer: SpecWriter) -> None:
        self.data["indicators"] = writer.items

    # ---- statements --------------------------------------------------------------------------
    def apply(self, statements: tuple[ir.Statement, ...], markers: Markers, text: str) -> None:
        resolver, found, writer = self._prime()
        self.writer = writer
        resolver.ctx.text = text
        for statement in statements:
            try:
                self._statement(statement, markers, resolver, found, writer)
            except ParseError as exc:
                start, end = exc.problem.span
                where = f" ('{text[start:end]}')" if end > start else ""
                raise EditNotUnderstood(f"{exc.problem.reason}{where}.") from None
        self._commit(writer)
        self.writer = None

    def _statement(
        self,
        statement: ir.Statement,
        markers: Markers,
        resolver: Resolver,
        found: dict[str, Inst],
        writer: SpecWriter,
    ) -> None:
        if isinstance(statement, ir.Risk):
            self._distance(statement.kind, statement.distance)
        elif isinstance(statement, ir.TimeExit):
            before = self.data.get("exit_after_bars")
            self.data["exit_after_bars"] = statement.bars
            self.outcome.lines.append(f"Time exit: {_bars(before)} -> {_bars(statement.bars)}")
        elif isinstance(statement, ir.Size):
            self._size(statement)
        elif isinstance(statement, ir.Filter):
            self._filter(statement, resolver, writer)
        elif isinstance(statement, ir.Rule):
            self._rule(statement, markers, resolver, found, writer)
        elif isinstance(statement, ir.Mirror):
            if statement.direction is not None:  # "crossing back under = exit": not in edits
                raise EditNotUnderstood(
                    "Say the crossing in full ('exit when the 8 EMA crosses below the 21 EMA')."
                )
            self._mirror(statement.action.verb, found, writer, statement.cross_only)
        elif isinstance(statement, ir.Side):
            raise EditNotUnderstood(
                "Change the side in a message of its own ('make it short only')."
            )
        else:
            raise EditNotUnderstood("That is not a change this editor can make.")

    # ---- settings ----------------------------------------------------------------------------
    def _distance(self, kind: str, distance: Distance) -> None:
        field_name = {"stop": "stop_loss", "target": "take_profit", "trailing": "trailing_stop"}[
            kind
        ]
        label = {"stop": "Stop loss", "target": "Take profit", "trailing": "Trailing stop"}[kind]
        before = self.data.get(field_name)
        value: dict[str, Any] = (
            {"percent": distance.percent}
            if distance.percent is not None
            else {"atr": distance.atr, "atr_period": distance.atr_period or 14}
        )
        self.data[field_name] = value
        self.outcome.lines.append(f"{label}: {distance_text(before)} -> {distance_text(value)}")

    def _size(self, size: ir.Size) -> None:
        before = self.data.get("sizing") or {"mode": "equity_fraction", "value": 1.0}
        value = {"mode": size.mode, "value": size.value}
        self.data["sizing"] = value
        self.outcome.lines.append(f"Position size: {_size_text(before)} -> {_size_text(value)}")
        if size.stop is not None:
            self._distance("stop", size.stop)

    # ---- rules -------------------------------------------------------------------------------
    def _entries(self) -> list[str]:
        side = self.data["side"]
        return {"long": ["entry"], "short": ["short_entry"], "both": ["entry", "short_entry"]}[side]

    def _filter(self, statement: ir.Filter, resolver: Resolver, writer: SpecWriter) -> None:
        node = resolver.cond(statement.cond)
        keys = self._entries()
        if statement.verb == "buy":
            keys = [k for k in keys if k == "entry"]
        elif statement.verb == "short":
            keys = [k for k in keys if k == "short_entry"]
        if not keys:
            raise EditNotUnderstood("This strategy has no such entries to filter.")
        for key in keys:
            role = "entry_long" if key == "entry" else "entry_short"
            current = self.data["rules"][key]
            new = {"logic": "all", "conditions": [current, writer.node(orient(node, role))]}
            self.data["rules"][key] = _flatten(new)
            self.outcome.lines.append(
                f"{RULE_LABELS[key]}: '{self._describe(current)}' -> "
                f"'{self._describe(self.data['rules'][key])}' (filter added)"
            )

    def _role(self, verb: str) -> str:
        side = self.data["side"]
        if verb in ("buy", "enter", "entry_n"):
            role = (
                "exit_short"
                if side == "short" and verb == "buy"
                else ("entry_short" if side == "short" else "entry_long")
            )
        elif verb == "short":
            role = "entry_short"
        elif verb == "sell":
            role = "entry_short" if side == "short" else "exit_long"
        elif verb == "cover":
            role = "exit_short"
        else:
            role = "exit_short" if side == "short" else "exit_long"
        if side == "long" and role.endswith("short"):
            raise EditNotUnderstood(
                "This strategy trades long only. Say 'trade both directions' or 'make it short "
                "only' first, then change the short rules.",
                examples=["trade both directions", "make it short only"],
            )
        return role

    def _rule(
        self,
        statement: ir.Rule,
        markers: Markers,
        resolver: Resolver,
        found: dict[str, Inst],
        writer: SpecWriter,
    ) -> None:
        verb = statement.action.verb
        if statement.only and not markers.instead and verb in _ENTRY_VERBS:
            # "buy only when ...", "trade only when ...": a condition on the entries, as
            # "only buy when ..." (the rule of its role is restricted, never replaced)
            entries = {"buy": "buy", "short": "short"}.get(verb)
            self._filter(ir.Filter(statement.cond, entries), resolver, writer)
            return
        role = self._role(verb)
        key = _ROLE_KEYS[role]
        node = orient(resolver.cond(statement.cond), role)
        new = writer.node(node)
        current = self.data["rules"].get(key)
        label = RULE_LABELS[key]
        if markers.instead_of is not None:
            self._replace_condition(key, node, markers.instead_of, found, writer)
            return
        if current is None or markers.instead:
            self.data["rules"][key] = new
            if current is not None:
                self.outcome.replaced.append(key)
            suffix = " (rule replaced)" if current is not None else " (added)"
            self.outcome.lines.append(
                f"{label}: '{self._describe(current)}' -> '{self._describe(new)}'{suffix}"
            )
            return
        if markers.also:
            combined = _flatten({"logic": "any", "conditions": [current, new]})
            self.data["rules"][key] = combined
            self.outcome.lines.append(
                f"{label}: '{self._describe(current)}' -> '{self._describe(combined)}'"
            )
            return
        if new == current:
            self.outcome.lines.append(f"{label}: '{self._describe(current)}' (unchanged)")
            return
        raise EditNotUnderstood(
            f"The strategy already has a {label.lower()} ('{self._describe(current)}'). Say "
            "'instead' to replace it, 'also' to add another one, or 'only when ...' to add a "
            "condition.",
            examples=_RULE_EXAMPLES,
        )

    def remove_condition(self, words: list[str], scope: str | None, text: str) -> None:
        """Remove the one condition every word of ``words`` names (see the module docstring)."""
        keys = [k for k in RULE_LABELS if self.data["rules"].get(k) is not None]
        if scope is not None:
            keys = [k for k in keys if k in _SCOPES[scope]]
            if not keys:
                raise EditNotUnderstood(f"This strategy has no {scope} rule.")
        found: list[tuple[str, tuple[int, ...], str]] = []
        every: list[str] = []
        for key in keys:
            for path, node in _removable(self.data["rules"][key]):
                described = self._describe(node)
                every.append(f"{RULE_LABELS[key]}: {described}")
                if words and set(words) <= _words(described):
                    found.append((key, path, described))
        if len(found) != 1:
            reason = (
                f"Several conditions match '{text}'"
                if found
                else f"No single condition of this strategy matches '{text}'"
            )
            raise EditNotUnderstood(
                f"{reason}; name it by its indicator and value, e.g. 'remove the SMA(200) "
                "condition from the entry'.",
                candidates=[f"{RULE_LABELS[k]}: {d}" for k, _, d in found] or every,
                examples=["remove the SMA(200) condition from the entry", *_RULE_EXAMPLES[:2]],
            )
        key, path, described = found[0]
        current = self.data["rules"][key]
        if not path:
            raise EditNotUnderstood(
                f"'{described}' is the whole {RULE_LABELS[key].lower()}; say what it should be "
                "instead (e.g. 'exit when RSI is above 65 instead').",
                examples=_RULE_EXAMPLES,
            )
        updated = copy.deepcopy(current)
        parent = _get(updated, path[:-1])
        del parent["conditions"][path[-1]]
        if len(parent["conditions"]) == 1:
            updated = _put(updated, path[:-1], parent["conditions"][0])
        line = (
            f"{RULE_LABELS[key]}: '{self._describe(current)}' -> '{self._describe(updated)}' "
            f"(condition removed: {described})"
        )
        self.data["rules"][key] = updated
        self.data["indicators"] = _used_indicators(self.data)
        self.outcome.replaced.append(key)
        self.outcome.lines.append(line)

    def _replace_condition(
        self, key: str, node: RNode, old: float, found: dict[str, Inst], writer: SpecWriter
    ) -> None:
        """ "... instead of 30": the one condition at 30 on the same subject."""
        current = self.data["rules"].get(key)
        if current is None or not isinstance(node, RCmp):
            raise EditNotUnderstood(
                "'instead of <number>' needs one new condition for an existing rule.",
                examples=_RULE_EXAMPLES,
            )
        model = self._model()
        paths = [
            path
            for path, leaf in leaf_paths(current)
            if old in (leaf.get("left"), leaf.get("right"))
            and _subject(node_of(_rule_model(model, key, path), found)) == _subject(node)
        ]
        if len(paths) != 1:
            raise EditNotUnderstood(
                f"The {RULE_LABELS[key].lower()} has no single condition on that value at "
                f"{number(old)}; it is '{self._describe(current)}'.",
                examples=_RULE_EXAMPLES,
            )
        leaf = _get(current, paths[0])
        new = writer.node(node)
        if _direction(leaf["op"]) == _direction(new["op"]):
            new = {**new, "op": leaf["op"]}  # only the level was asked for
        updated = _put(copy.deepcopy(current), paths[0], new)
        self.data["rules"][key] = updated
        self.outcome.replaced.append(key)
        self.outcome.lines.append(
            f"{RULE_LABELS[key]}: '{self._describe(leaf)}' -> '{self._describe(new)}'"
        )

    def _mirror(
        self, verb: str, found: dict[str, Inst], writer: SpecWriter, cross_only: bool
    ) -> None:
        role = self._role(verb)
        key = _ROLE_KEYS[role]
        source_key = {"exit": "entry", "short_exit": "short_entry"}.get(key)
        model = validate_spec_v2({**self.data, "indicators": writer.items})
        source = getattr(model.rules, source_key) if source_key else None
        if source is None:
            raise EditNotUnderstood("There is no entry to mirror for that exit.")
        try:
            node = node_of(source, found)
            mirrored = mirror_level(the_crossing(node) if cross_only else node)
        except ParseError as exc:
            raise EditNotUnderstood(f"{exc.problem.reason}.") from None
        current = self.data["rules"].get(key)
        new = writer.node(mirrored)
        self.data["rules"][key] = new
        if current is not None:
            self.outcome.replaced.append(key)
        self.outcome.lines.append(
            f"{RULE_LABELS[key]}: '{self._describe(current)}' -> '{self._describe(new)}' (mirrored)"
        )


def mirror_level(node: RNode) -> RNode:
    """The opposite signal, also for oscillator levels (RSI < 30 -> RSI > 70)."""
    if isinstance(node, RGroup):
        return RGroup(node.logic, tuple(mirror_level(x) for x in node.items))
    if isinstance(node, RCmp) and isinstance(node.right, float) and isinstance(node.left, Series):
        inst = node.left.inst
        zone = v.ZONES.get(inst.name) if inst is not None else None
        if zone is not None:
            flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
            flip |= {"crosses_above": "crosses_below", "crosses_below": "crosses_above"}
            return RCmp(node.left, flip[node.op], float(sum(zone) - node.right))
    if isinstance(node, RCmp) and isinstance(node.left, Series) and isinstance(node.right, Series):
        return mirror(RCmp(_swap_channel(node.left), node.op, _swap_channel(node.right)))
    return mirror(node)


def _swap_channel(series: Series) -> Series:
    """Highest high <-> lowest low, High <-> Low: the same breakout the other way."""
    if series.inst is None:
        swap = {"High": "Low", "Low": "High"}
        return Series(price=swap.get(series.price or "", series.price), ago=series.ago)
    inst = series.inst
    if inst.name in ("MAX", "MIN"):
        name = "MIN" if inst.name == "MAX" else "MAX"
        source = {"High": "Low", "Low": "High"}.get(inst.source or "", inst.source)
        return Series(Inst(name, inst.params, source), series.price, series.output, series.ago)
    return series


_SCOPES = {
    "entry": ("entry", "short_entry"),
    "exit": ("exit", "short_exit"),
    "long entry": ("entry",),
    "long exit": ("exit",),
    "short entry": ("short_entry",),
    "short exit": ("short_exit",),
}
# Words a reference to a condition may carry that its description does not.
_NOT_NAMES = frozenset(
    {"the", "a", "an", "of", "that", "which", "where", "with", "its", "day", "days", "period"}
    | {"periods", "bar", "bars", "length", "filter", "condition", "check", "requirement"}
    | {"rule", "rules"}
)


def removal_words(text: str) -> list[str]:
    """The naming words of "the 200-day SMA" in "remove the 200-day SMA filter"."""
    return [w for w in _split_words(text) if w not in _NOT_NAMES]


def _split_words(text: str) -> list[str]:
    return [w.strip(".") for w in re.findall(r"[a-z0-9.%]+", text.lower()) if w.strip(".")]


def _words(described: str) -> set[str]:
    return set(_split_words(described))


def _removable(node: dict[str, Any], path: tuple[int, ...] = ()) -> list[Any]:
    """``(path, node)`` for every condition below groups (a negation is one condition)."""
    if "conditions" in node and "logic" in node:
        out: list[Any] = []
        for index, child in enumerate(node["conditions"]):
            out += _removable(child, (*path, index))
        return out
    return [(path, node)]


def _used_indicators(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's indicators that a rule, an order or another used indicator still refers to."""
    used = referenced_indicator_ids(validate_spec_v2(data))
    return [item for item in data["indicators"] if item["id"] in used]


def _subject(node: RNode) -> Any:
    if isinstance(node, RCmp):
        return node.left if not isinstance(node.left, float) else node.right
    return None


def _direction(op: str) -> str:
    return "up" if op in (">", ">=", "crosses_above") else "down"


def _get(node: dict[str, Any], path: tuple[int, ...]) -> dict[str, Any]:
    for index in path:
        node = node["conditions"][index]
    return node


def _put(node: dict[str, Any], path: tuple[int, ...], new: dict[str, Any]) -> dict[str, Any]:
    if not path:
        return new
    parent = _get(node, path[:-1])
    parent["conditions"][path[-1]] = new
    return node


def _rule_model(model: StrategySpec, key: str, path: tuple[int, ...]) -> Any:
    node = getattr(model.rules, key)
    for index in path:
        node = node.conditions[index]
    return node


def _flatten(node: dict[str, Any]) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for child in node["conditions"]:
        if child.get("logic") == node["logic"] and "conditions" in child:
            items.extend(child["conditions"])
        else:
            items.append(child)
    return {"logic": node["logic"], "conditions": items}


def distance_text(value: dict[str, Any] | None) -> str:
    if not value:
        return "none"
    if value.get("percent") is not None:
        return f"{number(value['percent'])}%"
    return f"{number(value['atr'])} × ATR({value.get('atr_period') or 14})"


def _size_text(value: dict[str, Any]) -> str:
    if value["mode"] == "units":
        return f"{number(value['value'])} units"
    if value["mode"] == "risk_percent":
        return f"risk {number(value['value'])}%"
    fraction = value["value"]
    return "all equity" if fraction >= 1 else f"{number(round(fraction * 100, 4))}% of equity"


def _bars(value: int | None) -> str:
    return "none" if value is None else f"{value} bars"
