"""Multi-output TA-Lib indicators (BBANDS, MACD, STOCH, AROON...), edited with LibCST.

``self.I(talib.BBANDS, ...)`` returns ONE 2-D array whose rows are the outputs in TA-Lib's
order (upperband, middleband, lowerband). LLMs read them as attributes (``self.bb.lower``) or
unpack them into the wrong number of names (``macd, signal = MACD(...)``). Which output a name
means comes from TA-Lib's own output names, so the fix keeps the meaning.
"""

from __future__ import annotations

import ast

import libcst as cst

from Backtest.fixer import talib_info
from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.cst import parse_with_positions, replace_nodes, self_attr, walk
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import parse_or_none

__all__: list[str] = []


def _label(node: cst.BaseExpression) -> str | None:
    """``x`` / ``self.x`` -> ``"x"``."""
    if isinstance(node, cst.Name):
        return node.value
    return self_attr(node)


@rule("indicator_output_attributes", always=True)
def indicator_output_attributes(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``self.bb.lower`` -> ``self.bb[2]`` when ``self.bb`` holds a multi-output indicator.

    The output's position comes from TA-Lib's output names (``lower`` -> ``lowerband``), so
    the same band is read; attributes that name no output (``.s``, ``.df``) are left alone.
    """
    tree = parse_or_none(code)
    parsed = parse_with_positions(code)
    if tree is None or parsed is None:
        return None
    multi = talib_info.multi_output_names(tree)
    if not multi:
        return None
    module, _positions = parsed
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    used: list[str] = []
    for node in walk(module):
        if not isinstance(node, cst.Attribute):
            continue
        owner = _label(node.value)
        if owner is None or owner not in multi:
            continue
        index = talib_info.output_index(multi[owner], node.attr.value)
        if index is None:
            continue
        replacements[node] = cst.Subscript(
            value=node.value,
            slice=[cst.SubscriptElement(slice=cst.Index(value=cst.Integer(str(index))))],
        )
        name = talib_info.outputs(multi[owner])[index]
        used.append(f".{node.attr.value} -> [{index}] ({multi[owner]} {name})")
    if not replacements:
        return None
    return RuleEdit(
        replace_nodes(module, replacements),
        "Read multi-output indicator rows by position: " + ", ".join(dict.fromkeys(used)),
    )


@rule("indicator_unpack_count", always=True)
def indicator_unpack_count(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """``macd, signal = self.I(talib.MACD, ...)`` -> ``macd, signal, _ = ...``.

    Unpacking needs one name per output. Each name goes to the output it names (``lower`` to
    ``lowerband`` even when written second), names that name no output keep their order in the
    free places, and the rest become ``_``.
    """
    tree = parse_or_none(code)
    parsed = parse_with_positions(code)
    if tree is None or parsed is None:
        return None
    wanted: dict[int, list[str | None]] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        names = node.targets[0]
        call = talib_info.indicator_call(node.value)
        if not isinstance(names, ast.Tuple | ast.List) or call is None:
            continue
        outputs = talib_info.outputs(call[0])
        if len(outputs) < 2 or len(names.elts) == len(outputs):
            continue
        layout = _layout(call[0], [talib_info.assigned_name(e) for e in names.elts])
        if layout is not None:
            wanted[node.lineno] = layout
    if not wanted:
        return None
    module, positions = parsed
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    for found in walk(module):
        if not (isinstance(found, cst.Assign) and len(found.targets) == 1):
            continue
        layout = wanted.get(positions[found].start.line)
        target = found.targets[0].target
        if layout is None or not isinstance(target, cst.Tuple | cst.List):
            continue
        by_label = {_label(e.value): e.value for e in target.elements}
        elements = [
            cst.Element(by_label[label] if label is not None else cst.Name("_")) for label in layout
        ]
        replacements[target] = target.with_changes(elements=_with_commas(elements))
    if not replacements:
        return None
    return RuleEdit(
        replace_nodes(module, replacements),
        "Unpacked one name per indicator output (unused outputs as _)",
    )


def _layout(function: str, labels: list[str | None]) -> list[str | None] | None:
    """Target names placed on the outputs they name; None if that cannot be decided."""
    outputs = talib_info.outputs(function)
    if len(labels) > len(outputs) or any(label is None for label in labels):
        return None
    slots: list[str | None] = [None] * len(outputs)
    unplaced = []
    for label in labels:
        index = talib_info.output_index(function, label or "")
        if index is not None and slots[index] is None:
            slots[index] = label
        else:
            unplaced.append(label)
    free = [i for i, s in enumerate(slots) if s is None]
    for label, index in zip(unplaced, free, strict=False):
        slots[index] = label
    return slots


def _with_commas(elements: list[cst.Element]) -> list[cst.Element]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [e.with_changes(comma=comma) for e in elements[:-1]] + elements[-1:]
