"""Chat edits of a spec's rules: change one condition, replace or extend a rule, change side.

Conditions are read by the offline parser itself (``segment`` + ``parse_clause``) with its
context primed with the spec's indicators, so "RSI" means the strategy's RSI and "the slow
SMA" its longer SMA. Decisions:

* A single new condition replaces the one condition of the rule on the same subject (the
  same indicator output or price), leaving the rest of the rule alone. "instead of 30" picks
  the condition at 30. Several conditions on that subject and no "instead of": ask which.
* A motion verb ("drops below 25") or "instead of N" keeps the existing comparison when it
  points the same way ("RSI < 30" becomes "RSI < 25", not a crossing): the user asked for a new
  level, not a new kind of trigger.
* No condition on that subject, or several new conditions: the whole rule is replaced ("also
  exit when ..." adds an alternative instead).
* Changing side mirrors the rules the way the parser does for "both directions"
  (crosses flip, oscillator thresholds mirror around the centre: RSI < 30 -> RSI > 70).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.clauses import Clause, segment
from Backtest.llm.offline.conditions import parse_clause
from Backtest.llm.offline.edit_model import (
    KEY_ROLES,
    ROLE_KEYS,
    RULE_LABELS,
    SpecIndex,
    UnsupportedIndicator,
    describe_node,
    items_by_id,
    iter_leaves,
    replace_at,
)
from Backtest.llm.offline.edit_types import EditNotUnderstood
from Backtest.llm.offline.lexer import Lex
from Backtest.llm.offline.model import Cond, Node, conditions
from Backtest.llm.offline.resolve import Context
from Backtest.llm.offline.rules import default_exit, mirror_entry, orient

_BELOW = frozenset({"<", "<=", "crosses_below"})
_ABOVE = frozenset({">", ">=", "crosses_above"})
_RULE_EXAMPLES = [
    "buy when RSI drops below 25 instead of 30",
    "exit when RSI is above 65 instead",
    "sell when the fast SMA crosses below the slow SMA",
    "also exit when RSI is above 80",
]


@dataclass
class RuleRequest:
    """One rule-edit sentence, lexed, with the modifiers cut out of it."""

    lexemes: list[Lex]
    instead_of: float | None = None  # "instead of 30": the condition to change
    also: bool = False  # "also exit when ...": add an alternative


def _direction(op: str) -> str:
    return "below" if op in _BELOW else "above" if op in _ABOVE else op


def rule_role(role: str | None, side: str) -> str:
    """The parser role a clause edits, given the strategy's side ("sell" opens a short one)."""
    if role in (None, "reverse"):
        raise EditNotUnderstood(
            "Say which rule to change, e.g. 'buy when ...', 'sell when ...', 'exit when ...'.",
            examples=_RULE_EXAMPLES,
        )
    assert role is not None
    if role == "entry":
        role = "entry_short" if side == "short" else "entry_long"
    elif role == "exit":
        role = "exit_short" if side == "short" else "exit_long"
    if side == "short" and role in ("entry_long", "exit_long"):
        role = "exit_short" if role == "entry_long" else "entry_short"  # "buy" covers a short
    if side == "long" and role in ("entry_short", "exit_short"):
        raise EditNotUnderstood(
            "This strategy trades long only. Say 'trade both directions' or 'make it short "
            "only' first, then change the short rules.",
            examples=["trade both directions", "make it short only"],
        )
    return role


def _context(index: SpecIndex) -> Context:
    zoned = {ind.name for ind in index.instances if ind.name in v.ZONES}
    ctx = Context(dominant=zoned.pop() if len(zoned) == 1 else None)
    ctx.recent = index.instances  # "RSI" with no period is the strategy's RSI
    return ctx


def _parse(clause: Clause, ctx: Context) -> Node:
    result = parse_clause(clause.body, ctx)
    problems = [fragment for fragment, _ in result.failed] + list(ctx.problems)
    if problems or result.node is None:
        reason = "; ".join(problems) or "no condition recognised"
        raise EditNotUnderstood(
            f"Could not read the condition in '{clause.text}': {reason}.",
            examples=_RULE_EXAMPLES,
        )
    return result.node


def edit_rules(
    spec: dict[str, Any], request: RuleRequest, index: SpecIndex
) -> tuple[dict[str, Any], list[str]]:
    """Apply every rule clause of ``request``; return the new spec and one line per change."""
    ctx = _context(index)
    stream = [lex for lex in request.lexemes if lex.kind not in ("mode", "bbdev", "unsupported")]
    clauses, _ = segment(stream)
    if not clauses:
        raise EditNotUnderstood("No rule found in the message.", examples=_RULE_EXAMPLES)
    rules = dict(spec["rules"])
    lines: list[str] = []
    for clause in clauses:
        key = ROLE_KEYS[rule_role(clause.role, spec["side"])]
        if clause.mirror or clause.mirror_of:
            new, line = _mirrored_rule(rules, key, index)
        else:
            raw = _parse(clause, ctx)
            oriented = orient(raw, KEY_ROLES[key])
            new, line = _apply(rules.get(key), raw, oriented, key, request, index, spec)
        rules[key] = new
        lines.append(line)
    return {**spec, "rules": rules}, lines


def _mirrored_rule(rules: dict[str, Any], key: str, index: SpecIndex) -> tuple[dict[str, Any], str]:
    """ "exit on the opposite signal": the mirror of the counterpart rule."""
    counterpart = {"exit": "entry", "short_exit": "short_entry", "entry": "short_entry"}
    counterpart["short_entry"] = "entry"
    source = rules.get(counterpart[key])
    if source is None:
        raise EditNotUnderstood(f"There is no {RULE_LABELS[counterpart[key]].lower()} to mirror.")
    model = _model(index, source)
    node = default_exit(model) if "exit" in key else mirror_entry(model)
    new = index.to_node(node)
    items = {**items_by_id(index.spec), **{i["id"]: i for i in index.added}}
    current = rules.get(key)
    before = f"'{describe_node(current, items)}'" if current is not None else "none"
    return new, f"{RULE_LABELS[key]}: {before} -> '{describe_node(new, items)}' (mirrored)"


def _model(index: SpecIndex, node: dict[str, Any]) -> Node:
    try:
        return index.node(node)
    except UnsupportedIndicator as exc:
        raise EditNotUnderstood(
            f"This rule uses an indicator the offline editor cannot rewrite ({exc}); "
            "state the new rule in full instead, e.g. 'short when ..., cover when ...'."
        ) from None


def _apply(
    current: dict[str, Any] | None,
    raw: Node,
    oriented: Node,
    key: str,
    request: RuleRequest,
    index: SpecIndex,
    spec: dict[str, Any],
) -> tuple[dict[str, Any], str]:
    label = RULE_LABELS[key]
    new = index.to_node(oriented)
    items = {**items_by_id(spec), **{i["id"]: i for i in index.added}}
    if current is None:
        return new, f"{label}: now '{describe_node(new, items)}' (there was none)"
    before = describe_node(current, items)
    if request.also:
        children = current["conditions"] if current.get("logic") == "any" else [current]
        children = [_unwrap(child) for child in children]
        combined = {"logic": "any", "conditions": [*children, new]}
        return combined, f"{label}: '{before}' -> '{describe_node(combined, items)}'"
    if isinstance(oriented, Cond):
        target = _target_leaf(current, new, request.instead_of, index, label, items)
        if target is not None:
            path, old = target
            keep_op = conditions(raw)[0].motion or request.instead_of is not None
            if keep_op and _direction(old["op"]) == _direction(new["op"]):
                new = {**new, "op": old["op"]}
            updated = replace_at(current, path, new)
            return updated, (
                f"{label}: '{describe_node(old, items)}' -> '{describe_node(new, items)}'"
            )
    elif request.instead_of is not None:
        raise EditNotUnderstood(
            "'instead of' needs a single new condition, e.g. 'buy when RSI is below 25 "
            "instead of 30'.",
            examples=_RULE_EXAMPLES,
        )
    return new, f"{label}: '{before}' -> '{describe_node(new, items)}' (rule replaced)"


def _unwrap(node: dict[str, Any]) -> dict[str, Any]:
    """A group of one condition is that condition."""
    while "conditions" in node and len(node["conditions"]) == 1:
        node = node["conditions"][0]
    return node


def _number(leaf: dict[str, Any]) -> float | None:
    for operand in (leaf["right"], leaf["left"]):
        if isinstance(operand, int | float) and not isinstance(operand, bool):
            return float(operand)
    return None


def _target_leaf(
    current: dict[str, Any],
    new: dict[str, Any],
    instead_of: float | None,
    index: SpecIndex,
    label: str,
    items: dict[str, dict[str, Any]],
) -> tuple[str, dict[str, Any]] | None:
    """The one condition of ``current`` the new condition replaces (None: none is on topic)."""
    subject = index.key(new["left"])
    leaves = [(p, leaf) for p, leaf in iter_leaves(current) if index.key(leaf["left"]) == subject]
    if instead_of is not None:
        leaves = [(p, leaf) for p, leaf in leaves if _number(leaf) == instead_of]
        if not leaves:
            raise EditNotUnderstood(
                f"The {label.lower()} has no condition on that value at "
                f"{instead_of:g}; it is '{describe_node(current, items)}'.",
                examples=_RULE_EXAMPLES,
            )
    if len(leaves) > 1:
        numeric = isinstance(new["right"], int | float)
        same_kind = [
            (p, leaf) for p, leaf in leaves if isinstance(leaf["right"], int | float) == numeric
        ]
        leaves = same_kind if len(same_kind) == 1 else leaves
    if len(leaves) > 1:
        candidates = [describe_node(leaf, items) for _, leaf in leaves]
        raise EditNotUnderstood(
            f"The {label.lower()} has {len(leaves)} conditions on that value; say which one "
            "with 'instead of <its number>', or state the whole rule.",
            candidates=candidates,
            examples=_RULE_EXAMPLES,
        )
    return leaves[0] if leaves else None


# ---- side ---------------------------------------------------------------------------------------
def change_side(
    spec: dict[str, Any], mode: str, index: SpecIndex
) -> tuple[dict[str, Any], list[str]]:
    """Trade ``mode`` (long/short/both): mirror the rules the new side needs, drop the rest."""
    side = spec["side"]
    if mode == side:
        return spec, []
    rules = dict(spec["rules"])

    def mirrored(key: str) -> dict[str, Any] | None:
        node = rules.get(key)
        return None if node is None else index.to_node(mirror_entry(_model(index, node)))

    long_keys, short_keys = ("entry", "exit"), ("short_entry", "short_exit")
    if side == "both":
        dropped = short_keys if mode == "long" else long_keys
        for key in dropped:
            rules[key] = None
    else:
        source, target = (long_keys, short_keys) if side == "long" else (short_keys, long_keys)
        for src, dst in zip(source, target, strict=True):
            rules[dst] = mirrored(src)
        if mode != "both":
            for key in source:
                rules[key] = None
    new = {**spec, "side": mode, "rules": rules}
    items = {**items_by_id(spec), **{i["id"]: i for i in index.added}}
    lines = [f"Side: {side} -> {mode}"]
    for key in ("entry", "exit", "short_entry", "short_exit"):
        if rules.get(key) is not None and rules[key] != spec["rules"].get(key):
            lines.append(f"{RULE_LABELS[key]} (mirrored): {describe_node(rules[key], items)}")
    return new, lines
