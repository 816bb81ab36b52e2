"""The chat prompt: the strategy contract, the context blocks and their limits."""

from __future__ import annotations

import pytest

from Backtest.llm.chat_prompts import (
    CHAT_SYSTEM_PROMPT,
    MAX_HISTORY_TURNS,
    ChatTurn,
    build_chat_request,
)


def test_system_prompt_states_the_contract_and_the_chat_protocol():
    assert "exactly one ```python fenced block" in CHAT_SYSTEM_PROMPT
    assert "COMPLETE" in CHAT_SYSTEM_PROMPT
    assert "Define exactly one class that subclasses `backtesting.Strategy`" in CHAT_SYSTEM_PROMPT


def test_failed_backtest_and_long_history_are_included_and_clipped():
    history = [ChatTurn("user", f"turn {n} " + "x" * 3000) for n in range(15)]
    request = build_chat_request(
        message="why did it fail?",
        code="class A(Strategy): ...",
        execution={"status": "failed", "error_type": "NameError", "error_message": "no ta"},
        history=history,
    )
    prompt = request.user_prompt
    assert "It failed with NameError: no ta" in prompt
    assert prompt.count("user: turn") == MAX_HISTORY_TURNS
    assert "user: turn 14" in prompt
    assert "…[truncated]" in prompt
    assert "<spec>" not in prompt


def test_empty_message_is_refused():
    with pytest.raises(ValueError, match="empty"):
        build_chat_request(message="  ", code="")
