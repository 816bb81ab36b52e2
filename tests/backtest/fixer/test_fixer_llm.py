"""The LLM path, against the fake Gemini server with the real google-genai client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from Backtest.bot_error_fixer import BotErrorFixer, extract_code
from Backtest.llm.gemini import GeminiProvider
from tests.backtest.fixer.snippets import WORKING, strategy
from tests.backtest.fixer.stand_in import run_strategy
from tests.backtest.llm.fake_gemini import FakeGeminiServer, ok, rate_limited

MakeProvider = Callable[..., GeminiProvider]

# Rules cannot repair this one: a long order whose stop-loss is above the price, computed in
# variables (the stop rule only moves levels written in the order itself). Any fix changes the
# strategy's stop and target: a semantic change.
BAD_BRACKET = strategy(
    init="self.fast = self.I(SMA, self.data.Close, 20)\n"
    "self.slow = self.I(SMA, self.data.Close, 50)",
    next_="price = self.data.Close[-1]\n"
    "stop, target = price * 1.04, price * 0.92\n"
    "if crossover(self.fast, self.slow) and not self.position:\n"
    "    self.buy(sl=stop, tp=target)",
)
GOOD_BRACKET = BAD_BRACKET.replace("price * 1.04, price * 0.92", "price * 0.96, price * 1.08")


def prompt_of(fake: FakeGeminiServer, index: int = 0) -> str:
    body: Any = fake.requests[index].body
    return "\n".join(part["text"] for part in body["contents"][0]["parts"])


def test_llm_fix_is_extracted_validated_and_verified(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok(f"Here is the corrected strategy:\n```python\n{GOOD_BRACKET}```\nDone."))
    fixer = BotErrorFixer(make_provider())
    result = fixer.fix_errors_iteratively(
        BAD_BRACKET, execute=run_strategy, require_trades=True, allow_semantic_changes=True
    )
    assert result.success, result.detail
    assert result.final_code == GOOD_BRACKET
    assert result.semantic_change
    assert any("price * 0.96" in change for change in result.changes)
    (attempt,) = result.attempts
    assert attempt.semantic_change
    assert attempt.provider == "gemini"
    assert attempt.key_alias in {"key_01", "key_02", "key_03"}
    assert attempt.model == "gemini-2.5-flash"
    assert attempt.rules == []
    assert "-        stop, target = price * 1.04, price * 0.92" in attempt.diff
    prompt = prompt_of(fake_gemini)
    assert "value_error" in prompt
    assert "Long orders require" in prompt
    assert 'File "strategy.py", line' in prompt
    assert "self.buy(sl=stop, tp=target)" in prompt
    assert "For a long order sl < price < tp" in prompt  # the type-specific hint
    assert BAD_BRACKET.strip() in prompt


def test_unchanged_code_from_the_llm_stops_after_the_same_error_twice(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok(f"```python\n{BAD_BRACKET}```"), ok(f"```python\n{BAD_BRACKET}```"))
    runs: list[str] = []

    def execute(code: str) -> Any:
        runs.append(code)
        return run_strategy(code)

    result = BotErrorFixer(make_provider()).fix_errors_iteratively(BAD_BRACKET, execute=execute)
    assert result.stopped_reason == "same_error_twice"
    assert len(result.attempts) == 1
    assert "unchanged" in result.attempts[0].fix_applied
    assert runs == [BAD_BRACKET]  # identical code is not run again
    assert result.final_code == BAD_BRACKET


def test_garbage_replies_are_never_executed_and_end_the_loop(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(
        ok("I'm sorry, I can't help with trading strategies."),
        ok("I'm sorry, I can't help with trading strategies."),
    )
    runs: list[str] = []

    def execute(code: str) -> Any:
        runs.append(code)
        return run_strategy(code)

    result = BotErrorFixer(make_provider()).fix_errors_iteratively(BAD_BRACKET, execute=execute)
    assert result.stopped_reason == "same_error_twice"
    assert [a.result_error_message for a in result.attempts] == [
        "the LLM reply contained no code"
    ] * 2
    assert runs == [BAD_BRACKET]
    assert result.final_code == BAD_BRACKET


def test_invalid_llm_code_is_rejected_by_validation_before_running(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    evil = GOOD_BRACKET.replace("price = self.data.Close[-1]", "price = eval('1')")
    fake_gemini.script(ok(f"```python\n{evil}```"), ok(f"```python\n{GOOD_BRACKET}```"))
    runs: list[str] = []

    def execute(code: str) -> Any:
        runs.append(code)
        return run_strategy(code)

    result = BotErrorFixer(make_provider()).fix_errors_iteratively(
        BAD_BRACKET, execute=execute, allow_semantic_changes=True
    )
    assert result.success
    first, second = result.attempts
    assert first.result_error_type == "validation_error"
    assert first.execution is None
    assert evil not in runs
    assert second.code_before == BAD_BRACKET  # the invalid candidate was not built upon
    assert "eval" in prompt_of(fake_gemini, 1)  # the second prompt says what went wrong


def test_rate_limits_on_every_key_end_the_loop_cleanly(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(rate_limited("30s"), rate_limited("30s"), rate_limited("30s"))
    result = BotErrorFixer(make_provider()).fix_errors_iteratively(
        BAD_BRACKET, execute=run_strategy
    )
    assert not result.success
    assert result.stopped_reason == "llm_unavailable"
    assert "llm_rate_limited" in result.detail
    (attempt,) = result.attempts
    assert attempt.llm_error is not None
    assert attempt.llm_error["code"] == "llm_rate_limited"
    assert attempt.code_after == BAD_BRACKET
    assert result.final_code == BAD_BRACKET
    assert result.final_execution is not None  # the original failure is still reported


def test_rules_go_first_and_the_llm_gets_what_they_cannot_fix(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    broken = BAD_BRACKET.replace("self.data.Close, 50", "self.data.close, 50")
    fake_gemini.script(ok(f"```python\n{GOOD_BRACKET}```"))
    result = BotErrorFixer(make_provider()).fix_errors_iteratively(
        broken, execute=run_strategy, allow_semantic_changes=True
    )
    assert result.success
    assert [a.provider for a in result.attempts] == ["rules", "gemini"]
    assert [a.semantic_change for a in result.attempts] == [False, True]
    assert result.attempts[1].code_before == result.attempts[0].code_after
    assert len(fake_gemini.requests) == 1


def test_the_llm_tries_when_a_rule_fix_changed_nothing_about_the_error(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    # The rule adds a warm-up guard, but (in this scripted world) only the LLM's version works.
    code = strategy(next_="x = self.data.Close[-30]")
    fixed = code.replace("x = self.data.Close[-30]", "x = self.data.Close[-30]  # llm")

    def execute(source: str) -> Any:
        from tests.backtest.fixer.stand_in import failure, success

        if "# llm" in source:
            return success(3)
        return failure("IndexError", "index -30 is out of bounds for axis 0 with size 2", 17)

    fake_gemini.script(ok(f"```python\n{fixed}```"))
    result = BotErrorFixer(make_provider()).fix_errors_iteratively(code, execute=execute)
    assert result.success
    assert [a.provider for a in result.attempts] == ["rules", "gemini"]
    assert result.attempts[1].code_before == code  # the useless rule edit was not kept


def test_an_llm_fix_that_changes_the_meaning_is_refused_unless_allowed(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok(f"```python\n{GOOD_BRACKET}```"), ok(f"```python\n{GOOD_BRACKET}```"))
    runs: list[str] = []

    def execute(code: str) -> Any:
        runs.append(code)
        return run_strategy(code)

    result = BotErrorFixer(make_provider()).fix_errors_iteratively(
        BAD_BRACKET, execute=execute, max_attempts=2
    )
    assert not result.success
    assert result.stopped_reason == "semantic_change_not_allowed"
    assert result.final_code == BAD_BRACKET
    assert runs == [BAD_BRACKET]  # the meaning-changing candidate was never run
    first = result.attempts[0]
    assert first.semantic_change
    assert first.result_error_type == "semantic_change"
    assert "allow_semantic_changes" in result.detail
    assert any("price * 0.96" in change for change in result.proposed_changes)
    assert "changes what the strategy does" in prompt_of(fake_gemini, 1)


def test_security_violation_is_never_sent_to_the_llm(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    from tests.backtest.fixer.stand_in import failure

    code = WORKING.replace("self.buy()", "self.buy(); open('/etc/passwd')")
    result = BotErrorFixer(make_provider()).fix_errors_iteratively(
        code, execute=lambda _: failure("security_violation", "file access is not allowed")
    )
    assert result.stopped_reason == "not_fixable"
    assert fake_gemini.requests == []


def test_extract_code_handles_fenced_bare_and_prose_replies() -> None:
    assert extract_code(f"```python\n{WORKING}```") == WORKING
    assert extract_code(f"```\n{WORKING}```\n```bash\npip install x\n```") == WORKING
    assert extract_code(WORKING) == WORKING
    assert extract_code(f"Here you go:\n\n{WORKING}\nThis strategy buys on crosses.") == WORKING
    assert extract_code("No code for you.") is None
    assert extract_code("") is None
