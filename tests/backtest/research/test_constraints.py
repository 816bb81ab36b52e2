"""The constraint language: a safe tree, clear errors naming the token, our own evaluator."""

from __future__ import annotations

import pytest

from Backtest.research.constraints import ConstraintError, parse_constraint

NAMES = {"fast", "slow", "stop"}


@pytest.mark.parametrize(
    ("text", "params", "expected"),
    [
        ("fast < slow", {"fast": 10, "slow": 20}, True),
        ("fast < slow", {"fast": 20, "slow": 20}, False),
        ("fast <= slow", {"fast": 20, "slow": 20}, True),
        ("slow - fast >= 5 and fast > 2", {"fast": 3, "slow": 8}, True),
        ("slow - fast >= 5 and fast > 2", {"fast": 3, "slow": 7}, False),
        ("fast * 2 < slow or stop == 0", {"fast": 10, "slow": 15, "stop": 0}, True),
        ("not (fast > slow)", {"fast": 1, "slow": 2}, True),
        ("fast / 2 == 2.5", {"fast": 5}, True),
        ("-fast + 10 > 0", {"fast": 5}, True),
        ("5 < fast < 10", {"fast": 7}, True),  # chained, as in Python
        ("5 < fast < 10", {"fast": 12}, False),
        ("stop != 0.05", {"stop": 0.05}, False),
        ("1e1 == fast", {"fast": 10}, True),
        ("fast < slow and slow < 30 or stop > 1", {"fast": 1, "slow": 50, "stop": 0}, False),
    ],
)
def test_evaluates_like_python_would(text, params, expected):
    assert parse_constraint(text, names=NAMES)(params) is expected


def test_and_binds_tighter_than_or():
    constraint = parse_constraint("fast > 100 and slow > 100 or stop == 1", names=NAMES)
    assert constraint({"fast": 1, "slow": 1, "stop": 1}) is True


@pytest.mark.parametrize(
    ("text", "token", "position"),
    [
        ("fast < ", "", 7),
        ("fast < slow)", ")", 11),
        ("fast ** 2 < slow", "*", 6),
        ("fast.real < 3", ".", 4),
        ("fast < slow; import os", ";", 11),
        ("__import__('os')", "'", 11),  # refused by the tokenizer before parsing
        ("__import__(os)", "(", 10),
        ("fast < 'a'", "'", 7),
        ("(fast < slow", "", 12),
        ("fast slow", "slow", 5),
        ("lambda: 1", ":", 6),
    ],
)
def test_bad_text_is_refused_naming_the_token_and_where(text, token, position):
    with pytest.raises(ConstraintError) as caught:
        parse_constraint(text, names=NAMES | {"lambda", "__import__"})
    error = caught.value
    assert error.code == "invalid_constraint"
    assert error.details["token"] == token
    assert error.details["position"] == position
    assert f"position {position}" in error.message
    assert error.details["fields"]["constraint"] == [error.message]


def test_unknown_names_are_refused_naming_each():
    with pytest.raises(ConstraintError) as caught:
        parse_constraint("fast < slwo and x > 1", names=NAMES)
    assert caught.value.details["unknown"] == ["slwo", "x"]
    assert "slwo, x" in caught.value.message
    assert "fast, slow, stop" in caught.value.message


def test_no_python_builtins_or_attributes_are_reachable():
    # Names resolve only to the parameters given; anything else is an unknown name.
    for text in ("open", "eval", "__builtins__", "True"):
        with pytest.raises(ConstraintError):
            parse_constraint(f"{text} == 1", names=NAMES)


def test_division_by_zero_is_an_error_naming_the_values_not_a_silent_false():
    constraint = parse_constraint("slow / fast > 2", names=NAMES)
    with pytest.raises(ConstraintError) as caught:
        constraint({"fast": 0, "slow": 10})
    assert "fast=0" in caught.value.message


def test_deep_nesting_and_long_text_are_refused_without_recursion_errors():
    with pytest.raises(ConstraintError, match="nests deeper"):
        parse_constraint("(" * 200 + "fast" + ")" * 200, names=NAMES)
    with pytest.raises(ConstraintError, match="longer than"):
        parse_constraint("fast < slow and " * 40 + "fast < slow", names=NAMES)
    with pytest.raises(ConstraintError, match="empty"):
        parse_constraint("   ", names=NAMES)
