"""LibCST editing: ast finds the target, LibCST swaps only that node."""

from __future__ import annotations

import ast

import libcst as cst

from Backtest.fixer import cst as cst_edit
from Backtest.fixer.cst import AstBridge, CstEditor

CODE = 'x = f( a ,  b=2 )  # keep\ny = "é" + g(c)  # unicode before the call\n'


def nodes(kind: type[ast.AST]) -> list[ast.AST]:
    return [n for n in ast.walk(ast.parse(CODE)) if isinstance(n, kind)]


def test_the_bridge_finds_nodes_by_span_across_unicode_columns() -> None:
    bridge = AstBridge(CODE)
    call_g = [n for n in nodes(ast.Call) if ast.unparse(n) == "g(c)"][0]
    found = bridge.node(call_g, cst.Call)
    assert found is not None
    assert bridge.module.code_for_node(found) == "g(c)"


def test_expressions_and_keyword_arguments_are_replaced_in_place() -> None:
    editor = CstEditor(CODE)
    (keyword,) = nodes(ast.keyword)
    name_a = [n for n in nodes(ast.Name) if n.id == "a"][0]  # type: ignore[attr-defined]
    editor.replace(keyword, "lo=2, hi=2")
    editor.replace(name_a, "A")
    assert editor.changed
    assert (
        editor.apply()
        == 'x = f( A ,  lo=2, hi=2 )  # keep\ny = "é" + g(c)  # unicode before the call\n'
    )


def test_a_target_libcst_spans_differently_falls_back_to_the_span_edit(monkeypatch) -> None:
    monkeypatch.setattr(cst_edit.AstBridge, "node", lambda self, target, kind: None)
    editor = CstEditor(CODE)
    (keyword,) = nodes(ast.keyword)
    editor.replace(keyword, "b=3")
    assert editor.apply() == CODE.replace("b=2", "b=3")


def test_nested_edits_keep_the_inner_one_like_the_span_editor() -> None:
    editor = CstEditor(CODE)
    call_f = [n for n in nodes(ast.Call) if ast.unparse(n).startswith("f(")][0]
    name_a = [n for n in nodes(ast.Name) if n.id == "a"][0]  # type: ignore[attr-defined]
    editor.replace(call_f, "other()")
    editor.replace(name_a, "A")
    assert editor.apply() == CODE.replace("( a ,", "( A ,")
