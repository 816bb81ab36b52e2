"""Step 6: the assembled rules and settings -> spec 2.0 JSON (before validation)."""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.assemble import (
    _SPEC_RULE,
    ROLES,
    Assembly,
    mirror,
    orient,
    orientation_notes,
    the_crossing,
)
from Backtest.llm.offline.ir import Distance
from Backtest.llm.offline.resolve import (
    Expr,
    Inst,
    ParseError,
    RCmp,
    RGroup,
    RNode,
    RRisk,
    Series,
)
from Backtest.llm.offline.spec_writer import SpecWriter

_COUNTERPART = {
    "exit_long": "entry_long",
    "exit_short": "entry_short",
    "entry_short": "entry_long",
    "entry_long": "entry_short",
}


def _combine(items: list[tuple[RNode, bool]]) -> RNode:
    node = items[0][0]
    for item, alternative in items[1:]:
        node = RGroup("any" if alternative else "all", (node, item))
    return node


def _check_period_notes(assembly: Assembly) -> None:
    """ "Standard 14 period" names no indicator: it is read only when the description uses one
    indicator with a period, and only as a check that the period agrees (never to change it)."""
    for note in assembly.period_notes:
        if isinstance(note, ir.ParamsNote):
            _check_params_note(assembly, note)
            continue
        periods = {inst.period() for inst in assembly.ctx.instances if inst.period() is not None}
        if len(periods) != 1 or periods != {note.period}:
            raise ParseError(
                note.span,
                "a period with no indicator; write it with the indicator, e.g. 'RSI(14)'",
            )
        if note.said:
            named = next(i for i in assembly.ctx.instances if i.period() is not None)
            assembly.ctx.warnings.append(
                f"'Use {note.period:g} periods' read as a check that the one indicator with a "
                f"period, {named.label()}, has {note.period:g} (it does); it sets nothing"
            )


def _tunable_values(inst: Inst) -> tuple[float, ...]:
    return tuple(float(value) for key, value in inst.params if not key.endswith("matype"))


def _check_params_note(assembly: Assembly, note: ir.ParamsNote) -> None:
    """ "Standard 12/26/9": only a check that the one indicator with several parameters (or
    the one named in the note) has exactly these; anything else is refused, never applied."""
    used = list(dict.fromkeys(assembly.ctx.instances))
    if note.mention is not None:
        named = assembly.ctx.peek(note.mention)
        agrees = named in used
    else:
        several = [inst for inst in used if len(_tunable_values(inst)) >= 2]
        numbers = tuple(float(n) for n in note.numbers)
        agrees = len(several) == 1 and _tunable_values(several[0]) in (
            numbers,
            numbers + numbers[-1:] if several[0].name == "BBANDS" and len(numbers) == 2 else (),
        )
    if not agrees:
        raise ParseError(
            note.span,
            "parameters that match no indicator the rules use; write them with the indicator, "
            "e.g. 'MACD(12,26,9)'",
        )


def _check_calendar_triggers(assembly: Assembly) -> None:
    """A date or time window as one of several alternative entry triggers is refused.

    "Entries only between 10:00 and 15:00. Buy when ..." means a filter, but read as a rule
    of its own it would become "enter at 10:00 or when ...": never guess which, say so.
    """
    for role, span, verb in assembly.calendar_triggers:
        items = assembly.rules.get(role, [])
        alternative = len(items) > 1 and any(alternative for _node, alternative in items[1:])
        # "Short when RSI(14) > 70 ... Trade on Mondays": "trade" / "enter" names no side, and
        # beside the other side's entries the window is a filter, not a long entry of its own
        other = "entry_short" if role == "entry_long" else "entry_long"
        sideless = verb in ("trade", "enter", "entry_n") and bool(assembly.rules.get(other))
        if alternative or sideless:
            raise ParseError(
                span,
                "a date or time window is not an entry signal next to another entry rule; "
                "to restrict entries to it, say 'only enter ...'",
            )


def _check_risk_sides(assembly: Assembly, side: str) -> None:
    """ "Stop 3% above entry" on a long contradicts itself: refuse rather than flip it. A stop
    said of one side's entry ("3% above your short entry") needs that side traded alone: the
    spec's stop serves every side."""
    for kind, named, span in assembly.risk_entry_sides:
        if named != side:
            raise ParseError(
                span,
                f"a {kind} said of the {named} entry, but the strategy trades "
                f"{'both sides' if side == 'both' else side + ' only'}: the {kind} would hold "
                "for every trade",
            )
    if side == "both":
        return  # one distance serves both sides
    for kind, where, span in assembly.risk_sides:
        below = (kind in ("stop", "trailing")) == (side == "long")
        if where != ("<" if below else ">"):
            expected = "below" if below else "above"
            raise ParseError(
                span, f"a {side} position's {kind} is {expected} the entry price, not there"
            )


def _lift_risk(node: RNode, assembly: Assembly, role: str) -> RNode | None:
    """Exit alternatives that are settings ("or after 10 days") move to the settings."""
    if isinstance(node, RRisk):
        _apply_risk(node, assembly, role)
        return None
    if isinstance(node, RGroup) and node.logic == "any":
        kept = []
        for child in node.items:
            lifted = _lift_risk(child, assembly, role)
            if lifted is not None:
                kept.append(lifted)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else RGroup("any", tuple(kept))
    return node


def _apply_risk(atom: RRisk, assembly: Assembly, role: str) -> None:
    if not role.startswith("exit"):
        raise ParseError((0, 0), "a stop, target or time exit cannot trigger an entry")
    wanted = "down" if role.endswith("long") else "up"
    if atom.moved is not None and atom.moved != wanted:
        # "Buy ... exit if it rallies 4% against me": a rally is for a long, not against it
        raise ParseError((0, 0), f"a move {atom.moved} is not against a {role[5:]} position")
    if atom.kind == "time":
        assembly._setting("time", atom.bars)
    else:
        assembly._setting(atom.kind, atom.distance)


def _distance(distance: Distance) -> dict[str, Any]:
    if distance.percent is not None:
        return {"percent": distance.percent}
    out: dict[str, Any] = {"atr": distance.atr}
    if distance.atr_period is not None:
        out["atr_period"] = distance.atr_period
    return out


def _side(assembly: Assembly, rules: dict[str, RNode]) -> str:
    has_long, has_short = "entry_long" in rules, "entry_short" in rules
    side = assembly.side
    if side == "long" and has_short:
        raise ParseError((0, 0), "the description says long only but also describes short entries")
    if side == "short" and has_long:
        raise ParseError((0, 0), "the description says short only but also describes long entries")
    if side == "both" or assembly.reverse or (has_long and has_short):
        if not (has_long and has_short):
            missing = "short" if has_long else "long"
            raise ParseError(
                (0, 0), f"both directions are asked for, but no {missing} entry rule is given"
            )
        return "both"
    return "short" if has_short else "long"


def _crosses(node: RCmp, direction: str, line: Expr | None) -> bool:
    """The crossing goes ``direction`` (over ``line``, when named: either side of it)."""
    if line is None or line == node.right:
        return node.op == direction
    other = "crosses_below" if direction == "crosses_above" else "crosses_above"
    return line == node.left and node.op == other


def build_spec(assembly: Assembly, *, name: str | None, description: str) -> dict[str, Any]:
    """Spec JSON for the assembled description (raises ParseError on a contradiction)."""
    _check_calendar_triggers(assembly)
    if assembly.time_unless_hit and not {"stop", "target", "trailing"} & set(assembly.settings):
        raise ParseError((0, 0), "'neither' refers to a stop or a target, and none is given")
    raw = {role: _combine(items) for role, items in assembly.rules.items()}
    if assembly.only_exit is not None:
        kind, span = assembly.only_exit
        others = {"stop", "target", "trailing", "time"} - {kind}
        if any(role.startswith("exit") for role in raw) or others & set(assembly.settings):
            raise ParseError(
                span, f"the only exit is said to be the {kind}, yet another exit is given"
            )
    for inst, span in assembly.zero_lines:
        if not any(_against_zero(node, inst) for node in raw.values()):
            raise ParseError(
                span, f"a zero-line strategy, but no rule compares {inst.label()} with zero"
            )
    for role, restrictions in assembly.restrictions.items():
        nodes = [node for node, _span in restrictions]
        if role in raw and role.startswith("exit"):
            raise ParseError(
                restrictions[0][1],
                "a condition that holds back an exit cannot be expressed; state when to exit "
                "instead",
            )
        if role in raw:
            nodes.insert(0, raw[role])
        raw[role] = nodes[0] if len(nodes) == 1 else RGroup("all", tuple(nodes))
    rules: dict[str, RNode] = {}
    for role in ROLES:
        if role in raw:
            lifted = _lift_risk(raw[role], assembly, role)
            if lifted is not None:
                rules[role] = orient(lifted, role)
                for note in orientation_notes(lifted, rules[role], role):
                    if note not in assembly.ctx.warnings:
                        assembly.ctx.warnings.append(note)
    for role in assembly.mirrors:
        source = rules.get(_COUNTERPART[role])
        if source is None:
            raise ParseError((0, 0), "'the opposite signal' has no rule to mirror")
        if role in assembly.cross_mirrors:
            source = the_crossing(source)
        mirrored = mirror(source)
        if role in assembly.cross_directions:
            direction, span = assembly.cross_directions[role]
            line = assembly.cross_lines.get(role)
            if not (isinstance(mirrored, RCmp) and _crosses(mirrored, direction, line)):
                raise ParseError(
                    span, "not the opposite of the one crossing before it; state the rule in full"
                )
        rules[role] = RGroup("any", (rules[role], mirrored)) if role in rules else mirrored
    if not any(role.startswith("entry") for role in rules) and assembly.crossover is not None:
        fast, slow = assembly.crossover
        rules["entry_long"] = RCmp(fast, "crosses_above", slow)
        if assembly.side == "both" or assembly.reverse:
            rules["entry_short"] = RCmp(fast, "crosses_below", slow)
            how = "go long on the upward cross, short on the downward cross"
        else:
            rules.setdefault("exit_long", RCmp(fast, "crosses_below", slow))
            how = "enter on the upward cross, exit on the downward cross"
        named = f"{fast.label()} / {slow.label()}"
        if fast.inst is not None and fast.inst == slow.inst:  # "MACD crossover"
            named, how = fast.inst.label(), f"its line crossing its signal line; {how}"
        assembly.ctx.warnings.append(f"'{named} crossover' read as: {how}")
    if not any(role.startswith("entry") for role in rules):
        raise ParseError((0, 0), "no entry rule: say when to buy (or to go short)")
    side = _side(assembly, rules)
    _check_risk_sides(assembly, side)
    for kind, span in assembly.no_risk:
        if kind in assembly.settings:
            raise ParseError(span, f"says there is no {kind}, but the description sets one")
    _check_period_notes(assembly)
    for node, verb in assembly.filters:
        if verb == "bare" and {"entry_long", "entry_short"} <= set(rules):
            raise ParseError(
                (0, 0),
                "an 'only ...' sentence with both sides traded: say 'only buy' or 'only short'",
            )
        targets = {"buy": ("entry_long",), "short": ("entry_short",)}.get(
            verb or "", ("entry_long", "entry_short")
        )
        if verb in ("buy", "short") and targets[0] not in rules:
            # "only short below it" with no short rule: a side the rules never trade
            raise ParseError(
                (0, 0),
                f"a condition on the {'long' if verb == 'buy' else 'short'} entries, but no "
                f"{'long' if verb == 'buy' else 'short'} entry rule is given",
            )
        for role in targets:
            if role in rules:
                rules[role] = RGroup("all", (rules[role], node))
    writer = SpecWriter()
    spec_rules = {_SPEC_RULE[role]: writer.node(node) for role, node in rules.items()}
    entry_text = next(iter(spec_rules.values()))
    data: dict[str, Any] = {
        "version": "2.0",
        "name": (name or _title(rules, writer))[:100],
        "description": " ".join(description.split())[:5000],
        "side": side,
        "indicators": writer.items,
        "rules": spec_rules,
    }
    del entry_text
    settings = assembly.settings
    for key, field in (
        ("stop", "stop_loss"),
        ("target", "take_profit"),
        ("trailing", "trailing_stop"),
    ):
        if key in settings:
            data[field] = _distance(settings[key])
    if "time" in settings:
        data["exit_after_bars"] = settings["time"]
    for key in ("entry_order", "short_entry_order"):
        if key in settings:
            order_type, price = settings[key]
            data[key] = {"type": order_type, "price": writer.expr(price)}
            if f"{key}_valid_bars" in settings:
                data[key]["valid_bars"] = settings[f"{key}_valid_bars"]
    if "size" in settings:
        mode, value = settings["size"]
        data["sizing"] = {"mode": mode, "value": value}
    data["indicators"] = writer.items  # ids assigned while writing orders too
    for inst, span in assembly.declared:
        if (
            inst not in writer.ids
            and not _donchian_used(inst, writer)
            and not _atr_used(inst, settings)
        ):
            # "... above the 20 EMA and 50 EMA": a named indicator no rule uses was dropped
            raise ParseError(span, f"{inst.label()} is named, but no rule uses it")
    return data


def _against_zero(node: RNode, inst: Inst) -> bool:
    """ "MACD zero line": some comparison of the indicator's main line with zero."""
    if isinstance(node, RCmp):
        sides = (node.left, node.right)
        return any(
            isinstance(x, Series)
            and x.inst == inst
            and x.output in (None, v.MAIN_OUTPUT.get(inst.name))
            and isinstance(y, int | float)
            and y == 0
            for x, y in (sides, sides[::-1])
        )
    items = getattr(node, "items", None)
    if items is not None:
        return any(_against_zero(item, inst) for item in items)
    inner = getattr(node, "inner", None)
    return inner is not None and _against_zero(inner, inst)


def _atr_used(inst: Inst, settings: dict[str, Any]) -> bool:
    """ "Stop at 1.5 ATR ... ATR is the 14 period one": the ATR of a stop or target distance."""
    if inst.name != "ATR" or inst.period() is None:
        return False
    distances = [value for value in settings.values() if isinstance(value, Distance)]
    return any(d.atr is not None and (d.atr_period or 14) == inst.period() for d in distances)


def _donchian_used(inst: Inst, writer: SpecWriter) -> bool:
    """ "Donchian 20/10: long when the close breaks the prior 20-day high": an N-day high or low
    is the Donchian channel's line (the same series), so the named channel is used."""
    days = inst.period()
    if inst.name != "DONCHIAN" or days is None:
        return False
    period = (("timeperiod", int(days)),)
    return Inst("MAX", period, "High") in writer.ids or Inst("MIN", period, "Low") in writer.ids


def _title(rules: dict[str, RNode], writer: SpecWriter) -> str:
    entry = rules.get("entry_long") or rules.get("entry_short")
    if isinstance(entry, RCmp) and isinstance(entry.left, Series):
        right = entry.right.label() if isinstance(entry.right, Series) else str(entry.right)
        return f"{entry.left.label()} {entry.op.replace('_', ' ')} {right}"
    return "Offline strategy"
