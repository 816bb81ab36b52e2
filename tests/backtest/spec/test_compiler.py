"""compile_spec(): the shape, determinism and hygiene of the generated source."""

from __future__ import annotations

import ast

import pytest

from Backtest.spec import (
    CompileError,
    StrategySpecV1,
    class_name_for,
    compile_spec,
    example_names,
    example_spec_data,
    validate_spec,
)
from Backtest.spec.common import SKIP_SEMANTICS

ALLOWED_IMPORTS = {"backtesting", "numpy", "pandas", "talib", "math", "typing"}


def compiled(name: str, **kwargs) -> str:
    return compile_spec(validate_spec(example_spec_data(name)), **kwargs)


def flat(code: str) -> str:
    """Code with wrapped calls joined back onto one line, for substring checks."""
    joined = " ".join(line.strip() for line in code.splitlines())
    return joined.replace("( ", "(").replace(", )", ")")


def class_node(code: str) -> ast.ClassDef:
    classes = [n for n in ast.parse(code).body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1
    return classes[0]


def class_attributes(code: str) -> dict[str, object]:
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in class_node(code).body
        if isinstance(node, ast.Assign)
    }


@pytest.mark.parametrize("name", example_names())
def test_generated_code_parses_and_imports_only_allowed_modules(name):
    tree = ast.parse(compiled(name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module]
        else:
            continue
        for module in modules:
            assert module in ALLOWED_IMPORTS or module == "Backtest.indicators", module


@pytest.mark.parametrize("name", example_names())
def test_generated_code_is_deterministic_and_fits_100_columns(name):
    first = compiled(name)
    spec = validate_spec(example_spec_data(name))
    assert compile_spec(validate_spec(spec.model_dump(mode="json"))) == first
    assert compiled(name) == first
    assert max(len(line) for line in first.splitlines()) <= 100


def test_one_strategy_subclass_named_after_the_spec():
    code = compiled("rsi_reversion")
    cls = class_node(code)
    assert cls.name == "RSIMeanReversion"
    assert [b.id for b in cls.bases] == ["Strategy"]
    assert class_node(compiled("rsi_reversion", class_name="MyRsi")).name == "MyRsi"


def test_every_parameter_and_risk_setting_is_a_class_attribute():
    attrs = class_attributes(compiled("rsi_with_risk"))
    assert attrs == {
        "rsi_timeperiod": 14,
        "trend_timeperiod": 100,
        "stop_loss_pct": 3.0,
        "stop_loss_atr": None,
        "take_profit_pct": 8.0,
        "take_profit_atr": None,
        "trailing_stop_pct": 4.0,
        "trailing_stop_atr": None,
        "exit_after_bars": None,
        "position_size": 0.5,
    }
    atr = class_attributes(compiled("v2_ema_cross_atr_risk"))
    assert (atr["stop_loss_atr"], atr["take_profit_atr"], atr["atr_stop_period"]) == (2, 4, 14)
    assert atr["risk_percent"] == 1
    assert class_attributes(compiled("v2_keltner_limit"))["entry_valid_bars"] == 2
    bb = class_attributes(compiled("bollinger_breakout"))
    assert bb["bb_nbdevup"] == 2.0  # defaults from the registry are spelled out too
    assert bb["bb_matype"] == 0


def test_full_equity_and_whole_units_follow_backtesting_size_convention():
    assert class_attributes(compiled("sma_cross"))["position_size"] == 0.9999
    assert class_attributes(compiled("fixed_units"))["position_size"] == 10


def test_init_reads_parameters_from_the_class_attributes():
    code = compiled("macd_signal_cross")
    assert (
        "self.macd = self.I(MACD, self.data.Close, fastperiod=self.macd_fastperiod, "
        "slowperiod=self.macd_slowperiod, signalperiod=self.macd_signalperiod, "
        'name=["macd.macd", "macd.macdsignal", "macd.macdhist"])'
    ) in flat(code)


def test_rule_lines_carry_comments_naming_the_rule_in_english():
    code = compiled("stochastic_nested")
    for path in (
        "# rules.entry: STOCH(14,3,3) %K crosses above STOCH(14,3,3) %D and (STOCH(14,3,3) %K",
        "# rules.entry.conditions.0: STOCH(14,3,3) %K crosses above STOCH(14,3,3) %D",
        "# rules.entry.conditions.1: STOCH(14,3,3) %K is below 30 or Close is below SMA(50)",
        "# rules.exit.conditions.1: STOCH(14,3,3) %K is above 80",
    ):
        assert path in code


def test_crosses_compare_this_bar_with_the_previous_one_and_levels_do_not():
    code = compiled("sma_cross")
    assert "_cross_up(self.fast[-1], self.fast[-2], self.slow[-1], self.slow[-2])" in code
    assert "_cross_down(self.fast[-1], self.fast[-2], self.slow[-1], self.slow[-2])" in code
    rsi = compiled("rsi_reversion")
    assert "_cross" not in rsi
    assert "self.rsi[-1] < 30" in rsi


def test_bars_ago_reads_earlier_values():
    code = compiled("donchian_breakout")
    assert "self.data.Close[-1] > self.dc_high[-2]" in code
    data = example_spec_data("donchian_breakout")
    data["rules"]["entry"] = {
        "left": "Close",
        "op": "crosses_above",
        "right": {"ref": "dc_high", "bars_ago": 2},
    }
    crossed = compile_spec(validate_spec(data))
    assert (
        "_cross_up(self.data.Close[-1], self.data.Close[-2], self.dc_high[-3], self.dc_high[-4])"
    ) in crossed
    assert "if len(self.data) < 4:" in crossed  # needs dc_high[-4] for the previous bar


def test_warm_up_guard_checks_the_oldest_value_of_every_indicator_read():
    code = compiled("atr_volatility_breakout")
    guard = next(line for line in code.splitlines() if "_ready(" in line and "if not" in line)
    # Warm-up NaNs sit at the start, so the oldest value read of each indicator decides.
    for value in ("self.ema[-2]", "self.atr_fast[-1]", "self.atr_slow[-1]"):
        assert value in guard


def test_multi_output_references_index_the_indicator_rows():
    code = compiled("bollinger_reversion")
    assert "self.data.Close[-1] < self.bb[2][-1]" in code  # lowerband is output 2
    assert "self.data.Close[-1] > self.bb[1][-1]" in code


def test_source_overrides_the_indicator_input():
    code = flat(compiled("donchian_breakout"))
    assert 'self.I(MAX, self.data.High, timeperiod=self.dc_high_timeperiod, name="dc_high")' in code
    assert 'self.I(MIN, self.data.Low, timeperiod=self.dc_low_timeperiod, name="dc_low")' in code


def test_sides_get_only_the_order_methods_they_use():
    assert "_enter_short" not in compiled("sma_cross")
    assert "_enter_long" not in compiled("short_only")
    both = compiled("both_sides")
    assert "def _enter_long" in both
    assert "def _enter_short" in both


def test_docstrings_survive_quotes_and_backslashes():
    data = example_spec_data("sma_cross")
    data["name"] = 'Tricky """name""" \\ here"'
    data["description"] = 'Ends with a quote" and a backslash \\'
    code = compile_spec(validate_spec(data))
    compile(code, "<tricky>", "exec")
    assert class_node(code).name == "TrickyNameHere"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rsi mean-reversion", "RsiMeanReversion"),
        ("3 bar breakout", "Strategy3BarBreakout"),
        ("!!!", "GeneratedStrategy"),
    ],
)
def test_class_names_are_identifiers(text, expected):
    assert class_name_for(text) == expected


@pytest.mark.parametrize("bad", ["not valid", "lower", "None", "SMA", "Strategy"])
def test_bad_class_name_is_refused(bad):
    with pytest.raises(CompileError, match="identifier"):
        compiled("sma_cross", class_name=bad)


def test_spec_named_like_an_indicator_does_not_shadow_the_helper():
    data = example_spec_data("sma_cross")
    data["name"] = "SMA"
    assert class_node(compile_spec(validate_spec(data))).name == "SMAStrategy"


def test_compiling_an_unchecked_invalid_spec_is_refused():
    data = example_spec_data("sma_cross")
    data["rules"]["entry"]["right"] = "ghost"
    spec = StrategySpecV1.model_validate(data, context={SKIP_SEMANTICS: True})
    with pytest.raises(CompileError, match="ghost"):
        compile_spec(spec)
