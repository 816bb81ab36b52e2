"""Chat edits of numbers: indicator parameters and rule thresholds.

"change the RSI period to 21", "use a 50 day SMA instead of 30", "set the slow SMA to 50",
"change the oversold level to 25", "change 30 to 25". The message gives a new value and
something that picks what to change (an indicator, fast/slow, "instead of N", "period",
"level", an action word). Every parameter and threshold the words could mean is a
candidate; exactly one must remain, otherwise the edit is refused listing the candidates.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from Backtest.indicator_registry import IndicatorParameterError
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.edit_types import RULE_LABELS, EditNotUnderstood
from Backtest.llm.offline.lexer import Lexeme
from Backtest.llm.offline.specmap import leaf_paths
from Backtest.spec import Compare, lookup_indicator, validate_spec_v2
from Backtest.spec.render import Labels, describe_node, number

_N = r"-?\d+(?:\.\d+)?"
_LIST = rf"{_N}(?:\s*(?:,|/|and)\s*{_N})*"
_FROM_TO = re.compile(rf"\bfrom\s+({_N})\s+to\s+({_LIST})\b")
_INSTEAD = re.compile(rf"\b(?:instead of|rather than|not)\s+({_N})\b")
_TO = re.compile(rf"(?:\bto|=|\bat|\bequal to)\s+({_LIST})\b(?!\s*%)")
_PERIOD = frozenset({"period", "periods", "length", "lookback", "window", "day", "days", "bar"})
_PERIOD |= {"bars"}
_LEVEL = frozenset({"threshold", "thresholds", "level", "levels", "trigger", "value"})
_EXAMPLES = [
    "change the RSI period to 21",
    "use a 50 day SMA instead of 30",
    "set the slow SMA to 50",
    "change the oversold level to 25",
]


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(_N, text)]


@dataclass
class ValueRequest:
    """What a value edit says: the new value(s), the old one, and hints picking the target."""

    new: list[float]
    old: float | None
    words: frozenset[str]
    name: str | None = None  # the one indicator named
    speed: str | None = None
    zone: str | None = None
    deviation: bool = False
    signal: bool = False
    roles: list[str] = field(default_factory=list)


def value_request(text: str, lexemes: list[Lexeme]) -> ValueRequest | None:
    """Read a value edit from a sentence (None when it is not one)."""
    lower = " ".join(text.lower().split())
    if re.search(r"\d\s*%", lower):
        return None
    new: list[float] = []
    old: float | None = None
    if match := _FROM_TO.search(lower):
        old, new = float(match[1]), _numbers(match[2])
        lower = lower[: match.start()] + lower[match.end() :]
    if match := _INSTEAD.search(lower):
        old = float(match[1])
        lower = lower[: match.start()] + lower[match.end() :]
    if not new and (matches := list(_TO.finditer(lower))):
        new = _numbers(matches[-1][1])
        lower = lower[: matches[-1].start()] + lower[matches[-1].end() :]
    names = [lx.value[0] for lx in lexemes if lx.kind == "IND"]
    if len(set(names)) > 1:
        raise EditNotUnderstood("Change one indicator at a time, e.g. 'set the slow SMA to 50'.")
    mentioned = _mentioned_numbers(lexemes)
    loose = [n for n in _numbers(lower) if n not in mentioned]
    if not new:
        if mentioned:
            new = mentioned  # "use a 50 day SMA", "make the fast EMA 8"
        elif len(loose) == 1:
            new, loose = loose, []
    elif old is None and mentioned:
        old = mentioned[0]  # "change the 30 SMA to 50"
    elif old is None and len(loose) == 1:
        old = loose[0]  # "change 30 to 25"
    if not new:
        return None
    words = frozenset(lower.split())
    return ValueRequest(
        new=new,
        old=old,
        words=words,
        name=names[0] if names else None,
        speed=next((lx.value for lx in lexemes if lx.kind == "RELATIVE"), None),
        zone=next(
            (lx.kind.lower() for lx in lexemes if lx.kind in ("OVERSOLD", "OVERBOUGHT")), None
        ),
        deviation=any(lx.kind == "DEV" for lx in lexemes),
        signal=any(lx.kind == "OUTPUT" and lx.value == "signal" for lx in lexemes),
        roles=[lx.kind for lx in lexemes if lx.kind in ("BUY", "SELL", "SHORT", "COVER", "EXIT")],
    )


def _mentioned_numbers(lexemes: list[Lexeme]) -> list[float]:
    """Numbers written next to the indicator name ("50 day SMA", "SMA(50)")."""
    out: list[float] = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind != "IND":
            continue
        for offset in (-2, -1, 1, 2):
            j = index + offset
            if 0 <= j < len(lexemes) and lexemes[j].kind == "NUM":
                between = lexemes[min(j, index) + 1 : max(j, index)]
                if all(lx.kind in ("UNIT", "LPAR") for lx in between):
                    out.append(float(lexemes[j].value))
                    break
    return out


@dataclass
class _Target:
    label: str
    sort_key: float = 0.0
    item: dict[str, Any] | None = None
    params: tuple[str, ...] = ()
    rule: str | None = None
    path: tuple[int, ...] = ()
    leaf: dict[str, Any] | None = None


def _param_names(info: Any, request: ValueRequest) -> tuple[str, ...] | None:
    names = [p.name for p in info.parameters if not p.name.endswith("matype")]
    if request.deviation:
        picked = [n for n in names if n.startswith("nbdev")]
    elif request.signal:
        picked = [n for n in names if n.startswith("signal")]
    elif request.speed and any(n.startswith(request.speed) for n in names):
        picked = [n for n in names if n.startswith(request.speed)][:1]
    elif len(request.new) > 1:
        picked = names[: len(request.new)] if len(names) >= len(request.new) else []
    elif "timeperiod" in names:
        picked = ["timeperiod"]
    else:
        picked = names if len(names) == 1 else []
    return tuple(picked) or None


def _param_targets(spec: dict[str, Any], request: ValueRequest) -> list[_Target]:
    targets = []
    labels = Labels(validate_spec_v2(spec).indicators)
    for item in spec.get("indicators", []):
        info = lookup_indicator(item["indicator"])
        if request.name is not None and info.name != request.name:
            continue
        names = _param_names(info, request)
        if names is None:
            continue
        current = info.resolve_params(item.get("params") or {})
        if request.old is not None and not any(float(current[n]) == request.old for n in names):
            continue
        shown = ", ".join(f"{n} {number(current[n])}" for n in names)
        label = f"{item['id']}: {labels.by_id[item['id']]} {shown}"
        targets.append(_Target(label, float(current[names[0]]), item=item, params=names))
    return targets


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _threshold_targets(spec: dict[str, Any], request: ValueRequest) -> list[_Target]:
    labels = Labels(validate_spec_v2(spec).indicators)
    items = {item["id"]: item for item in spec.get("indicators", [])}
    roles = _roles(request, spec["side"])
    targets = []
    for key in RULE_LABELS:
        if roles and key not in roles:
            continue
        node = (spec.get("rules") or {}).get(key)
        if node is None:
            continue
        for path, leaf in leaf_paths(node):
            numbers = [o for o in (leaf["left"], leaf["right"]) if _is_number(o)]
            series = [o for o in (leaf["left"], leaf["right"]) if not _is_number(o)]
            if len(numbers) != 1 or len(series) != 1 or not isinstance(series[0], str | dict):
                continue
            ref = series[0]["ref"] if isinstance(series[0], dict) else series[0]
            item = items.get(ref.split(".")[0])
            name = lookup_indicator(item["indicator"]).name if item else None
            if request.name is not None and name != request.name:
                continue
            level = float(numbers[0])
            if request.zone is not None:
                zone = v.ZONES.get(name or "")
                if zone is None or (level < sum(zone) / 2) != (request.zone == "oversold"):
                    continue
            if request.old is not None and level != request.old:
                continue
            described = describe_node(Compare.model_validate(leaf), labels)
            targets.append(
                _Target(f"{RULE_LABELS[key]}: {described}", level, rule=key, path=path, leaf=leaf)
            )
    return targets


def _roles(request: ValueRequest, side: str) -> set[str]:
    roles: set[str] = set()
    for kind in request.roles:
        if kind == "BUY":
            roles.add("short_exit" if side == "short" else "entry")
        elif kind == "SHORT":
            roles.add("short_entry")
        elif kind == "COVER":
            roles.add("short_exit")
        elif kind == "SELL":
            roles.add("short_entry" if side == "short" else "exit")
        else:
            roles |= {"exit", "short_exit"}
    return roles


def _pick(targets: list[_Target], request: ValueRequest, spec: dict[str, Any]) -> _Target:
    params = [t for t in targets if t.item is not None]
    if len(targets) > 1 and request.speed and params == targets:
        names = {t.item["indicator"] for t in params if t.item}
        if len(names) == 1 and all(t.params == ("timeperiod",) for t in params):
            ordered = sorted(params, key=lambda t: t.sort_key)
            return ordered[0] if request.speed == "fast" else ordered[-1]
    if len(targets) == 1:
        return targets[0]
    if not targets:
        have = {lookup_indicator(i["indicator"]).name for i in spec.get("indicators", [])}
        if request.name is not None and request.name not in have:
            raise EditNotUnderstood(f"This strategy has no {request.name}.", examples=_EXAMPLES)
        raise EditNotUnderstood("Nothing in this strategy matches that value.", examples=_EXAMPLES)
    raise EditNotUnderstood(
        "That could mean several values; say which one (name the indicator, 'fast'/'slow', "
        "'period' or 'level', or add 'instead of <current value>').",
        candidates=[t.label for t in targets],
        examples=_EXAMPLES,
    )


def edit_value(spec: dict[str, Any], request: ValueRequest) -> tuple[dict[str, Any], list[str]]:
    """Change the one parameter or threshold ``request`` designates."""
    by_param = (
        bool(request.words & _PERIOD)
        or request.deviation
        or request.signal
        or (request.name is not None and request.old is not None)
    )
    by_level = bool(request.words & _LEVEL) or request.zone is not None or bool(request.roles)
    targets: list[_Target] = []
    if by_param or not by_level:
        targets += _param_targets(spec, request)
    if by_level or not by_param:
        targets += _threshold_targets(spec, request)
    target = _pick(targets, request, spec)
    new = copy.deepcopy(spec)
    if target.item is not None:
        return new, [_set_params(new, target, request.new)]
    if len(request.new) != 1:
        raise EditNotUnderstood("A threshold takes one number.", examples=_EXAMPLES)
    assert target.rule is not None
    assert target.leaf is not None
    leaf = copy.deepcopy(target.leaf)
    side = "right" if _is_number(leaf["right"]) else "left"
    value = request.new[0]
    leaf[side] = int(value) if float(value).is_integer() else value
    node = new["rules"][target.rule]
    if not target.path:
        new["rules"][target.rule] = leaf
    else:
        parent = node
        for index in target.path[:-1]:
            parent = parent["conditions"][index]
        parent["conditions"][target.path[-1]] = leaf
    before = target.label.split(": ", 1)[1]
    after = before.rsplit(" ", 1)[0] + " " + number(value)
    return new, [f"{RULE_LABELS[target.rule]}: '{before}' -> '{after}'"]


def _set_params(spec: dict[str, Any], target: _Target, values: list[float]) -> str:
    assert target.item is not None
    item = next(i for i in spec["indicators"] if i["id"] == target.item["id"])
    info = lookup_indicator(item["indicator"])
    labels_before = Labels(validate_spec_v2(spec).indicators).by_id[item["id"]]
    values = values * len(target.params) if len(values) == 1 else values
    params = dict(item.get("params") or {})
    for name, value in zip(target.params, values, strict=False):
        try:
            params[name] = info.param(name).coerce(value, info.name)
        except IndicatorParameterError as exc:
            raise EditNotUnderstood(f"{exc.message}.", examples=_EXAMPLES) from None
    item["params"] = params
    after = Labels(validate_spec_v2(spec).indicators).by_id[item["id"]]
    return f"{item['id']} ({', '.join(target.params)}): {labels_before} -> {after}"
