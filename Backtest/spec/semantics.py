"""Checks that need the indicator catalogue or the whole spec, reported with field paths."""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from Backtest.indicator_registry import (
    IndicatorInfo,
    IndicatorParameterError,
    UnknownIndicatorError,
)
from Backtest.spec.catalogue import lookup_indicator
from Backtest.spec.common import SEMANTIC_PASSES
from Backtest.spec.errors import FieldError
from Backtest.spec.models import (
    PRICE_FIELDS,
    RESERVED_IDS,
    RISK_ATTRIBUTES,
    Arith,
    ChangePct,
    Compare,
    EntryOrder,
    Group,
    HeldFor,
    IndicatorSpec,
    Negate,
    RuleNode,
    SeriesRef,
    StrategySpec,
    Trend,
    param_attribute,
)

# Which rules each side needs and which it may use.
_REQUIRED_RULES = {"long": ("entry",), "short": ("short_entry",), "both": ("entry", "short_entry")}
_ALLOWED_RULES = {
    "long": ("entry", "exit"),
    "short": ("short_entry", "short_exit"),
    "both": ("entry", "exit", "short_entry", "short_exit"),
}
Expr = float | int | str | SeriesRef | Arith | ChangePct


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


# ---- walking ------------------------------------------------------------------------------------
def iter_nodes(node: RuleNode, path: str) -> Iterator[tuple[str, RuleNode]]:
    """Every node of a rule tree with its dotted path, parents before children."""
    yield path, node
    if isinstance(node, Group):
        for index, child in enumerate(node.conditions):
            yield from iter_nodes(child, f"{path}.conditions.{index}")
    elif isinstance(node, Negate):
        yield from iter_nodes(node.negate, f"{path}.negate")
    elif isinstance(node, HeldFor):
        yield from iter_nodes(node.condition, f"{path}.condition")


def iter_exprs(expr: object, path: str) -> Iterator[tuple[str, object]]:
    """Every leaf operand of an expression (numbers, strings, series refs) with its path."""
    if isinstance(expr, Arith):
        yield from iter_exprs(expr.left, f"{path}.left")
        yield from iter_exprs(expr.right, f"{path}.right")
    elif isinstance(expr, ChangePct):
        yield f"{path}.change_pct", expr.change_pct
    else:
        yield path, expr


def node_operands(node: RuleNode, path: str) -> Iterator[tuple[str, object]]:
    """The leaf operands one node reads itself (not its children's)."""
    if isinstance(node, Compare):
        yield from iter_exprs(node.left, f"{path}.left")
        yield from iter_exprs(node.right, f"{path}.right")
    elif isinstance(node, Trend):
        yield f"{path}.of", node.of


def referenced_indicator_ids(spec: StrategySpec) -> set[str]:
    """Ids of the indicators the rules or the entry orders read, directly or as the source of
    another such indicator (an SMA of RSI keeps the RSI)."""
    leaves: list[object] = []
    for rule in ("entry", "exit", "short_entry", "short_exit"):
        root = getattr(spec.rules, rule)
        if root is not None:
            for path, node in iter_nodes(root, rule):
                leaves.extend(leaf for _, leaf in node_operands(node, path))
    for order in (spec.entry_order, spec.short_entry_order):
        if order is not None and order.price is not None:
            leaves.extend(leaf for _, leaf in iter_exprs(order.price, "price"))
    by_id = {item.id: item for item in spec.indicators}
    todo = [_referenced_id(leaf) for leaf in leaves]
    found: set[str] = set()
    while todo:
        indicator_id = todo.pop()
        if indicator_id in by_id and indicator_id not in found:
            found.add(indicator_id)
            todo.append(_referenced_id(by_id[indicator_id].source))
    return found


def _referenced_id(leaf: object) -> str | None:
    text = leaf.ref if isinstance(leaf, SeriesRef) else leaf
    return text.partition(".")[0] if isinstance(text, str) else None


def is_series(expr: object) -> bool:
    """Whether an operand varies over time (reads a price or indicator somewhere)."""
    return any(isinstance(leaf, str | SeriesRef) for _, leaf in iter_exprs(expr, ""))


# ---- indicators ---------------------------------------------------------------------------------
def _indicator_errors(spec: StrategySpec, infos: dict[str, IndicatorInfo]) -> Iterator[FieldError]:
    """Check ids, names, params, inputs and sources; fill ``infos`` with the valid ones."""
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
            info = lookup_indicator(item.indicator)
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
        for error in _input_errors(item, info, path, infos):
            ok = False
            yield error
        for parameter in info.parameters:
            attribute = param_attribute(item.id, parameter.name)
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


def _input_errors(
    item: IndicatorSpec, info: IndicatorInfo, path: str, earlier: Mapping[str, IndicatorInfo]
) -> Iterator[FieldError]:
    if item.source is not None and item.inputs is not None:
        yield FieldError(field=f"{path}.source", message="give either source or inputs, not both")
    elif item.source is not None and len(info.inputs) != 1:
        yield FieldError(
            field=f"{path}.source",
            message=f"{info.name} takes {_inputs(info)}; use 'inputs' to override them",
        )
    elif item.source is not None and item.source not in PRICE_FIELDS:
        try:
            resolve_reference(item.source, earlier)  # only indicators defined before this one
        except UnresolvedReferenceError as exc:
            yield FieldError(
                field=f"{path}.source",
                message=f"{exc} (a source indicator must be listed before the one using it)",
            )
    elif item.inputs is not None and len(item.inputs) != len(info.inputs):
        yield FieldError(
            field=f"{path}.inputs",
            message=f"{info.name} takes {_inputs(info)}, got {len(item.inputs)}",
        )


# ---- rules --------------------------------------------------------------------------------------
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


def _expr_errors(
    expr: object, path: str, infos: Mapping[str, IndicatorInfo], failed_ids: set[str]
) -> Iterator[FieldError]:
    for leaf_path, leaf in iter_exprs(expr, path):
        yield from _operand_errors(leaf, leaf_path, infos, failed_ids)


def _rule_errors(
    spec: StrategySpec, infos: Mapping[str, IndicatorInfo], failed_ids: set[str]
) -> Iterator[FieldError]:
    for rule in _REQUIRED_RULES[spec.side]:
        if getattr(spec.rules, rule) is None:
            yield FieldError(
                field=f"rules.{rule}", message=f"side {spec.side!r} needs rules.{rule}"
            )
    for rule in ("entry", "exit", "short_entry", "short_exit"):
        root = getattr(spec.rules, rule)
        if root is None:
            continue
        if rule not in _ALLOWED_RULES[spec.side]:
            yield FieldError(
                field=f"rules.{rule}",
                message=f"{rule} is not used when side is {spec.side!r}; remove it or change side",
            )
            continue
        for path, node in iter_nodes(root, f"rules.{rule}"):
            if isinstance(node, Compare) and not (is_series(node.left) or is_series(node.right)):
                yield FieldError(
                    field=path, message="a condition must compare at least one price or indicator"
                )
            for leaf_path, leaf in node_operands(node, path):
                yield from _operand_errors(leaf, leaf_path, infos, failed_ids)


def _order_errors(
    spec: StrategySpec, infos: Mapping[str, IndicatorInfo], failed_ids: set[str]
) -> Iterator[FieldError]:
    orders: tuple[tuple[str, EntryOrder | None, str], ...] = (
        ("entry_order", spec.entry_order, "short"),
        ("short_entry_order", spec.short_entry_order, "long"),
    )
    for field, order, other_side in orders:
        if order is None:
            continue
        if spec.side == other_side:
            yield FieldError(field=field, message=f"{field} is not used when side is {spec.side!r}")
        if order.price is not None:
            if not is_series(order.price):
                yield FieldError(
                    field=f"{field}.price",
                    message="an order price must read a price or indicator (e.g. Close * 0.99)",
                )
            yield from _expr_errors(order.price, f"{field}.price", infos, failed_ids)


def _risk_errors(spec: StrategySpec) -> Iterator[FieldError]:
    for field in ("stop_loss", "trailing_stop"):
        distance = getattr(spec, field)
        if distance is not None and distance.percent is not None and distance.percent >= 100:
            yield FieldError(field=f"{field}.percent", message="must be less than 100")
    take = spec.take_profit
    if spec.side != "long" and take is not None and (take.percent or 0) >= 100:
        yield FieldError(
            field="take_profit.percent",
            message="a short take profit of 100 % or more would need a negative price",
        )
    periods = {
        d.atr_period
        for d in (spec.stop_loss, spec.take_profit, spec.trailing_stop)
        if d is not None and d.atr is not None
    }
    if len(periods) > 1:
        yield FieldError(
            field="stop_loss",
            message="stop_loss, take_profit and trailing_stop must use one ATR period",
        )
    if spec.sizing.mode == "risk_percent" and spec.stop_loss is None:
        yield FieldError(
            field="sizing",
            message="risk_percent sizing needs a stop_loss: the risk is the distance to the stop",
        )


def semantic_errors(spec: StrategySpec) -> list[FieldError]:
    """Every catalogue/cross-reference problem in a structurally valid spec; empty when valid."""
    infos: dict[str, IndicatorInfo] = {}
    errors = list(_indicator_errors(spec, infos))
    failed_ids = {item.id for item in spec.indicators} - set(infos)
    errors.extend(_rule_errors(spec, infos, failed_ids))
    errors.extend(_order_errors(spec, infos, failed_ids))
    errors.extend(_risk_errors(spec))
    return errors


def indicator_infos(spec: StrategySpec) -> dict[str, IndicatorInfo]:
    """Catalogue entries by indicator id, for a spec that has passed validation."""
    return {item.id: lookup_indicator(item.indicator) for item in spec.indicators}


SEMANTIC_PASSES["2.0"] = semantic_errors
