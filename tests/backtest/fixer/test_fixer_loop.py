"""The iterative loop with scripted and real (stand-in) executions; no LLM involved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from Backtest.bot_error_fixer import BotErrorFixer, FixResult
from tests.backtest.fixer.snippets import WORKING, strategy
from tests.backtest.fixer.stand_in import StandInResult, failure, run_strategy, success

UP = "self.data.Close[-1] > self.data.Open[-1]"
EXIT = "elif self.position and self.data.Close[-1] < self.data.Open[-1]: self.position.close()"
BROKEN = WORKING.replace("from backtesting.lib import crossover\n", "")
NAME_ERROR = failure("NameError", "name 'crossover' is not defined", 17)


class Script:
    """An ``execute`` that returns scripted results and records what it was asked to run."""

    def __init__(self, *results: StandInResult) -> None:
        self.results = list(results)
        self.calls: list[str] = []

    def __call__(self, code: str) -> StandInResult:
        self.calls.append(code)
        return self.results.pop(0)


def fix(code: str, execute: Callable[[str], Any], **kwargs: Any) -> FixResult:
    return BotErrorFixer().fix_errors_iteratively(code, execute=execute, **kwargs)


def test_working_code_is_reported_as_already_working() -> None:
    execute = Script(success(4))
    result = fix(WORKING, execute)
    assert (result.success, result.stopped_reason, result.attempts) == (True, "already_working", [])
    assert result.final_code == WORKING
    assert len(execute.calls) == 1


def test_rule_fix_is_verified_by_re_execution() -> None:
    execute = Script(NAME_ERROR, success(7))
    result = fix(BROKEN, execute)
    assert result.success
    assert result.stopped_reason == "fixed"
    assert execute.calls[0] == BROKEN
    assert execute.calls[1] == result.final_code != BROKEN
    (attempt,) = result.attempts
    assert attempt.provider == "rules"
    assert attempt.rules == ["add_missing_imports"]
    assert attempt.fix_applied == "Added missing import `from backtesting.lib import crossover`"
    assert attempt.diff.startswith("--- strategy.py\n+++ strategy.py\n")
    assert "+from backtesting.lib import crossover" in attempt.diff
    assert (attempt.code_before, attempt.code_after) == (BROKEN, result.final_code)
    assert attempt.execution is not None
    assert attempt.execution.num_trades == 7
    assert attempt.duration_s >= 0
    assert result.final_execution is attempt.execution


def test_fix_does_not_count_when_re_execution_fails_and_original_is_kept() -> None:
    execute = Script(NAME_ERROR, NAME_ERROR)
    result = fix(BROKEN, execute)
    assert not result.success
    assert result.stopped_reason == "same_error_twice"
    assert result.final_code == BROKEN  # never lose the previous code
    assert result.attempts[0].code_after != BROKEN  # ...but every attempt's code is kept
    assert not result.attempts[0].success


def test_initial_result_skips_the_first_execution() -> None:
    execute = Script(success(3))
    result = fix(BROKEN, execute, initial_result=NAME_ERROR)
    assert result.success
    assert len(execute.calls) == 1


def test_zero_trades_fail_only_when_trades_are_required() -> None:
    assert fix(WORKING, Script(success(0))).stopped_reason == "already_working"
    result = fix(WORKING, Script(success(0)), require_trades=True)
    assert not result.success
    assert result.initial_analysis is not None
    assert result.initial_analysis.error_type == "no_trades"
    assert result.stopped_reason == "llm_unavailable"  # no rule applies and no LLM


def test_progress_through_different_errors_until_max_attempts() -> None:
    code = strategy(next_="x = self.data.close[-1]\ny = self.data.Close[-40]")
    errors = [
        failure("AttributeError", "Column 'close' not in data", 17),
        failure("IndexError", "index -40 is out of bounds for axis 0 with size 2", 18),
        failure("IndexError", "index -41 is out of bounds for axis 0 with size 40", 19),
        failure("IndexError", "index -42 is out of bounds for axis 0 with size 41", 19),
    ]
    result = fix(code, Script(*errors), max_attempts=2)
    assert result.stopped_reason == "max_attempts"
    assert len(result.attempts) == 2
    assert result.attempts[1].code_before == result.attempts[0].code_after  # builds on progress
    assert result.final_code == code


def test_not_fixable_errors_stop_immediately() -> None:
    execute = Script(failure("data_error", "unknown symbol 'XYZ'"))
    result = fix(WORKING, execute)
    assert (result.stopped_reason, result.attempts) == ("not_fixable", [])
    assert "data_error" in result.detail


def test_security_violation_only_gets_the_script_sanitiser() -> None:
    code = "import yfinance as yf\n" + WORKING + "\nbt = Backtest(yf.download('X'), SmaCross)\n"
    violation = failure("security_violation", "network access is not allowed")
    execute = Script(violation, success(5))
    result = fix(code, execute)
    assert result.success
    (attempt,) = result.attempts
    assert attempt.rules == ["remove_script_code"]
    assert "yfinance" not in result.final_code
    strict = BotErrorFixer(sanitize_security_violations=False)
    blocked = strict.fix_errors_iteratively(code, execute=Script(violation))
    assert blocked.stopped_reason == "not_fixable"


def test_security_violation_inside_the_strategy_is_not_fixable() -> None:
    code = WORKING.replace("self.buy()", "self.buy(); open('/etc/passwd')")
    result = fix(code, Script(failure("security_violation", "file access is not allowed")))
    assert result.stopped_reason == "not_fixable"
    assert result.final_code == code


def test_events_report_start_and_finish_of_each_attempt() -> None:
    events: list[tuple[str, dict[str, Any]]] = []
    fix(BROKEN, Script(NAME_ERROR, success(2)), on_event=lambda n, d: events.append((n, d)))
    assert [name for name, _ in events] == ["fix_attempt_started", "fix_attempt_finished"]
    started, finished = events[0][1], events[1][1]
    assert started["attempt"] == 1
    assert started["error_type"] == "name_error"
    assert started["provider"] == "rules"
    assert finished["success"] is True
    assert finished["rules"] == ["add_missing_imports"]


def test_a_failing_event_callback_does_not_break_the_fix() -> None:
    def explode(name: str, data: dict[str, Any]) -> None:
        raise RuntimeError("websocket closed")

    assert fix(BROKEN, Script(NAME_ERROR, success(2)), on_event=explode).success


def test_an_executor_that_raises_becomes_a_sandbox_error() -> None:
    def broken_executor(code: str) -> StandInResult:
        raise OSError("socket gone")

    result = fix(BROKEN, broken_executor)
    assert result.stopped_reason == "not_fixable"
    assert result.initial_analysis is not None
    assert result.initial_analysis.error_type == "sandbox_error"


def test_oversized_code_is_not_fixed() -> None:
    big = WORKING + "#" * 200
    result = BotErrorFixer(max_code_bytes=100).fix_errors_iteratively(
        big, execute=Script(NAME_ERROR)
    )
    assert result.stopped_reason == "not_fixable"
    assert "bytes" in result.detail


def test_to_dict_is_json_ready() -> None:
    import json

    result = fix(BROKEN, Script(NAME_ERROR, success(2)))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["stopped_reason"] == "fixed"
    assert data["attempts"][0]["execution"]["num_trades"] == 2


@pytest.mark.parametrize(
    ("code", "require_trades"),
    [
        (BROKEN, False),
        ("```python\n" + WORKING.replace("self.data.Close", "self.data.close") + "```", False),
        (strategy(next_=f"if self.position == 0 and {UP}: self.buy()\n{EXIT}"), True),
        (
            strategy(
                next_="x = self.data.Close[-1] / self.data.Close[-60]\n"
                f"if x > 1: self.buy()\n{EXIT}"
            ),
            True,
        ),
        (WORKING.replace("        self.sma2 =", "      self.sma2 ="), False),
    ],
    ids=["missing_import", "fenced_lowercase", "position_equals_zero", "warmup", "indent"],
)
def test_real_broken_strategies_are_fixed_end_to_end(code: str, require_trades: bool) -> None:
    result = fix(code, run_strategy, require_trades=require_trades)
    assert result.success, (result.stopped_reason, result.detail)
    final = run_strategy(result.final_code)
    assert final.success
    if require_trades:
        assert final.num_trades


SIZE_1_5 = WORKING.replace("self.buy()", "self.buy(size=1.5)")


def test_an_invalid_size_is_not_fixed_by_default_and_says_what_it_would_change() -> None:
    result = fix(SIZE_1_5, run_strategy)
    assert not result.success
    assert result.stopped_reason == "semantic_change_not_allowed"
    assert result.final_code == SIZE_1_5
    assert any("size 1.5 is not valid" in change for change in result.proposed_changes)
    assert "allow_semantic_changes" in result.detail


def test_a_refused_change_of_meaning_is_kept_as_an_attempt_never_run() -> None:
    runs: list[str] = []

    def execute(code: str):
        runs.append(code)
        return run_strategy(code)

    result = fix(SIZE_1_5, execute, max_attempts=3)
    (attempt,) = result.attempts  # proposed once, not retried
    assert attempt.success is False
    assert attempt.semantic_change is True
    assert attempt.rules == ["order_size"]
    assert any("size=0.99" in change for change in attempt.changes)
    assert "+            self.buy(size=0.99)" in attempt.diff
    assert attempt.result_error_type == "semantic_change"
    assert runs == [SIZE_1_5]  # only the original ran: the refused candidate never did
    assert result.final_code == SIZE_1_5


def test_an_invalid_size_becomes_the_nearest_valid_fraction_when_allowed() -> None:
    result = fix(SIZE_1_5, run_strategy, allow_semantic_changes=True, require_trades=True)
    assert result.success, result.detail
    assert "self.buy(size=0.99)" in result.final_code
    assert "size=1)" not in result.final_code  # never one unit
    assert result.semantic_change
    (attempt,) = result.attempts
    assert attempt.semantic_change
    assert attempt.rules == ["order_size"]
    assert attempt.changes[0].startswith("size 1.5 is not valid")
    assert "sizing in next(): `buy(size=1.5)` became `buy(size=0.99)`" in result.changes
    assert result.to_dict()["semantic_change"] is True


def test_a_meaning_preserving_fix_reports_no_semantic_change() -> None:
    result = fix(BROKEN, run_strategy)
    assert result.success
    assert not result.semantic_change
    assert result.changes == []
    assert [a.semantic_change for a in result.attempts] == [False]
