"""Checks that need the indicator registry or the whole spec, reported with field paths."""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from Backtest.indicator_registry import (
    IndicatorInfo,
    IndicatorParameterError,
    UnknownIndicatorError,
    get_indicator,
)
from Backtest.spec.errors import FieldError
from Backtest.spec.models import (
    PRICE_FIELDS,
    RESERVED_IDS,
    RISK_ATTRIBUTES,
    Condition,
    IndicatorSpec,
    RuleGroup,
    RuleNode,
    SeriesRef,
    StrategySpec,
    param_attribute,
)

# Which rules each side needs and which it may use.
_REQUIRED_RULES = {"long": ("entry",), "short": ("short_entry",), "both": ("entry", "short_entry")}
_ALLOWED_RULES = {
    "long": ("entry", "exit"),
    "short": ("short_entry", "short_exit"),
    "both": ("entry", "exit", "short_entry", "short_exit"),
}


@dataclass(frozen=True)
class ResolvedRef:
    """What an operand string points at: a price field or one output of an indicator."""

    price: str | None = None
    indicator_id: str | None = None
    output: str | None = None
    output_index: int | None = None  # None for single-output indicators


class UnresolvedReferenceError(ValueError):
    """An operand names something the spec does not define."""


def resolve_reference(text: str, infos: Mapping[str, IndicatorInfo]) -> ResolvedRef:
    """Resolve ``Close`` / ``rsi`` / ``macd.macdsignal`` against the spec's indicators by id."""
    if text in PRICE_FIELDS:
        return ResolvedRef(price=text)
    indicator_id, _, output = text.partition(".")
    info = infos.get(indicator_id)
    if info is None:
        defined = ", ".join(infos) or "none"
        close = difflib.get_close_matches(indicator_id, list(infos), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnresolvedReferenceError(
            f"{text!r} is not a price field or a defined indicator id (ids: {defined}).{hint}"
        )
    outputs = info.outputs
    if not output:
        if len(outputs) > 1:
            choices = ", ".join(f"{indicator_id}.{o}" for o in outputs)
            raise UnresolvedReferenceError(
                f"{indicator_id!r} has several outputs; use one of {choices}"
            )
        return ResolvedRef(indicator_id=indicator_id, output=outputs[0])
    if output not in outputs:
        raise UnresolvedReferenceError(
            f"{info.name} has no output {output!r} (outputs: {', '.join(outputs)})"
        )
    index = outputs.index(output) if len(outputs) > 1 else None
    return ResolvedRef(indicator_id=indicator_id, output=output, output_index=index)


def iter_conditions(node: RuleNode, path: str) -> Iterator[tuple[str, Condition]]:
    """Yield ``(dotted path, condition)`` for every leaf of a rule tree."""
    if isinstance(node, RuleGroup):
        for index, child in enumerate(node.conditions):
            yield from iter_conditions(child, f"{path}.conditions.{index}")
    else:
        yield path, node


def _indicator_errors(spec: StrategySpec, infos: dict[str, IndicatorInfo]) -> Iterator[FieldError]:
    """Check ids, registry names, params and inputs; fill ``infos`` with the valid ones."""
    attributes: dict[str, str] = dict.fromkeys(RISK_ATTRIBUTES, "a risk setting")
    seen_ids: set[str] = set()
    for index, item in enumerate(spec.indicators):
        path = f"indicators.{index}"
        if item.id in seen_ids:
            yield FieldError(field=f"{path}.id", message=f"duplicate indicator id {item.id!r}")
            continue
        seen_ids.add(item.id)
        if item.id in RESERVED_IDS or keyword.iskeyword(item.id):
            yield FieldError(field=f"{path}.id", message=f"{item.id!r} is a reserved name")
            continue
        if item.id in attributes:
            yield FieldError(
                field=f"{path}.id",
                message=f"id {item.id!r} clashes with {attributes[item.id]} in compiled code",
            )
            continue
        try:
            info = get_indicator(item.indicator)
        except UnknownIndicatorError as exc:
            yield FieldError(field=f"{path}.indicator", message=str(exc))
            continue
        ok = True
        for param, value in item.params.items():
            try:
                info.param(param).coerce(value, info.name)
            except IndicatorParameterError as exc:
                ok = False
                yield FieldError(field=f"{path}.params.{param}", message=exc.message)
        for error in _input_errors(item, info, path):
            ok = False
            yield error
        for param in info.parameters:
            attribute = param_attribute(item.id, param.name)
            if attribute in attributes or attribute in seen_ids:
                ok = False
                yield FieldError(
                    field=f"{path}.id",
                    message=f"id {item.id!r} makes attribute {attribute!r} clash with "
                    f"{attributes.get(attribute, 'an indicator id')} in compiled code",
                )
            attributes[attribute] = f"a parameter of {item.id!r}"
        attributes[item.id] = "an indicator id"
        if ok:
            infos[item.id] = info


def _inputs(info: IndicatorInfo) -> str:
    count = len(info.inputs)
    return f"{count} input{'s' if count != 1 else ''} ({', '.join(info.inputs)})"


def _input_errors(item: IndicatorSpec, info: IndicatorInfo, path: str) -> Iterator[FieldError]:
    if item.source is not None and item.inputs is not None:
        yield FieldError(field=f"{path}.source", message="give either source or inputs, not both")
    elif item.source is not None and len(info.inputs) != 1:
        yield FieldError(
            field=f"{path}.source",
            message=f"{info.name} takes {_inputs(info)}; use 'inputs' to override them",
        )
    elif item.inputs is not None and len(item.inputs) != len(info.inputs):
        yield FieldError(
            field=f"{path}.inputs",
            message=f"{info.name} takes {_inputs(info)}, got {len(item.inputs)}",
        )


def _operand_errors(
    operand: object, path: str, infos: Mapping[str, IndicatorInfo], failed_ids: set[str]
) -> Iterator[FieldError]:
    text = operand.ref if isinstance(operand, SeriesRef) else operand
    if not isinstance(text, str):
        return
    field = f"{path}.ref" if isinstance(operand, SeriesRef) else path
    if text.partition(".")[0] in failed_ids:
        return  # the indicator itself is already reported; do not pile on
    try:
        resolve_reference(text, infos)
    except UnresolvedReferenceError as exc:
        yield FieldError(field=field, message=str(exc))


def _rule_errors(
    spec: StrategySpec, infos: Mapping[str, IndicatorInfo], failed_ids: set[str]
) -> Iterator[FieldError]:
    for rule in _REQUIRED_RULES[spec.side]:
        if getattr(spec.rules, rule) is None:
            yield FieldError(
                field=f"rules.{rule}",
                message=f"side {spec.side!r} needs rules.{rule}",
            )
    for rule in ("entry", "exit", "short_entry", "short_exit"):
        node = getattr(spec.rules, rule)
        if node is None:
            continue
        if rule not in _ALLOWED_RULES[spec.side]:
            yield FieldError(
                field=f"rules.{rule}",
                message=f"{rule} is not used when side is {spec.side!r}; remove it or change side",
            )
            continue
        for path, condition in iter_conditions(node, f"rules.{rule}"):
            if not any(isinstance(o, str | SeriesRef) for o in (condition.left, condition.right)):
                yield FieldError(
                    field=path, message="a condition must compare at least one price or indicator"
                )
            yield from _operand_errors(condition.left, f"{path}.left", infos, failed_ids)
            yield from _operand_errors(condition.right, f"{path}.right", infos, failed_ids)


def semantic_errors(spec: StrategySpec) -> list[FieldError]:
    """Every registry/cross-reference problem in a structurally valid spec; empty when valid."""
    infos: dict[str, IndicatorInfo] = {}
    errors = list(_indicator_errors(spec, infos))
    failed_ids = {item.id for item in spec.indicators} - set(infos)
    errors.extend(_rule_errors(spec, infos, failed_ids))
    if spec.side != "long" and spec.take_profit_pct is not None and spec.take_profit_pct >= 100:
        errors.append(
            FieldError(
                field="take_profit_pct",
                message="a short take profit of 100 % or more would need a negative price",
            )
        )
    return errors


def indicator_infos(spec: StrategySpec) -> dict[str, IndicatorInfo]:
    """Registry entries by indicator id, for a spec that has passed validation."""
    return {item.id: get_indicator(item.indicator) for item in spec.indicators}
