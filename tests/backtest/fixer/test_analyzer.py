"""ErrorAnalyzer: every error type, from real exceptions of real runs where possible."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from Backtest.fixer.analyzer import ERROR_TYPES, ErrorAnalyzer
from Backtest.validation import validate_code
from tests.backtest.fixer.snippets import HEADER, WORKING, strategy
from tests.backtest.fixer.stand_in import StandInResult, failure, run_strategy, success

analyzer = ErrorAnalyzer()

REAL_CASES = {
    "syntax_error": HEADER + "\nclass S(Strategy)\n    pass\n",
    "indentation_error": HEADER + "\nclass S(Strategy):\n    def init(self):\n\tpass\n",
    "import_error": "from backtesting.lib import crossunder\n" + WORKING,
    "name_error": strategy(next_="if crossunder(self.data.Close, 1): self.buy()"),
    "attribute_error": strategy(next_="x = self.data.close[-1]"),
    "type_error": strategy(next_="self.buy(qty=1)"),
    "value_error": strategy(next_="self.buy(size=1.5)"),
    "index_error": strategy(next_="x = self.data.Close[-50]"),
    "key_error": strategy(next_="x = self.data.Close.s[-1]"),
    "zero_division_error": strategy(next_="x = 1 / (len(self.trades) * 0)"),
    "io_error": strategy(init="self.df = pd.read_csv('no_such_prices_file_for_tests.csv')"),
}


@pytest.mark.parametrize(("expected", "code"), REAL_CASES.items(), ids=list(REAL_CASES))
def test_real_exception_is_classified_with_strategy_line(expected: str, code: str) -> None:
    result = run_strategy(code)
    analysis = analyzer.analyze(result, code)
    assert analysis is not None
    assert analysis.error_type == expected
    assert analysis.line is not None
    assert analysis.source_line == code.splitlines()[analysis.line - 1]
    assert analysis.hints, "every type carries hints for the LLM prompt"
    assert analysis.auto_fixable


def test_runtime_error_line_points_at_the_offending_statement() -> None:
    code = strategy(next_="a = 1\nb = self.data.close[-1]")
    analysis = analyzer.analyze(run_strategy(code), code)
    assert analysis is not None
    assert analysis.source_line is not None
    assert "self.data.close[-1]" in analysis.source_line
    assert [f.function for f in analysis.frames] == ["next"]
    assert 'File "strategy.py"' in analysis.strategy_traceback()


def test_indicator_wrapper_is_unwrapped_to_the_real_cause() -> None:
    code = strategy(init="self.r = self.I(talib.RSI, self.data.Close, period=14)")
    result = run_strategy(code)
    assert result.error_type == "RuntimeError"  # what backtesting.py raises
    analysis = analyzer.analyze(result, code)
    assert analysis is not None
    assert analysis.error_type == "type_error"
    assert analysis.exception == "TypeError"
    assert "period" in analysis.message


def test_talib_bare_exception_on_integer_input_is_a_type_error() -> None:
    code = strategy(init="self.v = self.I(talib.SMA, self.data.Volume, 20)")
    analysis = analyzer.analyze(run_strategy(code), code)
    assert analysis is not None
    assert analysis.error_type == "type_error"
    assert any("float64" in hint for hint in analysis.hints)


def test_abstract_method_error_hints_at_the_missing_callback() -> None:
    code = (
        HEADER
        + "\nclass S(Strategy):\n    def init(self):\n        pass\n"
        + "    def on_bar(self):\n        pass\n"
    )
    analysis = analyzer.analyze(run_strategy(code), code)
    assert analysis is not None
    assert analysis.error_type == "type_error"
    assert any("def next(self):" in hint for hint in analysis.hints)


@pytest.mark.parametrize(
    ("result", "expected", "fixable", "severity"),
    [
        (
            failure("timeout", "killed after 60 s", limits_hit=["wall_time"]),
            "timeout",
            True,
            "high",
        ),
        (
            failure("memory_limit", "out of memory", limits_hit=["memory"]),
            "memory_limit",
            True,
            "high",
        ),
        (failure("security_violation", "network access"), "security_violation", False, "critical"),
        (failure("output_limit", "printed too much"), "output_limit", True, "low"),
        (failure("data_error", "unknown symbol"), "data_error", False, "high"),
        (failure("sandbox_error", "server down"), "sandbox_error", False, "high"),
        (failure("validation_error", "no Strategy subclass"), "validation_error", True, "high"),
        (failure("MemoryError", ""), "memory_limit", True, "high"),
        (failure("RecursionError", "maximum recursion depth"), "recursion_error", True, "high"),
        (failure("SomethingOdd", "?"), "unknown", True, "medium"),
        (failure("ValueError", "x", limits_hit=["cpu_time"]), "timeout", True, "high"),
    ],
)
def test_structured_categories(
    result: StandInResult, expected: str, fixable: bool, severity: str
) -> None:
    analysis = analyzer.analyze(result, WORKING)
    assert analysis is not None
    assert (analysis.error_type, analysis.auto_fixable, analysis.severity) == (
        expected,
        fixable,
        severity,
    )
    assert analysis.error_type in ERROR_TYPES


def test_no_trades_only_counts_when_required() -> None:
    flat = success(num_trades=0)
    assert analyzer.analyze(flat, WORKING) is None
    analysis = analyzer.analyze(flat, WORKING, require_trades=True)
    assert analysis is not None
    assert (analysis.error_type, analysis.severity, analysis.auto_fixable) == (
        "no_trades",
        "low",
        True,
    )
    assert analyzer.analyze(success(3), WORKING, require_trades=True) is None


def test_output_is_never_searched_for_the_word_error() -> None:
    chatty = success(3)
    chatty.stdout = "Traceback ... SyntaxError: error error ERROR"
    chatty.stderr = "ZeroDivisionError"
    assert analyzer.analyze(chatty, WORKING) is None
    failed = failure("NameError", "name 'x' is not defined", 12)
    failed.stdout = "SyntaxError: invalid syntax"
    analysis = analyzer.analyze(failed, WORKING)
    assert analysis is not None
    assert analysis.error_type == "name_error"


def test_validation_report_is_analysed() -> None:
    bad = (
        HEADER
        + "\nclass S(Strategy):\n    def init(self):\n        eval('1')\n"
        + "    def next(self):\n        pass\n"
    )
    report = validate_code(bad)
    analysis = analyzer.analyze_validation(report, bad)
    assert analysis is not None
    assert analysis.error_type == "validation_error"
    assert "forbidden_name" in analysis.finding_codes
    assert analysis.line == 10
    syntax = analyzer.analyze_validation(validate_code("def f(:\n"), "def f(:\n")
    assert syntax is not None
    assert syntax.error_type == "syntax_error"
    assert analyzer.analyze_validation(validate_code(WORKING), WORKING) is None


def test_signature_identifies_type_message_and_line() -> None:
    a = analyzer.analyze(failure("NameError", "name 'x' is not defined", 3), WORKING)
    b = analyzer.analyze(failure("NameError", "name 'x' is not defined", 3), WORKING)
    c = analyzer.analyze(failure("NameError", "name 'x' is not defined", 4), WORKING)
    assert a is not None
    assert b is not None
    assert c is not None
    assert a.signature == b.signature != c.signature
    assert a.to_dict()["error_type"] == "name_error"


@pytest.mark.slow
def test_sandbox_categories_from_the_real_executor(tmp_path: Path) -> None:

    if os.geteuid() != 0:
        pytest.skip("the sandbox's OS layers need root")
    from Backtest.bot_executor import BotExecutor

    snooping = WORKING.replace("self.buy()", "self.buy()\n            open('/etc/shadow').read()")
    hanging = WORKING.replace(
        "self.buy()", "self.buy()\n            while True:\n                pass"
    )
    with BotExecutor(work_root=tmp_path, timeout_s=2, pool_size=1) as executor:
        found = {
            name: analyzer.analyze(executor.execute_bot(code=code, plot=False), code)
            for name, code in {"security": snooping, "timeout": hanging}.items()
        }
        real_name_error = strategy(next_="x = undefined_name")
        name_error = analyzer.analyze(
            executor.execute_bot(code=real_name_error, plot=False), real_name_error
        )
    security, timeout = found["security"], found["timeout"]
    assert security is not None
    assert (security.error_type, security.auto_fixable) == ("security_violation", False)
    assert timeout is not None
    assert timeout.error_type == "timeout"
    assert name_error is not None
    expected_line = real_name_error.splitlines().index("        x = undefined_name") + 1
    assert (name_error.error_type, name_error.line) == ("name_error", expected_line)
    assert name_error.source_line == "        x = undefined_name"
