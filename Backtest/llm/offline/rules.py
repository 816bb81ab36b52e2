"""Step 6 of the pipeline: give each clause its final role and complete the rule set.

* Generic words take their side from context: "exit" closes the side of the last entry,
  "enter" opens the declared side (long unless "short only").
* Clauses of the same role are OR-ed when each has its own action word ("buy when X. buy
  when Y"), AND-ed when they are filters or continuations ("only when", bullet lists).
* "crosses" without a direction, and "touches", get one from the role: a long entry crosses
  above, a long exit below; a long entry touches from above ("<="), a long exit from below.
* "both directions" with rules for one side mirrors them for the other.
* Default exit (documented, always reported as a warning): when a long or short side has no
  exit rule, no take profit and no trailing stop, it exits on the mirror of the entry's
  trigger (first crossing condition, else first directional one): crosses flip, oscillator
  thresholds mirror around the centre (RSI < 30 -> RSI > 70), a Bollinger lower-band entry
  exits at the middle band, an N-bar-high breakout exits below the N-bar low.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.clauses import Clause
from Backtest.llm.offline.model import (
    FLIP,
    Cond,
    Ind,
    Node,
    Ser,
    combine,
    conditions,
    map_conditions,
)

ROLES = ("entry_long", "exit_long", "entry_short", "exit_short")
LABELS = {
    "entry_long": "Long entry",
    "exit_long": "Long exit",
    "entry_short": "Short entry",
    "exit_short": "Short exit",
}
_UPWARD = frozenset({"entry_long", "exit_short"})
_NON_DIRECTIONAL = frozenset({"ADX", "ADXR", "DX", "ATR", "NATR", "TRANGE", "STDDEV", "VAR"})
_COUNTERPART = {
    "exit_long": "entry_long",
    "exit_short": "entry_short",
    "entry_short": "entry_long",
    "entry_long": "entry_short",
}


@dataclass
class RuleSet:
    """Final rules by role, the side, and notes for the user."""

    side: str
    rules: dict[str, Node]
    origin: dict[str, str] = field(default_factory=dict)  # role -> "default"/"mirrored"
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _opposite(role: str, mode: str | None) -> str:
    if mode == "both" and role.startswith("entry"):
        return "entry_short" if role == "entry_long" else "entry_long"
    return {
        "entry_long": "exit_long",
        "exit_long": "entry_long",
        "entry_short": "exit_short",
        "exit_short": "entry_short",
    }[role]


def _resolve_role(clause: Clause, mode: str | None, state: dict[str, str | None]) -> str:
    role = clause.role
    if clause.mirror_of is not None:
        role = _opposite(_resolve_role(Clause(clause.mirror_of, []), mode, state), mode)
    if role == "reverse":  # "reverse when ...": open the other side
        role = "entry_long" if state["side"] == "short" else "entry_short"
    if role == "entry":
        role = "entry_short" if mode == "short" else "entry_long"
    elif role == "exit":
        role = f"exit_{state['side'] or ('short' if mode == 'short' else 'long')}"
    elif role is None and any(lex.kind == "death" for lex in clause.body):
        role = f"exit_{state['side'] or 'long'}"  # "golden cross / death cross": death exits
    elif role is None:
        role = state["last"] or ("entry_short" if mode == "short" else "entry_long")
    if mode == "short" and role in ("entry_long", "exit_long"):
        role = "exit_short" if role == "entry_long" else "entry_short"  # "sell" opens, "buy" covers
    if role.startswith("entry"):
        state["side"] = role.split("_")[1]
    state["last"] = role
    return role


def orient(node: Node, role: str) -> Node:
    """Give "cross" and "touch" conditions the direction the role implies."""

    def fix(cond: Cond) -> Node:
        """Orient one condition."""
        if cond.motion and role.startswith("exit") and _against_level(cond):
            # "sell when RSI rises above 70": exits read motion verbs as levels, which fire
            # on the same first bar and cannot miss a value landing exactly on the level.
            return Cond(cond.left, "<" if cond.op == "crosses_below" else ">", cond.right)
        if cond.op == "cross":
            op = "crosses_above" if role in _UPWARD else "crosses_below"
            return _with_bands(Cond(cond.left, op, cond.right))
        if cond.op == "touch":
            return _with_bands(Cond(cond.left, _touch_op(cond, role), cond.right))
        return cond

    return map_conditions(node, fix)


def _against_level(cond: Cond) -> bool:
    return cond.op in ("crosses_above", "crosses_below") and isinstance(cond.right, float)


def _touch_op(cond: Cond, role: str) -> str:
    right = cond.right
    if isinstance(right, Ser) and right.output == "upperband":
        return ">="
    if isinstance(right, Ser) and right.output == "lowerband":
        return "<="
    if isinstance(right, float) and isinstance(cond.left, Ser) and cond.left.ind is not None:
        zone = v.ZONES.get(cond.left.ind.name)
        if zone is not None:
            return "<=" if right < sum(zone) / 2 else ">="
    return "<=" if role in _UPWARD else ">="


def _with_bands(cond: Cond) -> Cond:
    def band(operand: object, upward: bool) -> object:
        """An unnamed Bollinger band on the side the comparison points to."""
        is_band = isinstance(operand, Ser) and operand.ind is not None
        if is_band and operand.ind.name == "BBANDS" and operand.output is None:  # type: ignore[union-attr]
            output = "upperband" if upward else "lowerband"
            return Ser(ind=operand.ind, output=output, bars_ago=operand.bars_ago)  # type: ignore[union-attr]
        return operand

    up = cond.op in (">", ">=", "crosses_above")
    return Cond(band(cond.left, not up), cond.op, band(cond.right, up))  # type: ignore[arg-type]


# ---- mirroring --------------------------------------------------------------------------------
def _directional(cond: Cond) -> bool:
    for operand in (cond.left, cond.right):
        if isinstance(operand, Ser):
            if operand.ind is not None and operand.ind.name in _NON_DIRECTIONAL:
                return False
            if operand.price == "Volume" or (operand.ind and operand.ind.source == "Volume"):
                return False
    return True


def _mirror_series(series: Ser, for_exit: bool) -> Ser:
    ind = series.ind
    if ind is None:
        swap = {"High": "Low", "Low": "High"}
        return Ser(price=swap.get(series.price or "", series.price), bars_ago=series.bars_ago)
    if ind.name == "BBANDS" and series.output in ("upperband", "lowerband"):
        if for_exit:
            output = "middleband"
        else:
            output = "lowerband" if series.output == "upperband" else "upperband"
        return Ser(ind=ind, output=output, bars_ago=series.bars_ago)
    if ind.name in ("MAX", "MIN"):
        name = "MIN" if ind.name == "MAX" else "MAX"
        source = {"High": "Low", "Low": "High"}.get(ind.source or "", ind.source)
        return Ser(ind=Ind(name, ind.params, source), bars_ago=series.bars_ago)
    return series


def mirror_cond(cond: Cond, *, for_exit: bool) -> Cond:
    """The opposite condition (see the module docstring); filters stay as they are."""
    if not for_exit and not _directional(cond):
        return cond
    left, right = cond.left, cond.right
    zone = None
    for operand in (left, right):
        if isinstance(operand, Ser) and operand.ind is not None:
            zone = v.ZONES.get(operand.ind.name, zone)

    def swap(operand: object) -> object:
        """Mirror one operand: bands, channels, High/Low, zone thresholds."""
        if isinstance(operand, Ser):
            return _mirror_series(operand, for_exit)
        if zone is not None and isinstance(operand, float):
            return float(sum(zone) - operand)
        return operand

    return Cond(swap(left), FLIP[cond.op], swap(right))  # type: ignore[arg-type]


def mirror_entry(node: Node) -> Node:
    """Full mirror of an entry rule, for the other side ("both directions")."""
    return map_conditions(node, lambda c: mirror_cond(c, for_exit=False))


def default_exit(node: Node) -> Node:
    """Mirror of the entry's trigger condition."""
    conds = conditions(node)
    directional = [c for c in conds if _directional(c)] or conds
    crossing = [c for c in directional if c.op.startswith("crosses")]
    trigger = (crossing or directional)[0]
    return mirror_cond(trigger, for_exit=True)


# ---- assembly ----------------------------------------------------------------------------------
def build_rules(
    parsed: list[tuple[Clause, Node | None]],
    mode: str | None,
    *,
    has_profit_exit: bool,
) -> RuleSet:
    """Assign roles, combine clauses, mirror, pick the side and add default exits."""
    state: dict[str, str | None] = {"side": None, "last": None}
    parts: dict[str, list[tuple[Node, bool]]] = {}
    mirrors: list[tuple[str, Node | None]] = []
    for clause, node in parsed:
        role = _resolve_role(clause, mode, state)
        oriented = orient(node, role) if node is not None else None
        if clause.mirror or clause.mirror_of:
            mirrors.append((role, oriented))
            continue
        if oriented is not None:
            joins_with_or = clause.explicit and not clause.filter
            parts.setdefault(role, []).append((oriented, joins_with_or))
    rules: dict[str, Node] = {}
    for role, items in parts.items():
        node = items[0][0]
        for item, with_or in items[1:]:
            node = combine("any" if with_or else "all", [node, item])
        rules[role] = node
    result = RuleSet(side="long", rules=rules)
    for role, extra in mirrors:
        source = rules.get(_COUNTERPART[role])
        if source is None:
            result.problems.append(f"'{LABELS[role].lower()}' mirrors a rule that was not given")
            continue
        mirrored = default_exit(source) if role.startswith("exit") else mirror_entry(source)
        rules[role] = combine("any", [n for n in (rules.get(role), mirrored, extra) if n])
        result.origin[role] = "mirrored"
    _choose_side(result, mode)
    _default_exits(result, has_profit_exit)
    return result


def _choose_side(result: RuleSet, mode: str | None) -> None:
    rules = result.rules
    has_long, has_short = "entry_long" in rules, "entry_short" in rules
    if mode == "long" and has_short:
        result.problems.append("the description says long only but also describes short entries")
    if mode == "both" or (has_long and has_short):
        result.side = "both"
        for entry, other in (("entry_long", "entry_short"), ("entry_short", "entry_long")):
            if entry in rules and other not in rules:
                rules[other] = mirror_entry(rules[entry])
                result.origin[other] = "mirrored"
                exit_rule, other_exit = f"exit_{entry[6:]}", f"exit_{other[6:]}"
                if exit_rule in rules and other_exit not in rules:
                    rules[other_exit] = mirror_entry(rules[exit_rule])
                    result.origin[other_exit] = "mirrored"
        if "entry_long" in rules:
            result.warnings.append(
                "trading both directions: an opposite entry signal closes and reverses the position"
            )
    elif has_short:
        result.side = "short"
    else:
        result.side = "long"
    for role in list(rules):
        side = role.split("_")[1]
        if result.side != "both" and side != result.side:
            result.warnings.append(
                f"{LABELS[role].lower()} rule ignored: the strategy is {result.side}"
            )
            del rules[role]


def _default_exits(result: RuleSet, has_profit_exit: bool) -> None:
    if result.side == "both" or has_profit_exit:
        return
    entry, exit_role = f"entry_{result.side}", f"exit_{result.side}"
    if entry in result.rules and exit_role not in result.rules:
        result.rules[exit_role] = default_exit(result.rules[entry])
        result.origin[exit_role] = "default"
        result.warnings.append(
            f"no exit rule given; exiting on the opposite of the entry signal: "
            f"{result.rules[exit_role].describe()}"
        )
