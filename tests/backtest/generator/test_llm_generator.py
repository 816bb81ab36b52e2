"""The LLM path against the fake Gemini server: extraction, validation, fixer hand-off, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from Backtest.llm.errors import LLMEmptyResponseError
from Backtest.llm.gemini import GeminiProvider
from Backtest.llm.prompts import SYSTEM_PROMPT
from Backtest.strategy_generator import NoCodeInReplyError, StrategyGenerator
from tests.backtest.generator.backtest_helper import run_on_goog
from tests.backtest.llm.fake_gemini import FakeGeminiServer, ok

MakeProvider = Callable[..., GeminiProvider]

VALID = """\
from backtesting import Strategy
from backtesting.lib import crossover

from Backtest.indicators import SMA


class SmaCross(Strategy):
    fast = 10
    slow = 30

    def init(self):
        self.fast_ma = self.I(SMA, self.data.Close, self.fast)
        self.slow_ma = self.I(SMA, self.data.Close, self.slow)

    def next(self):
        if not self.position and crossover(self.fast_ma, self.slow_ma):
            self.buy()
        elif self.position and crossover(self.slow_ma, self.fast_ma):
            self.position.close()
"""
INVALID = VALID.replace(
    "from backtesting import Strategy", "import os\nfrom backtesting import Strategy"
)
DESCRIPTION = "Buy when the 10-day SMA crosses above the 30-day SMA, sell on the reverse."
# The spec-first request is answered "does not fit", so these tests exercise the code path.
NOT_FIT = ok(json.dumps({"fits_spec": False, "reason": "needs a custom indicator"}))


@dataclass
class FixOutcome:
    success: bool
    code: str
    attempts: list[str] = field(default_factory=list)


@dataclass
class FakeFixer:
    """Records calls; returns ``fixed`` (None = give up)."""

    fixed: str | None
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def fix_errors_iteratively(self, code: str, **kwargs: Any) -> FixOutcome:
        self.calls.append((code, kwargs))
        if self.fixed is None:
            return FixOutcome(False, code, ["attempt 1", "attempt 2"])
        return FixOutcome(True, self.fixed, ["attempt 1"])


def generate(make_provider: MakeProvider, **kwargs: Any) -> Any:
    """Generate DESCRIPTION through a real GeminiProvider talking to the fake server."""
    return StrategyGenerator(make_provider(), **kwargs).generate(DESCRIPTION)


def test_fenced_reply_gives_valid_code_with_provider_details(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(NOT_FIT, ok(f"```python\n{VALID}```", input_tokens=900, output_tokens=300))
    result = generate(make_provider)
    assert result.code == VALID
    assert (result.provider, result.model) == ("gemini", "gemini-2.5-flash")
    assert result.key_alias in {"key_01", "key_02", "key_03"}
    assert (result.input_tokens, result.output_tokens) == (900, 300)
    assert not result.needs_fixing
    assert result.spec is None
    assert (result.path, result.understood_as) == ("code", None)
    assert "does not fit the strategy spec (needs a custom indicator)" in result.warnings[0]
    assert result.strategy_class == "SmaCross"
    assert run_on_goog(result.code)["# Trades"] > 0


def test_bare_code_reply(fake_gemini: FakeGeminiServer, make_provider: MakeProvider) -> None:
    fake_gemini.script(NOT_FIT, ok(VALID))
    assert generate(make_provider).code == VALID


def test_prose_and_code_reply(fake_gemini: FakeGeminiServer, make_provider: MakeProvider) -> None:
    fake_gemini.script(NOT_FIT, ok(f"Here is your strategy.\n\n```\n{VALID}```\nGood luck!"))
    result = generate(make_provider)
    assert result.code == VALID
    assert not result.needs_fixing


def test_prompt_states_the_contract_and_embeds_the_description(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(NOT_FIT, ok(VALID))
    generate(make_provider)
    _spec_request, request = fake_gemini.requests
    system = request.body["systemInstruction"]["parts"][0]["text"]
    user = request.body["contents"][0]["parts"][0]["text"]
    assert system == SYSTEM_PROMPT
    for needle in ("Strategy", "def init", "def next", "Backtest.indicators", "```python"):
        assert needle in system
    assert DESCRIPTION in user
    assert "self.I(SMA, self.data.Close, 20)" in user  # featured example from the registry


def test_invalid_code_goes_to_the_fixer_and_its_fix_is_returned(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(NOT_FIT, ok(f"```python\n{INVALID}```"))
    fixer = FakeFixer(fixed=VALID)
    result = generate(make_provider, fixer=fixer)
    assert [code for code, _ in fixer.calls] == [INVALID]
    assert result.code == VALID
    assert result.fixed_by_fixer
    assert not result.needs_fixing
    assert result.fix_attempts == 1


def test_fixer_failure_keeps_the_code_flagged(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(NOT_FIT, ok(f"```python\n{INVALID}```"))
    result = generate(make_provider, fixer=FakeFixer(fixed=None))
    assert result.needs_fixing
    assert result.code == INVALID
    assert any(f["code"] == "forbidden_import" for f in result.findings)
    assert "the fixer could not repair the code" in result.warnings


def test_invalid_code_without_fixer_is_returned_as_needing_fixes(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(NOT_FIT, ok(f"```python\n{INVALID}```"))
    result = generate(make_provider)
    assert result.needs_fixing
    assert not result.fixed_by_fixer
    assert any(
        f["code"] == "forbidden_import" and f["severity"] == "error" for f in result.findings
    )


def test_fixer_gets_an_execute_callable_backed_by_the_executor(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    class FakeExecutor:
        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def execute_bot(self, **kwargs: Any) -> str:
            self.calls.append(kwargs)
            return "ran"

    fake_gemini.script(NOT_FIT, ok(f"```python\n{INVALID}```"))
    fixer, executor = FakeFixer(fixed=VALID), FakeExecutor()
    generate(make_provider, fixer=fixer, executor=executor)
    (_, kwargs) = fixer.calls[0]
    assert kwargs["max_attempts"] == 3
    assert kwargs["execute"]("code") == "ran"
    assert executor.calls == [{"code": "code", "test_symbol": "GOOG", "plot": False}]


def test_reply_without_code_is_a_typed_error(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(NOT_FIT, ok("I'm sorry, I can't write trading strategies."))
    with pytest.raises(NoCodeInReplyError) as info:
        generate(make_provider)
    assert info.value.code == "llm_no_code"
    assert isinstance(info.value, LLMEmptyResponseError)


def test_empty_reply_is_a_typed_error(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(*[ok("   ") for _ in range(6)])
    with pytest.raises(LLMEmptyResponseError) as info:
        generate(make_provider)
    assert info.value.code == "llm_empty_response"
