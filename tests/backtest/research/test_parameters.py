"""Strategy parameters read statically from the source (nothing is executed)."""

from __future__ import annotations

import pytest

from Backtest.errors import StrategyError
from Backtest.research.parameters import (
    ParameterValueError,
    strategy_parameters,
    with_parameters,
)

CODE = '''
from backtesting import Strategy
from backtesting.lib import crossover

WINDOW = 3

class Base(Strategy):
    stop_pct = 0.02
    slow = 99

class SmaCross(Base):
    """Two moving averages."""
    fast = 10
    slow: int = 30
    use_stop = True
    label = "sma"
    levels = (30, 70)
    lookback = WINDOW * 2
    _private = 5

    def init(self):
        self.helper = 1

    def next(self):
        pass
'''


def test_reports_class_attributes_with_values_types_and_where_defined():
    found = strategy_parameters(CODE)
    assert found.strategy_class == "SmaCross"
    params = found.by_name()
    assert list(params) == [
        "fast",
        "slow",
        "use_stop",
        "label",
        "levels",
        "lookback",
        "stop_pct",
    ]
    assert (params["fast"].value, params["fast"].type) == (10, "int")
    assert (params["slow"].value, params["slow"].defined_in) == (30, "SmaCross")  # own wins
    assert (params["use_stop"].value, params["use_stop"].type) == (True, "bool")
    assert (params["label"].value, params["label"].type) == ("sma", "str")
    assert (params["levels"].value, params["levels"].type) == ([30, 70], "list")
    assert params["lookback"].type == "expression"
    assert params["lookback"].value is None
    assert params["lookback"].expression == "WINDOW * 2"
    assert (params["stop_pct"].value, params["stop_pct"].defined_in) == (0.02, "Base")
    assert params["fast"].line == 13


def test_the_source_is_never_executed(tmp_path):
    marker = tmp_path / "ran"
    code = CODE + f"\nopen({str(marker)!r}, 'w').write('x')\n"
    strategy_parameters(code)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("code", "error_code"),
    [("def broken(:\n", "invalid_code"), ("x = 1\nclass A:\n    n = 1\n", "no_strategy_class")],
)
def test_code_without_a_strategy_is_a_strategy_error(code, error_code):
    with pytest.raises(StrategyError) as caught:
        strategy_parameters(code)
    assert caught.value.code == error_code


def test_with_parameters_rewrites_only_the_values_where_they_are_defined():
    code = with_parameters(CODE, {"fast": 12, "stop_pct": 0.035, "use_stop": False})
    assert "    fast = 12\n" in code
    assert "    stop_pct = 0.035\n" in code  # in the base class, where it is defined
    assert "    use_stop = False\n" in code
    assert '"""Two moving averages."""' in code
    assert code.count("\n") == CODE.count("\n")
    found = strategy_parameters(code).by_name()
    assert (found["fast"].value, found["slow"].value) == (12, 30)


def test_with_parameters_refuses_unknown_names_and_non_literals():
    with pytest.raises(ParameterValueError) as caught:
        with_parameters(CODE, {"fats": 1, "fast": [1, 2]})
    assert set(caught.value.details["fields"]) == {"params.fats", "params.fast"}
    assert "known: fast, slow" in caught.value.details["fields"]["params.fats"][0]
