"""The LLM speaks the spec: structured output, validation, one retry, then code as a fallback."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from Backtest.errors import GenerationError
from Backtest.llm.gemini import GeminiProvider
from Backtest.llm.spec_prompts import reply_schema
from Backtest.spec import example_spec_data, spec_json_schema
from Backtest.strategy_generator import SpecReplyError, StrategyGenerator
from tests.backtest.generator.backtest_helper import run_on_goog
from tests.backtest.generator.test_llm_generator import VALID
from tests.backtest.llm.fake_gemini import FakeGeminiServer, ok

MakeProvider = Callable[..., GeminiProvider]
DESCRIPTION = "Buy when RSI(14) drops below 30 and sell when it rises above 50."
RSI_SPEC = example_spec_data("rsi_reversion")


def spec_reply(spec: Any = RSI_SPEC, **extra: Any) -> Any:
    return ok(json.dumps({"fits_spec": True, "spec": spec, **extra}))


def generate(make_provider: MakeProvider, **kwargs: Any) -> Any:
    return StrategyGenerator(make_provider(), **kwargs).generate(DESCRIPTION)


def body(fake: FakeGeminiServer, index: int) -> Any:
    return fake.requests[index].body


def test_a_valid_spec_is_compiled_and_read_back_in_plain_english(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(spec_reply())
    result = generate(make_provider)
    assert result.path == "spec"
    assert result.spec["rules"]["entry"] == RSI_SPEC["rules"]["entry"]
    assert result.understood_as
    assert "RSI" in result.understood_as
    assert "30" in result.understood_as
    assert not result.needs_fixing
    assert result.findings == []
    assert result.warnings == []
    assert run_on_goog(result.code)["# Trades"] > 0
    config = body(fake_gemini, 0)["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == reply_schema()
    assert len(fake_gemini.requests) == 1


def test_the_reply_schema_wraps_whatever_the_spec_package_exports() -> None:
    schema = reply_schema()
    spec = dict(spec_json_schema())
    defs = spec.pop("$defs", None)
    assert schema["properties"]["spec"] == spec
    assert schema.get("$defs") == defs
    assert schema["required"] == ["fits_spec"]


def test_malformed_json_is_retried_once_with_the_problem(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok('{"fits_spec": true, "spec": {'), spec_reply())
    result = generate(make_provider)
    assert result.path == "spec"
    retry = body(fake_gemini, 1)["contents"][0]["parts"][0]["text"]
    assert "not valid JSON" in retry
    assert '{"fits_spec": true, "spec": {' in retry


def test_schema_violations_are_sent_back_then_a_clear_generation_error(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    bad = {**RSI_SPEC, "rules": {"entry": {"left": "rsi", "op": "explodes", "right": 30}}}
    fake_gemini.script(spec_reply(bad), spec_reply(bad))
    with pytest.raises(SpecReplyError) as info:
        generate(make_provider)
    error = info.value
    assert isinstance(error, GenerationError)
    assert error.code == "llm_spec_invalid"
    assert any("spec.rules.entry" in problem for problem in error.details["problems"])
    retry = body(fake_gemini, 1)["contents"][0]["parts"][0]["text"]
    assert "Your previous answer was rejected" in retry
    assert "spec.rules.entry" in retry
    assert len(fake_gemini.requests) == 2  # one retry, never more


def test_an_unknown_indicator_reference_is_a_violation_too(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    bad = {**RSI_SPEC, "rules": {"entry": {"left": "nope", "op": "less_than", "right": 30}}}
    fake_gemini.script(spec_reply(bad), spec_reply())
    result = generate(make_provider)
    assert result.path == "spec"
    assert "nope" in body(fake_gemini, 1)["contents"][0]["parts"][0]["text"]


def test_an_idea_that_does_not_fit_the_spec_falls_back_to_code_and_says_so(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(
        ok(json.dumps({"fits_spec": False, "reason": "it trades on news sentiment"})),
        ok(f"```python\n{VALID}```"),
    )
    result = generate(make_provider)
    assert result.path == "code"
    assert result.understood_as is None
    assert result.spec is None
    assert result.code == VALID
    assert "it trades on news sentiment" in result.warnings[0]
    assert "written freely" in result.warnings[0] or "wrote the code freely" in result.warnings[0]
    code_request = body(fake_gemini, 1)
    assert "responseJsonSchema" not in code_request.get("generationConfig", {})


def test_does_not_fit_without_a_reason_is_a_violation(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(ok(json.dumps({"fits_spec": False})), ok(json.dumps({"fits_spec": 1})))
    with pytest.raises(SpecReplyError) as info:
        generate(make_provider)
    assert info.value.details["problems"] == ["fits_spec must be true or false"]


def test_the_requested_name_names_the_class(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(spec_reply())
    result = StrategyGenerator(make_provider()).generate(DESCRIPTION, name="Dip Buyer")
    assert result.spec["name"] == "Dip Buyer"
    assert "class DipBuyer" in result.code
