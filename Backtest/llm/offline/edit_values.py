"""Chat edits of numbers: indicator parameters and rule thresholds.

"change the RSI period to 21", "use a 50 day SMA instead of 30", "set the slow SMA to 50",
"change the oversold level to 25", "change 30 to 25". The message names a new value and
usually something that picks what to change (an indicator, fast/slow, "instead of N", "period",
"level", "entry"). Every parameter and threshold the words could mean is a candidate; exactly
one must remain, otherwise the edit is refused with the candidates listed. "fast"/"slow" pick
the shortest/longest of several moving averages (or MACD's fast/slow period).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from Backtest.indicator_registry import IndicatorInfo, IndicatorParameterError, get_indicator
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.edit_model import (
    RULE_KEYS,
    RULE_LABELS,
    describe_node,
    indicator_label,
    items_by_id,
    iter_leaves,
    number_text,
    operand_id,
    replace_at,
    spec_number,
)
from Backtest.llm.offline.edit_types import EditNotUnderstood
from Backtest.llm.offline.lexer import lex
from Backtest.llm.offline.model import Mention

_N = r"(?:- )?\d+(?:\.\d+)?"
_LIST = rf"{_N}(?: (?:,|/|and) {_N})*"
_FROM_TO = re.compile(rf"\bfrom ({_N}) to ({_LIST})\b")
_INSTEAD = re.compile(rf"\b(?:instead of|rather than|not) ({_N})\b")
_TO = re.compile(rf"(?:\bto|=|\bat|\bequal to) ({_LIST})\b(?! ?%)")
_PERIOD_WORDS = frozenset(
    {"period", "periods", "length", "lookback", "window", "day", "days", "bar", "bars"}
)
_THRESHOLD_WORDS = frozenset({"threshold", "thresholds", "level", "levels", "trigger", "value"})
_DEVIATION_WORDS = frozenset({"deviation", "deviations", "std", "stdev", "sd", "sigma", "dev"})
_VALUE_EXAMPLES = [
    "change the RSI period to 21",
    "use a 50 day SMA instead of 30",
    "set the slow SMA to 50",
    "change the oversold level to 25",
]


def _numbers(text: str) -> list[float]:
    return [float(n.replace(" ", "")) for n in re.findall(_N, text)]


@dataclass
class ValueRequest:
    """What a value edit says: the new value(s), what to change and hints picking it."""

    new: list[float]
    old: float | None
    words: frozenset[str]
    mention: Mention | None = None  # the one indicator named, if any
    speed: str | None = None
    zone: str | None = None  # "oversold" / "overbought"
    roles: list[str] = field(default_factory=list)  # parser roles of action words ("entry")


def value_request(text: str) -> ValueRequest:
    """Read a value-edit sentence (normalised text)."""
    new: list[float] = []
    old: float | None = None
    if match := _FROM_TO.search(text):
        old, new = _numbers(match[1])[0], _numbers(match[2])
        text = text[: match.start()] + text[match.end() :]
    if match := _INSTEAD.search(text):
        old = _numbers(match[1])[0]
        text = text[: match.start()] + text[match.end() :]
    if not new and (matches := list(_TO.finditer(text))):
        match = matches[-1]
        new = _numbers(match[1])
        text = text[: match.start()] + text[match.end() :]
    tokens = [t for t in text.split(" ") if t]
    _refuse_percentages(tokens)
    lexemes = lex(tokens)
    mentions = [item.value for item in lexemes if item.kind == "ind"]
    if len(mentions) > 1 or any(item.kind == "pair" for item in lexemes):
        raise EditNotUnderstood(
            "Change one indicator at a time, e.g. 'set the slow SMA to 50'.",
            examples=_VALUE_EXAMPLES,
        )
    mention = mentions[0] if mentions else None
    loose = [float(i.value) for i in lexemes if i.kind in ("num", "zero")]
    if not new:
        if mention is not None and mention.numbers:
            new = list(mention.numbers)  # "use a 50 day SMA", "make the fast EMA 8"
        elif len(loose) == 1:
            new, loose = loose, []
    elif old is None and mention is not None and mention.numbers:
        old = float(mention.numbers[0])  # "change the 30 SMA to 50"
    elif old is None and len(loose) == 1:
        old = loose[0]  # "change 30 to 25"
    if not new:
        raise EditNotUnderstood(
            "Say the new value, e.g. 'change the RSI period to 21'.", examples=_VALUE_EXAMPLES
        )
    speeds = [i.value for i in lexemes if i.kind == "speedref"]
    zones = [i.value[0] for i in lexemes if i.kind == "zone"]
    return ValueRequest(
        new=new,
        old=old,
        words=frozenset(tokens),
        mention=mention,
        speed=(mention.speed if mention is not None and mention.speed else None)
        or (speeds[0] if speeds else None),
        zone=zones[0] if zones else None,
        roles=[i.value for i in lexemes if i.kind == "action"],
    )


def _refuse_percentages(tokens: list[str]) -> None:
    if "%" in tokens:
        raise EditNotUnderstood(
            "A percentage here must belong to a stop, a target, a trailing stop or the "
            "position size; indicator periods and levels are plain numbers.",
            examples=["add a 2% stop loss", "set take profit to 5%", "use 50% of equity"],
        )


# ---- candidates ---------------------------------------------------------------------------------
@dataclass
class _Target:
    label: str  # for the candidate list and the summary
    sort_key: float = 0.0
    item: dict[str, Any] | None = None  # parameter target
    params: tuple[str, ...] = ()
    rule: str | None = None  # threshold target
    path: str = ""
    leaf: dict[str, Any] | None = None


def _param_names(info: IndicatorInfo, request: ValueRequest) -> tuple[str, ...] | None:
    names = [p.name for p in info.parameters if not p.name.endswith("matype")]
    role = request.mention.role if request.mention is not None else None
    if request.words & _DEVIATION_WORDS:
        picked = [n for n in names if n.startswith("nbdev")]
    elif role == "signal" or "signal" in request.words:
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
    for item in spec.get("indicators") or []:
        info = get_indicator(item["indicator"])
        if request.mention is not None and info.name != request.mention.name:
            continue
        names = _param_names(info, request)
        if names is None:
            continue
        current = info.resolve_params(item.get("params") or {})
        if request.old is not None and not any(float(current[n]) == request.old for n in names):
            continue
        shown = ", ".join(f"{n} {number_text(current[n])}" for n in names)
        label = f"{item['id']}: {indicator_label(item)} {shown}"
        targets.append(_Target(label, float(current[names[0]]), item=item, params=names))
    return targets


def _threshold_targets(spec: dict[str, Any], request: ValueRequest, keys) -> list[_Target]:
    items = items_by_id(spec)
    targets = []
    for key in keys:
        for path, leaf in iter_leaves(spec["rules"].get(key)):
            numeric = [o for o in (leaf["left"], leaf["right"]) if _is_number(o)]
            series = [o for o in (leaf["left"], leaf["right"]) if not _is_number(o)]
            if len(numeric) != 1 or len(series) != 1:
                continue
            number = float(numeric[0])
            item = items.get(operand_id(series[0]) or "")
            name = get_indicator(item["indicator"]).name if item else None
            if request.mention is not None and name != request.mention.name:
                continue
            if request.zone is not None:
                zone = v.ZONES.get(name or "")
                centre = sum(zone) / 2 if zone else None
                if centre is None or (number < centre) != (request.zone == "oversold"):
                    continue
            if request.old is not None and number != request.old:
                continue
            label = f"{RULE_LABELS[key]}: {describe_node(leaf, items)}"
            targets.append(_Target(label, number, rule=key, path=path, leaf=leaf))
    return targets


def _is_number(operand: Any) -> bool:
    return isinstance(operand, int | float) and not isinstance(operand, bool)


def _pick(targets: list[_Target], request: ValueRequest, spec: dict[str, Any]) -> _Target:
    if len(targets) > 1 and request.speed and all(t.item is not None for t in targets):
        names = {get_indicator(t.item["indicator"]).name for t in targets}  # type: ignore[index]
        if len(names) == 1 and all(t.params == ("timeperiod",) for t in targets):
            ordered = sorted(targets, key=lambda t: t.sort_key)
            return ordered[0] if request.speed == "fast" else ordered[-1]
    if len(targets) == 1:
        return targets[0]
    if not targets:
        items = spec.get("indicators") or []
        named = ", ".join(f"{i['id']} = {indicator_label(i)}" for i in items) or "none"
        names = {get_indicator(i["indicator"]).name for i in items}
        mention = request.mention
        missing = mention is not None and mention.name not in names
        what = f"This strategy has no {mention.name}" if missing else "Nothing matches that"
        old = f" at {number_text(request.old)}" if request.old is not None and not missing else ""
        raise EditNotUnderstood(
            f"{what}{old}; its indicators are: {named}.",
            candidates=[f"{i['id']}: {indicator_label(i)}" for i in items],
            examples=_VALUE_EXAMPLES,
        )
    raise EditNotUnderstood(
        "That could mean several values; say which one (name the indicator, 'fast'/'slow', "
        "'period' or 'level', or add 'instead of <current value>').",
        candidates=[t.label for t in targets],
        examples=_VALUE_EXAMPLES,
    )


# ---- edit ---------------------------------------------------------------------------------------
def edit_value(
    spec: dict[str, Any], request: ValueRequest, rule_keys: tuple[str, ...] = RULE_KEYS
) -> tuple[dict[str, Any], list[str]]:
    """Change the one parameter or threshold ``request`` designates."""
    words = request.words
    by_param = bool(words & (_PERIOD_WORDS | _DEVIATION_WORDS)) or (
        request.mention is not None
        and (request.mention.role == "signal" or (request.mention.numbers and request.old))
    )
    by_level = bool(words & _THRESHOLD_WORDS) or request.zone is not None or bool(request.roles)
    targets: list[_Target] = []
    if by_param or not by_level:
        targets += _param_targets(spec, request)
    if by_level or not by_param:
        targets += _threshold_targets(spec, request, rule_keys)
    target = _pick(targets, request, spec)
    new = copy.deepcopy(spec)
    if target.item is not None:
        return new, [_set_params(new, target, request.new)]
    if len(request.new) != 1:
        raise EditNotUnderstood("A threshold takes one number.", examples=_VALUE_EXAMPLES)
    assert target.rule is not None
    assert target.leaf is not None
    leaf = dict(target.leaf)
    side = "right" if _is_number(leaf["right"]) else "left"
    leaf[side] = spec_number(request.new[0])
    new["rules"][target.rule] = replace_at(new["rules"][target.rule], target.path, leaf)
    items = items_by_id(new)
    return new, [
        f"{RULE_LABELS[target.rule]}: '{describe_node(target.leaf, items)}' -> "
        f"'{describe_node(leaf, items)}'"
    ]


def _set_params(spec: dict[str, Any], target: _Target, values: list[float]) -> str:
    assert target.item is not None
    item = next(i for i in spec["indicators"] if i["id"] == target.item["id"])
    info = get_indicator(item["indicator"])
    before = indicator_label(item)
    values = values * len(target.params) if len(values) == 1 else values
    params = dict(item.get("params") or {})
    for name, value in zip(target.params, values, strict=False):
        try:
            params[name] = info.param(name).coerce(value, info.name)
        except IndicatorParameterError as exc:
            raise EditNotUnderstood(f"{exc.message}.", examples=_VALUE_EXAMPLES) from None
    item["params"] = params
    changed = ", ".join(target.params)
    return f"{item['id']} ({changed}): {before} -> {indicator_label(item)}"
