"""Typed environment readers fail loudly, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from algoagent.env import env_bool, env_choice, env_int, env_list, env_path, env_str


def test_env_bool_accepts_common_spellings():
    assert env_bool("X", False, environ={"X": "Yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True


def test_env_bool_rejects_garbage_naming_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_env_int_checks_type_and_bounds():
    assert env_int("N", 5, environ={"N": "7"}) == 7
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match="LOGIN_FAILURE_LIMIT must be an integer"):
        env_int("LOGIN_FAILURE_LIMIT", 5, environ={"LOGIN_FAILURE_LIMIT": "five"})
    with pytest.raises(ImproperlyConfigured, match="N must be >= 1"):
        env_int("N", 5, min_value=1, environ={"N": "0"})


def test_env_list_and_choice_and_str():
    assert env_list("H", ["a"], environ={"H": " x, ,y "}) == ["x", "y"]
    assert env_list("H", ["a"], environ={}) == ["a"]
    assert env_choice("P", "local", ("local", "test"), environ={"P": "TEST"}) == "test"
    with pytest.raises(ImproperlyConfigured, match="ALGOAGENT_PROFILE must be one of"):
        env_choice("ALGOAGENT_PROFILE", "local", ("local",), environ={"ALGOAGENT_PROFILE": "x"})
    assert env_str("S", "d", environ={}) == "d"


def test_env_path_resolves_relative_to_base(tmp_path):
    assert env_path("D", Path("var"), base=tmp_path, environ={}) == tmp_path / "var"
    assert env_path("D", Path("var"), base=tmp_path, environ={"D": "/abs"}) == Path("/abs")
