"""Each deterministic rule on its own: it fixes its mistake, and the result really runs."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import pytest

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.rules import RULES, apply_rules
from Backtest.fixer.semantics import classify_edit
from tests.backtest.fixer.snippets import HEADER, WORKING, strategy
from tests.backtest.fixer.stand_in import run_strategy


def analysis(
    error_type: str = "unknown",
    message: str = "",
    line: int | None = None,
    source: str | None = None,
) -> ErrorAnalysis:
    """An analysis as the analyzer would produce it (only what rules read)."""
    return ErrorAnalysis(error_type, "medium", True, message, line, source)


@dataclass(frozen=True)
class Case:
    code: str
    contains: tuple[str, ...]
    absent: tuple[str, ...] = ()
    analysis: ErrorAnalysis = field(default_factory=analysis)
    runs: bool = True
    #: Whether the rule's edit changes what the strategy does (judged by classify_edit).
    semantic: bool = False


BARE = """\
from backtesting import Strategy
from backtesting.test import SMA


class Cross(Strategy):
    def init(self):
        self.a = self.I(SMA, self.data.Close, 10)
        self.b = self.I(SMA, self.data.Close, 20)

    def next(self):
        if crossover(self.a, self.b):
            self.buy()
        elif crossover(self.b, self.a):
            self.position.close()
"""

SIZE_ERROR = "size must be a positive fraction of equity, or a positive whole number of units"

CASES: dict[str, Case] = {
    "strip_markdown": Case(
        "Sure! Here's the strategy:\n\n```python\n" + WORKING + "```\n\nIt buys on a cross.\n",
        ("class SmaCross(Strategy):",),
        ("```", "Sure!", "It buys"),
    ),
    "ascii_punctuation": Case(
        WORKING.replace("def next(self):", "def next(self):\n        label = \u201cgo\u201d"),
        ('label = "go"',),
        ("\u201c",),
    ),
    "tabs_to_spaces": Case(
        WORKING.replace("        self.sma2 =", "\tself.sma2 ="),
        ("        self.sma2 = self.I(SMA",),
        ("\t",),
    ),
    "dedent_code": Case(
        "\n".join("    " + line if line else "" for line in WORKING.splitlines()) + "\n",
        ("\nclass SmaCross(Strategy):\n    n1 = 10", "\nimport talib\n"),
    ),
    "realign_line": Case(
        WORKING.replace("        self.sma2 =", "      self.sma2 ="),
        ("\n        self.sma2 = self.I(SMA",),
        ("\n      self.sma2",),
    ),
    "python2_syntax": Case(
        strategy(
            next_="print 'bar', len(self.data)\ntry:\n    pass\nexcept ValueError, e:\n    pass"
        ),
        ("print('bar', len(self.data))", "except ValueError as e:"),
    ),
    "missing_colon": Case(
        WORKING.replace("def next(self):", "def next(self)"),
        ("def next(self):",),
    ),
    "remove_script_code": Case(
        "import yfinance as yf\n"
        + WORKING
        + "\n\ndata = yf.download('AAPL')\nbt = Backtest(data, SmaCross)\nstats = bt.run()\n"
        + "print(stats)\nbt.plot()\n\nif __name__ == '__main__':\n    bt.run()\n",
        ("class SmaCross(Strategy):",),
        ("yfinance", "yf.download", "bt.run", "print(stats)", "__main__"),
    ),
    "fix_cross_aliases": Case(
        "from backtesting.lib import crossunder\n" + BARE,
        ("crossover(self.a, self.b)", "from backtesting.lib import crossover"),
        ("crossunder",),
    ),
    "relocate_imports": Case(
        strategy(
            init="self.r = self.I(RSI, self.data.Close, 14)",
            next_="if self.r[-1] < 30: self.buy()",
            header=HEADER + "from backtesting.indicators import RSI\n",
        ),
        ("from Backtest.indicators import RSI",),
        ("backtesting.indicators",),
    ),
    "add_missing_imports": Case(
        BARE.replace("from backtesting import Strategy\n", "").replace(
            "self.buy()", "self.buy(size=math.floor(np.float64(0.5) * 2))"
        ),
        (
            "from backtesting.lib import crossover",
            "from backtesting import Strategy",
            "import math",
            "import numpy as np",
        ),
    ),
    "numpy2_aliases": Case(
        strategy(next_="x = np.float(self.data.Close[-1]) + np.NaN * 0 if False else 1"),
        ("x = float(self.data.Close[-1]) + np.nan",),
        ("np.float(", "np.NaN"),
    ),
    "pandas_ta_to_indicators": Case(
        strategy(
            init="self.rsi = self.I(ta.rsi, self.data.Close.s, length=14)\n"
            "self.ema = ta.ema(self.data.Close.s, length=20)",
            next_="if self.rsi[-1] < 30: self.buy()",
            header=HEADER + "import pandas_ta as ta\n",
        ),
        ("self.I(RSI, self.data.Close.s, timeperiod=14)", "EMA(self.data.Close.s, timeperiod=20)"),
        ("pandas_ta", "ta.rsi", "ta.ema"),
    ),
    "pandas3_removals": Case(
        strategy(init="self.f = pd.Series(self.data.Close).fillna(method='ffill')\nz = pd.np.nan"),
        (".ffill()", "z = np.nan"),
        ("method=", "pd.np"),
    ),
    "strategy_callbacks": Case(
        HEADER
        + "\n\nclass S(Strategy):\n    def __init__(self):\n        super().__init__()\n"
        + "        self.n = 10\n\n    def on_bar(self):\n        if not self.position:\n"
        + "            self.buy()\n",
        ("def init(self):", "def next(self):", "self.n = 10"),
        ("__init__", "on_bar", "super()"),
    ),
    "callback_signatures": Case(
        strategy(next_="if data.Close[-1] > 0 and not self.position: self.buy()").replace(
            "def next(self):", "def next(self, data):"
        ),
        ("def next(self):", "self.data.Close[-1]"),
        ("next(self, data)",),
    ),
    "add_missing_self": Case(
        strategy(
            init="sma = self.I(SMA, self.data.Close, n)",
            next_="if self.data.Close[-1] > self.sma[-1]: self.buy()",
            extra="    n = 20\n\n",
        ),
        ("self.sma = self.I(SMA, self.data.Close, self.n)",),
    ),
    "backtrader_params": Case(
        strategy(
            init="self.s = self.I(SMA, self.data.Close, self.params.fast)",
            next_="if self.data.Close[-1] > self.s[-1]: self.buy()",
            extra="    params = (('fast', 10), ('slow', 30))\n\n",
        ),
        ("    fast = 10\n    slow = 30", "self.I(SMA, self.data.Close, self.fast)"),
        ("params",),
    ),
    "capitalize_columns": Case(
        strategy(
            next_="x = self.data.close[-1] + self.data['high'][-1] + self.data.df['low'].iloc[-1]"
        ),
        ("self.data.Close[-1]", "self.data['High'][-1]", "self.data.df['Low']"),
    ),
    "date_column_to_index": Case(
        strategy(next_="day = self.data.Date[-1].weekday()"),
        ("self.data.index[-1].weekday()",),
    ),
    "numpy_not_pandas": Case(
        strategy(
            init="self.m = self.data.Close.rolling(20).mean()\n"
            "self.r = self.I(lambda x: x.pct_change(), self.data.Close)",
            next_="a = self.data.Close.iloc[-1]\nb = self.m.values[-1]\n"
            "c = self.data.Close.shift(1)[-1]\nd = self.data.Close.tail(3)\n"
            "e = self.data.High.rolling(5).max()[-1]",
        ),
        (
            "self.I(lambda x: pd.Series(x).rolling(20).mean(), self.data.Close, name='m')",
            "pd.Series(x).pct_change()",
            "a = self.data.Close[-1]",
            "b = self.m[-1]",
            "c = self.data.Close[-2]",
            "d = self.data.Close[-3:]",
            "e = pd.Series(self.data.High).rolling(5).max().iloc[-1]",
        ),
    ),
    "series_positional_index": Case(
        strategy(next_="s = pd.Series(self.data.Close)\nx = s[-1] + self.data.Close.s[-2]"),
        ("s.iloc[-1]", "self.data.Close.s.iloc[-2]"),
    ),
    "indicators_through_self_i": Case(
        strategy(
            init="self.rsi = talib.RSI(self.data.Close, 14)\nself.close = self.data.Close",
            next_="if self.rsi[-1] < 30 and self.close[-1] > 0: self.buy()",
        ),
        (
            "self.rsi = self.I(lambda: talib.RSI(self.data.Close, 14), name='rsi')",
            "self.close = self.I(lambda: self.data.Close, name='close', plot=False)",
        ),
    ),
    "self_i_takes_a_function": Case(
        strategy(init="self.d = self.I(talib.DEMA(self.data.Close, timeperiod=10))"),
        ("self.I(talib.DEMA, self.data.Close, timeperiod=10)",),
    ),
    "crossover_takes_arrays": Case(
        strategy(
            init="self.r = self.I(talib.RSI, self.data.Close, 14)",
            next_="if crossover(self.r[-1], 30): self.buy()",
        ),
        ("crossover(self.r, 30)",),
    ),
    "compare_latest_values": Case(
        strategy(
            init="self.s = self.I(SMA, self.data.Close, 10)",
            next_="if self.s > self.data.Close: self.buy()",
        ),
        ("if self.s[-1] > self.data.Close[-1]:",),
        analysis=analysis("value_error", "The truth value of an array with more than one element"),
    ),
    "position_api": Case(
        strategy(
            next_="if not self.position: self.buy()\n"
            "elif self.data.Close[-1] > self.position.entry_price * 1.1 or self.position.pnl < 0:\n"
            "    self.close()"
        ),
        ("self.trades[-1].entry_price", "self.position.pl < 0", "self.position.close()"),
        ("self.close()",),
    ),
    "position_truthiness": Case(
        strategy(
            next_="if self.position == 0: self.buy()\nelif self.position > 0: self.position.close()"
        ),
        ("if not self.position:", "elif self.position.is_long:"),
    ),
    "order_arguments": Case(
        strategy(
            next_="p = self.data.Close[-1]\n"
            "if not self.position: self.buy(qty=1, stop_loss=p * 0.9, take_profit=p * 1.2, price=p)"
        ),
        ("self.buy(size=1, sl=p * 0.9, tp=p * 1.2)",),
    ),
    "order_size": Case(
        strategy(next_="if not self.position: self.buy(size=1.5)"),
        ("self.buy(size=0.99)",),
        ("size=1.5", "size=1)", "size=2)"),
        analysis=analysis("value_error", SIZE_ERROR),
        semantic=True,
    ),
    "stop_levels_side": Case(
        strategy(
            next_="p = self.data.Close[-1]\n"
            "if not self.position: self.buy(sl=p * 1.02, tp=p * (1 + 0.05))"
        ),
        ("self.buy(sl=p * 0.98, tp=p * (1 + 0.05))",),
        analysis=analysis(
            "value_error", "Long orders require: SL (102.0) < LIMIT (100.0) < TP (105.0)"
        ),
        semantic=True,
    ),
    "indicator_output_attributes": Case(
        strategy(
            init="self.bb = self.I(talib.BBANDS, self.data.Close, 20)",
            next_="if not self.position and self.data.Close[-1] < self.bb.lower[-1]: self.buy()\n"
            "elif self.position and self.data.Close[-1] > self.bb.upper[-1]: self.position.close()",
        ),
        ("self.bb[2][-1]", "self.bb[0][-1]"),
        (".lower", ".upper"),
    ),
    "indicator_unpack_count": Case(
        strategy(
            init="self.macd, self.signal = self.I(talib.MACD, self.data.Close)",
            next_="if crossover(self.macd, self.signal): self.buy()\n"
            "elif crossover(self.signal, self.macd): self.position.close()",
        ),
        ("self.macd, self.signal, _ = self.I(talib.MACD, self.data.Close)",),
        analysis=analysis("value_error", "too many values to unpack (expected 2)"),
    ),
    "strategy_base_class": Case(
        WORKING.replace("class SmaCross(Strategy):", "class SmaCross:"),
        ("class SmaCross(Strategy):",),
        analysis=analysis("validation_error", "no backtesting.Strategy subclass is defined"),
    ),
    "undefined_self_attribute": Case(
        WORKING.replace("crossover(self.sma2, self.sma1)", "crossover(self.sma_2, self.sma1)"),
        ("elif crossover(self.sma2, self.sma1):",),
        ("sma_2",),
        analysis=analysis("attribute_error", "'SmaCross' object has no attribute 'sma_2'"),
    ),
    "percent_thresholds": Case(
        strategy(
            init="self.r = self.I(talib.RSI, self.data.Close, 14)",
            next_="if not self.position and self.r[-1] < 0.3: self.buy()\n"
            "elif self.position and self.r[-1] > 0.7: self.position.close()",
        ),
        ("self.r[-1] < 30", "self.r[-1] > 70"),
        analysis=analysis("no_trades"),
        semantic=True,
    ),
    "no_while_on_position": Case(
        strategy(next_="while self.position:\n    self.position.close()\nself.buy()"),
        ("if self.position:",),
        ("while",),
    ),
    "sell_closes_long": Case(
        strategy(next_="if not self.position: self.buy()\nelif self.position.is_long: self.sell()"),
        ("elif self.position.is_long: self.position.close()",),
        ("self.sell()",),
        semantic=True,
    ),
    "float_equality_to_cross": Case(
        strategy(
            init="self.r = self.I(talib.RSI, self.data.Close, 14)",
            next_="if self.r[-1] == 30: self.buy()",
        ),
        ("if cross(self.r, 30):", "from backtesting.lib import cross"),
        analysis=analysis("no_trades"),
        semantic=True,
    ),
    "remove_prints": Case(
        strategy(next_="print('bar', len(self.data))\nif not self.position:\n    print('buy')"),
        ("if not self.position:\n            pass",),
        ("print(",),
        analysis=analysis("output_limit"),
    ),
    "warmup_guard": Case(
        strategy(next_="x = self.data.Close[-1] / self.data.Close[-30]"),
        ("if len(self.data) < 30:", "return"),
        analysis=analysis("index_error", "index -30 is out of bounds for axis 0 with size 2"),
    ),
    "guard_division": Case(
        strategy(
            next_="rate = len([t for t in self.trades if t.pl > 0]) / len(self.closed_trades)"
        ),
        ("if len(self.closed_trades) else 0.0)",),
        analysis=analysis(
            "zero_division_error",
            "division by zero",
            17,
            "        rate = len([t for t in self.trades if t.pl > 0]) / len(self.closed_trades)",
        ),
        semantic=True,
    ),
    "talib_keywords": Case(
        strategy(
            init="self.u, self.m, self.l = self.I(talib.BBANDS, self.data.Close, period=20, std=2)"
        ),
        ("timeperiod=20, nbdevup=2.0, nbdevdn=2.0",),
    ),
    "talib_float_parameters": Case(
        strategy(
            init="self.u, self.m, self.l = "
            "self.I(talib.BBANDS, self.data.Close, nbdevup=2, nbdevdn=2)"
        ),
        ("nbdevup=2.0, nbdevdn=2.0",),
        analysis=analysis("type_error", "invalid parameter type"),
    ),
    "talib_float_inputs": Case(
        strategy(init="self.v = self.I(talib.SMA, self.data.Volume, 20)"),
        ("self.I(talib.SMA, self.data.Volume.astype(float), 20)",),
        analysis=analysis("type_error", "input array type is not double"),
    ),
}


def test_every_rule_has_a_docstring_and_a_test_case() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert set(names) == set(CASES)
    for item in RULES:
        assert len(item.doc) > 30, f"{item.name} needs a docstring saying what it fixes"


@pytest.mark.parametrize("name", list(CASES))
def test_rule_fixes_its_mistake(name: str) -> None:
    case = CASES[name]
    outcome = apply_rules(case.code, case.analysis, only={name})
    assert outcome.changed, f"{name} did not fire"
    assert {a.name for a in outcome.applied} == {name}
    assert all(a.description for a in outcome.applied)
    for text in case.contains:
        assert text in outcome.code, f"{name}: {text!r} missing from\n{outcome.code}"
    for text in case.absent:
        assert text not in outcome.code, f"{name}: {text!r} still in\n{outcome.code}"
    ast.parse(outcome.code)
    if case.runs:
        result = run_strategy(outcome.code)
        assert result.success, f"{name}: {result.error_type}: {result.error_message}"


@pytest.mark.parametrize("name", list(CASES))
def test_rule_edits_are_classified_by_what_they_change(name: str) -> None:
    case = CASES[name]
    outcome = apply_rules(case.code, case.analysis, only={name}, review=classify_edit)
    (applied,) = {(a.name, a.semantic_change) for a in outcome.applied}
    assert applied == (name, case.semantic)
    assert classify_edit(case.code, outcome.code).semantic_change is case.semantic
    if case.semantic:
        assert outcome.changes[0] == outcome.applied[0].description


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.semantic])
def test_meaning_changing_rule_edits_are_withheld_unless_allowed(name: str) -> None:
    case = CASES[name]
    outcome = apply_rules(
        case.code, case.analysis, only={name}, review=classify_edit, allow_semantic_changes=False
    )
    assert outcome.code == case.code
    assert not outcome.applied
    assert [w.name for w in outcome.withheld] == [name]
    assert outcome.withheld[0].changes


def test_order_size_rounds_a_large_fractional_unit_count_down_never_to_one_unit() -> None:
    code = strategy(next_="if not self.position: self.buy(size=150.5)")
    outcome = apply_rules(code, analysis("value_error", SIZE_ERROR), only={"order_size"})
    assert "self.buy(size=150)" in outcome.code
    computed = strategy(next_="if not self.position: self.buy(size=self.equity / 7 / 3)")
    outcome = apply_rules(computed, analysis("value_error", SIZE_ERROR), only={"order_size"})
    assert "size=max(1, int(self.equity / 7 / 3))" in outcome.code
    assert "rounded down to whole units" in outcome.describe()


def test_order_size_explains_the_nearest_valid_meaning() -> None:
    code = strategy(next_="if not self.position: self.buy(size=1.5)")
    outcome = apply_rules(code, analysis("value_error", SIZE_ERROR), only={"order_size"})
    assert "size 1.5 is not valid" in outcome.describe()
    assert "0.99 of equity" in outcome.describe()


def test_stop_levels_side_mirrors_a_short_and_keeps_correct_levels() -> None:
    code = strategy(
        next_="p = self.data.Close[-1]\n"
        "if not self.position: self.sell(sl=p - 2, tp=p * 0.9)  # stop 2 below, target 10%"
    )
    message = "Short orders require: TP (90.0) < LIMIT (100.0) < SL (98.0)"
    outcome = apply_rules(code, analysis("value_error", message), only={"stop_levels_side"})
    assert "self.sell(sl=p + 2, tp=p * 0.9)  # stop 2 below, target 10%" in outcome.code
    assert len(outcome.applied) == 1  # the rule does not flip its own edit back


def test_unpack_places_named_outputs_where_they_belong() -> None:
    code = strategy(init="self.upper, self.lower = self.I(talib.BBANDS, self.data.Close)")
    outcome = apply_rules(code, analysis(), only={"indicator_unpack_count"})
    assert "self.upper, _, self.lower = self.I(talib.BBANDS, self.data.Close)" in outcome.code
    assert not classify_edit(code, outcome.code).semantic_change


def test_percent_thresholds_scale_a_class_parameter_compared_with_rsi() -> None:
    code = strategy(
        init="self.rsi = self.I(talib.RSI, self.data.Close, 14)",
        next_="if not self.position and crossover(self.oversold, self.rsi): self.buy()",
        extra="    oversold = 0.25  # RSI level\n\n",
    )
    outcome = apply_rules(code, analysis("no_trades"), only={"percent_thresholds"})
    assert "    oversold = 25  # RSI level\n" in outcome.code


@pytest.mark.parametrize("name", list(CASES))
def test_rule_leaves_working_code_alone(name: str) -> None:
    outcome = apply_rules(WORKING, analysis(CASES[name].analysis.error_type), only={name})
    assert outcome.code == WORKING


def test_rules_never_turn_parseable_code_into_broken_code() -> None:
    def breaker(code: str, _analysis: ErrorAnalysis) -> object:
        from Backtest.fixer.rules import RuleEdit

        return RuleEdit(code + "\n)(", "breaks it")

    from Backtest.fixer.rules.base import RULES as registry
    from Backtest.fixer.rules.base import Rule

    registry.append(Rule("test_breaker", breaker, frozenset(), True, True))  # type: ignore[arg-type]
    try:
        outcome = apply_rules(WORKING, analysis(), only={"test_breaker"})
    finally:
        registry.pop()
    assert outcome.code == WORKING
    assert not outcome.changed


def test_a_crashing_rule_is_skipped() -> None:
    def crasher(code: str, _analysis: ErrorAnalysis) -> object:
        raise RuntimeError("bug in a rule")

    from Backtest.fixer.rules.base import RULES as registry
    from Backtest.fixer.rules.base import Rule

    registry.append(Rule("test_crasher", crasher, frozenset(), True, True))  # type: ignore[arg-type]
    try:
        outcome = apply_rules(BARE, analysis("name_error"))
    finally:
        registry.pop()
    assert "from backtesting.lib import crossover" in outcome.code


def test_one_attempt_repairs_several_independent_mistakes() -> None:
    code = (
        "```python\n"
        + BARE.replace("self.data.Close, 20", "self.data.close, 20").replace(
            "self.position.close()", "self.close()"
        )
        + "```\n"
    )
    outcome = apply_rules(code, analysis("syntax_error"))
    names = {a.name for a in outcome.applied}
    assert {"strip_markdown", "add_missing_imports", "capitalize_columns", "position_api"} <= names
    assert run_strategy(outcome.code).success


def test_targeted_rules_wait_for_their_error_type() -> None:
    code = strategy(next_="x = self.data.Close[-1] / self.data.Close[-30]")
    assert not apply_rules(code, analysis("name_error", "x")).changed
    assert apply_rules(code, analysis("index_error", "index -30 is out of bounds")).changed


def test_warmup_guard_skips_empty_trade_lists() -> None:
    code = strategy(next_="x = self.closed_trades[-1].pl")
    result = apply_rules(
        code,
        analysis(
            "index_error", "tuple index out of range", 17, "        x = self.closed_trades[-1].pl"
        ),
        only={"warmup_guard"},
    )
    assert not result.changed


def test_warmup_guard_raises_an_existing_guard() -> None:
    code = strategy(
        next_="if len(self.data) < 5:\n    return\nx = self.data.Close[-self.n - 1]",
        extra="    n = 40\n\n",
    )
    outcome = apply_rules(
        code, analysis("index_error", "index -41 is out of bounds"), only={"warmup_guard"}
    )
    assert "if len(self.data) < 41:" in outcome.code
    assert outcome.code.count("len(self.data)") == 1


def test_sell_stays_when_the_strategy_also_goes_short() -> None:
    code = strategy(
        next_="if not self.position: self.sell()\nelif self.position.is_long: self.sell()"
    )
    assert not apply_rules(code, analysis(), only={"sell_closes_long"}).changed


def test_pandas_ta_is_left_alone_when_an_unsupported_function_is_used() -> None:
    code = strategy(
        init="self.m = self.I(ta.macd, self.data.Close.s)\n"
        "self.r = self.I(ta.rsi, self.data.Close.s)",
        header=HEADER + "import pandas_ta as ta\n",
    )
    assert not apply_rules(code, analysis(), only={"pandas_ta_to_indicators"}).changed


def test_strip_markdown_keeps_imports_from_a_separate_block() -> None:
    body = WORKING.split("class SmaCross")[1]
    answer = (
        "First the imports:\n```python\nfrom backtesting import Strategy\n"
        "from backtesting.lib import crossover\nfrom backtesting.test import SMA\n```\n"
        "Then the class:\n```python\nclass SmaCross" + body + "```\n"
        "Run it with:\n```bash\npip install backtesting\n```\n"
    )
    outcome = apply_rules(answer, analysis("syntax_error"), only={"strip_markdown"})
    assert "pip install" not in outcome.code
    assert run_strategy(outcome.code).success


def test_pandas_idioms_are_found_through_tuple_aliases_of_columns() -> None:
    code = strategy(
        next_="high, low = self.data.High, self.data.Low\n"
        "if self.data.Close[-1] > high.shift(1)[-1]: self.buy()"
    )
    outcome = apply_rules(code, analysis("attribute_error"), only={"numpy_not_pandas"})
    assert "if self.data.Close[-1] > high[-2]: self.buy()" in outcome.code
    assert not classify_edit(code, outcome.code).semantic_change


def test_cst_rules_change_only_the_broken_expression_byte_for_byte() -> None:
    code = (
        HEADER
        + "\n\nclass Odd(Strategy):  # keep me\n"
        + "    def init(self):\n"
        + "        self.bb = self.I( talib.BBANDS,self.data.Close ,20 )   # weird spacing\n"
        + "\n\n"
        + "    def next(self):\n"
        + "        '''docstring'''\n"
        + "        if self.data.Close[-1]<self.bb.lower[-1] :  # entry\n"
        + "            self.buy()\n"
    )
    outcome = apply_rules(code, analysis(), only={"indicator_output_attributes"})
    expected = code.replace("self.bb.lower[-1]", "self.bb[2][-1]")
    assert outcome.code == expected


def test_realign_line_puts_an_over_indented_line_back_in_its_block() -> None:
    code = WORKING.replace("        self.sma2 =", "          self.sma2 =")
    outcome = apply_rules(code, analysis("indentation_error"), only={"realign_line"})
    assert "\n        self.sma2 = self.I(SMA" in outcome.code
    assert run_strategy(outcome.code).success


def test_realign_line_leaves_a_block_that_was_never_opened_alone() -> None:
    code = WORKING.replace("    def next(self):\n", "    def next(self):\n    pass\n")
    outcome = apply_rules(code, analysis("indentation_error"), only={"realign_line"})
    assert not outcome.changed
