"""The prompt for chatting about (and editing) one strategy with an LLM.

The system prompt restates the strategy contract of :mod:`Backtest.llm.prompts` (the same
rules :func:`Backtest.validation.validate_code` checks) and adds the chat protocol: answer in
prose, and when the user asks for a change reply with the complete new module in one fenced
```python block (never a partial snippet), because the platform saves a new version only from a
complete module that passes validation. The user prompt carries the context: the current code,
its spec (if it was compiled from one), the latest backtest's metrics or error, and the recent
conversation, each cut to a size that keeps the request small.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from Backtest.llm.base import LLMRequest
from Backtest.llm.prompts import SYSTEM_PROMPT as GENERATION_PROMPT

__all__ = [
    "CHAT_SYSTEM_PROMPT",
    "ChatTurn",
    "build_chat_request",
    "chat_user_prompt",
]

MAX_MESSAGE_CHARS = 5000
MAX_TURN_CHARS = 1500
MAX_HISTORY_TURNS = 10
MAX_ERROR_CHARS = 1500
_METRICS = ("return_pct", "num_trades", "win_rate", "sharpe_ratio", "max_drawdown")

# The generation prompt's contract, minus its "reply with code only" opening line.
_CONTRACT = GENERATION_PROMPT.split("\n\n", 1)[1]

CHAT_SYSTEM_PROMPT = (
    textwrap.dedent(
        """\
        You are a trading-strategy assistant inside AlgoAgent. The user is working on one
        backtesting.py strategy; its current code, spec, latest backtest and the recent
        conversation are given with each message.

        How to answer:
        - Questions (what does it do, why no trades, what do these results mean): answer in
          plain prose. Do not include code unless the user asks for a change.
        - Change requests: explain the change in one or two sentences, then give the COMPLETE
          new module in exactly one ```python fenced block. Change only what was asked and keep
          everything else (names, parameters, risk settings) as it is. The platform saves the
          block as a new version only if it passes the checks below; a partial snippet is
          rejected.
        - If a request cannot be done within the rules below, say so and suggest the closest
          thing that can.

        Code rules (every block you send must meet them):
        """
    )
    + _CONTRACT
)


@dataclass(frozen=True)
class ChatTurn:
    """One earlier message of the conversation."""

    role: str  # "user" or "assistant"
    content: str


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 15].rstrip() + " …[truncated]"


def _execution_text(execution: Mapping[str, Any] | None) -> str:
    if not execution:
        return "The strategy has not been backtested yet."
    head = (
        f"Latest backtest ({execution.get('timestamp', 'unknown time')}, symbol "
        f"{execution.get('test_symbol', '?')}, version {execution.get('version', '?')}): "
        f"status {execution.get('status', '?')}."
    )
    if execution.get("error_type") or execution.get("error_message"):
        error = _clip(
            f"{execution.get('error_type') or 'Error'}: {execution.get('error_message') or ''}",
            MAX_ERROR_CHARS,
        )
        return f"{head}\nIt failed with {error}"
    metrics = ", ".join(
        f"{name} {execution[name]:.4g}"
        for name in _METRICS
        if isinstance(execution.get(name), int | float)
    )
    return f"{head}\nMetrics: {metrics or 'none recorded'}."


def chat_user_prompt(
    *,
    message: str,
    code: str,
    spec: Mapping[str, Any] | None = None,
    execution: Mapping[str, Any] | None = None,
    history: Sequence[ChatTurn] = (),
) -> str:
    """The per-message prompt: context blocks, then the user's new message."""
    text = message.strip()
    if not text:
        raise ValueError("the chat message is empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValueError(f"the chat message is longer than {MAX_MESSAGE_CHARS} characters")
    parts = [
        "<current_code>",
        code.strip() or "# (no code yet)",
        "</current_code>",
    ]
    if spec:
        parts += [
            "The code was compiled from this strategy spec (percentages in percent):",
            "<spec>",
            json.dumps(spec, indent=1, sort_keys=True),
            "</spec>",
        ]
    parts += ["<latest_backtest>", _execution_text(execution), "</latest_backtest>"]
    recent = list(history)[-MAX_HISTORY_TURNS:]
    if recent:
        parts.append("<conversation>")
        parts += [f"{turn.role}: {_clip(turn.content, MAX_TURN_CHARS)}" for turn in recent]
        parts.append("</conversation>")
    parts += ["The user's new message:", "<message>", text, "</message>"]
    return "\n".join(parts)


def build_chat_request(
    *,
    message: str,
    code: str,
    spec: Mapping[str, Any] | None = None,
    execution: Mapping[str, Any] | None = None,
    history: Sequence[ChatTurn] = (),
    temperature: float = 0.3,
    max_output_tokens: int | None = None,
    timeout_s: float | None = None,
) -> LLMRequest:
    """The full request for :meth:`LLMProvider.complete`."""
    return LLMRequest(
        system_prompt=CHAT_SYSTEM_PROMPT,
        user_prompt=chat_user_prompt(
            message=message, code=code, spec=spec, execution=execution, history=history
        ),
        temperature=temperature,
        max_output_tokens=max_output_tokens,
        timeout_s=timeout_s,
    )
