"""Chat edits against the fake Gemini server: the spec path, additive by default, code otherwise."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from Backtest.llm.chat_edit import ChatSpecReplyError, chat_edit, replaced_rules
from Backtest.llm.gemini import GeminiProvider
from Backtest.spec import compile_spec, example_spec_data, validate_spec
from tests.backtest.fixer.snippets import WORKING
from tests.backtest.llm.fake_gemini import FakeGeminiServer, ok

MakeProvider = Callable[..., GeminiProvider]
SPEC = example_spec_data("rsi_reversion")
CODE = compile_spec(validate_spec(SPEC))
TREND = {"left": "rsi", "op": ">", "right": 5}  # any valid extra condition


def with_filter(spec: dict[str, Any]) -> dict[str, Any]:
    edited = copy.deepcopy(spec)
    entry = edited["rules"]["entry"]
    old = (
        entry["conditions"]
        if entry.get("logic", "all") == "all" and "conditions" in entry
        else [entry]
    )
    edited["rules"]["entry"] = {"logic": "all", "conditions": [*old, TREND]}
    return edited


def answer(**data: Any) -> Any:
    return ok(json.dumps(data))


def test_an_additive_spec_edit_compiles_and_says_no_rule_was_replaced(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(answer(reply="Added the filter.", changed=True, spec=with_filter(SPEC)))
    edit = chat_edit(
        make_provider(), message="only buy when close is above rsi", code=CODE, spec=SPEC
    )
    assert (edit.path, edit.changed, edit.rule_replaced) == ("spec", True, False)
    assert edit.replaced == []
    assert "class" in (edit.code or "")
    assert edit.understood_as
    assert edit.refused is None
    config = fake_gemini.requests[0].body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert "spec" in config["responseJsonSchema"]["properties"]


def test_replacing_a_rule_without_asking_is_refused(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    replaced = copy.deepcopy(SPEC)
    replaced["rules"]["entry"] = TREND
    fake_gemini.script(answer(reply="Done.", changed=True, spec=replaced))
    edit = chat_edit(
        make_provider(), message="only buy when close is above rsi", code=CODE, spec=SPEC
    )
    assert not edit.changed
    assert edit.code is None
    assert edit.rule_replaced
    assert edit.replaced[0].startswith("entry: ")
    assert "nothing was changed" in edit.refused


def test_replacing_a_rule_on_explicit_request_is_done_and_reported(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    replaced = copy.deepcopy(SPEC)
    replaced["rules"]["entry"] = TREND
    fake_gemini.script(answer(reply="Replaced.", changed=True, spec=replaced))
    edit = chat_edit(
        make_provider(), message="replace the entry rule with close above rsi", code=CODE, spec=SPEC
    )
    assert edit.changed
    assert edit.rule_replaced
    assert edit.replaced


def test_a_question_changes_nothing(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    fake_gemini.script(answer(reply="It buys oversold dips.", changed=False))
    edit = chat_edit(make_provider(), message="what does it do?", code=CODE, spec=SPEC)
    assert (edit.changed, edit.code, edit.reply) == (False, None, "It buys oversold dips.")


def test_an_invalid_spec_is_sent_back_once_then_a_clear_error(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    bad = copy.deepcopy(SPEC)
    bad["rules"]["entry"] = {"left": "nope", "op": "<", "right": 30}
    fake_gemini.script(answer(reply="x", changed=True, spec=bad), ok("not json"))
    with pytest.raises(ChatSpecReplyError) as info:
        chat_edit(make_provider(), message="tweak it", code=CODE, spec=SPEC)
    assert info.value.code == "llm_spec_invalid"
    retry = fake_gemini.requests[1].body["contents"][0]["parts"][0]["text"]
    assert "Your previous answer was rejected" in retry


def test_without_a_spec_code_edits_list_their_changes_of_meaning(
    fake_gemini: FakeGeminiServer, make_provider: MakeProvider
) -> None:
    edited = WORKING.replace("n2 = 20", "n2 = 50")
    fake_gemini.script(ok(f"Slower second average.\n```python\n{edited}```"))
    edit = chat_edit(make_provider(), message="use 50 for the slow one", code=WORKING)
    assert (edit.path, edit.changed, edit.code) == ("code", True, edited)
    assert edit.changes == ["parameter: `n2 = 20` became `n2 = 50`"]
    assert not edit.rule_replaced
    assert edit.understood_as is None
    assert "edited the code freely" in edit.warnings[0]


def test_replaced_rules_accepts_an_all_group_that_keeps_the_old_conditions() -> None:
    assert replaced_rules(SPEC, with_filter(SPEC)) == []
    widened = copy.deepcopy(with_filter(SPEC))
    widened["rules"]["entry"]["logic"] = "any"
    assert [r.split(":")[0] for r in replaced_rules(SPEC, widened)] == ["entry"]
