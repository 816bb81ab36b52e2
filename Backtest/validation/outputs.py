"""Outputs of a multi-output TA-Lib indicator read as attributes, found before any run.

``self.bb = self.I(talib.BBANDS, ...)`` holds BBANDS's three outputs as rows of one array
(``self.bb[0]`` upper, ``self.bb[2]`` lower); ``self.bb.lower`` fails at run time with an
``AttributeError``. Only attribute names that name one of the function's outputs are reported
(``lower``, ``signal``, ``hist``...), so the array's own attributes (``shape``, ``df``) never are.
"""

from __future__ import annotations

import ast

from Backtest.fixer.talib_info import assigned_name, multi_output_names, output_index, outputs
from Backtest.validation.report import Finding

__all__ = ["output_attributes"]


def output_attributes(tree: ast.Module) -> list[Finding]:
    """``x.<output>`` on a name holding a whole multi-output indicator (error
    ``indicator_output_attribute``), with the row to read instead."""
    holders = multi_output_names(tree)
    if not holders:
        return []
    findings = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
            continue
        name = assigned_name(node.value)
        function = holders.get(name or "")
        if function is None:
            continue
        index = output_index(function, node.attr)
        if index is None:
            continue
        names = outputs(function)
        holder = ast.unparse(node.value)
        message = (
            f"{holder} holds {function}'s {len(names)} outputs ({', '.join(names)}) as rows, "
            f"not attributes: {holder}.{node.attr} fails at run time; "
            f"use {holder}[{index}] ({names[index]})"
        )
        findings.append(
            Finding(node.lineno, node.col_offset + 1, "indicator_output_attribute", message)
        )
    return findings
