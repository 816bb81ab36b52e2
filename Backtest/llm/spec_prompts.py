"""Structured output: the prompt that asks an LLM for a strategy *spec*, not for code.

The model answers JSON that must follow :func:`reply_schema`: ``{"fits_spec": true, "spec":
{...}}`` with a spec in :mod:`Backtest.spec`'s JSON Schema, or ``{"fits_spec": false, "reason":
"..."}`` when some part of the idea cannot be expressed by the spec's fields. The spec is then
validated and compiled by the same code as the offline parser's, so what runs is exactly what
the spec (and its plain-English rendering) says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from Backtest.llm.base import LLMRequest
from Backtest.spec import example_spec_data, spec_json_schema

__all__ = ["SPEC_SYSTEM_PROMPT", "build_spec_request", "reply_schema"]

MAX_DESCRIPTION_CHARS = 5000

SPEC_SYSTEM_PROMPT = """\
You translate a trader's strategy idea into a strategy spec: a JSON object checked against a
JSON Schema and compiled into a backtesting.py strategy by the platform.

Answer with one JSON object and nothing else:
- {"fits_spec": true, "spec": {...}} when EVERY part of the idea (indicators and their
  periods, entry and exit rules, filters, stops, targets, sizing, long/short) can be written
  with the schema's fields.
- {"fits_spec": false, "reason": "..."} otherwise, naming the part that does not fit. Never
  drop, simplify or approximate a part of the idea to make it fit: a backtest of a different
  strategy is worse than no backtest.

Use the numbers the trader gave; when a period is not given, use the indicator's standard
default. Percentages are in percent (2 means 2 %).
"""


def reply_schema() -> dict[str, Any]:
    """JSON Schema of the reply: the spec's schema (whatever ``Backtest.spec`` exports) wrapped
    in ``{fits_spec, spec, reason}``, its ``$defs`` hoisted so ``#/$defs/...`` refs resolve."""
    spec = dict(spec_json_schema())
    defs = spec.pop("$defs", {})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "fits_spec": {
                "type": "boolean",
                "description": "false when some part of the idea cannot be written as a spec",
            },
            "reason": {
                "type": "string",
                "description": "when fits_spec is false: which part does not fit, and why",
            },
            "spec": spec,
        },
        "required": ["fits_spec"],
    }
    if defs:
        schema["$defs"] = defs
    return schema


def build_spec_request(
    description: str,
    *,
    name: str | None = None,
    problems: Sequence[str] = (),
    previous_reply: str | None = None,
    temperature: float = 0.2,
    max_output_tokens: int | None = None,
    timeout_s: float | None = None,
    example: Mapping[str, Any] | None = None,
) -> LLMRequest:
    """The structured request; ``problems`` (and the rejected reply) make it a retry."""
    text = description.strip()
    if not text:
        raise ValueError("the strategy description is empty")
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise ValueError(f"the description is longer than {MAX_DESCRIPTION_CHARS} characters")
    shown = example if example is not None else example_spec_data("sma_cross")
    parts = [
        "Write the spec for the strategy described between the markers.",
        f"<description>\n{text}\n</description>",
    ]
    if name:
        parts.append(f"Use {name!r} as the spec's name.")
    parts.append(
        "An example of a valid answer (for a different idea):\n"
        + json.dumps({"fits_spec": True, "spec": shown}, indent=1)
    )
    if problems:
        parts.append(
            "Your previous answer was rejected:\n"
            + "\n".join(f"- {p}" for p in problems)
            + (f"\nIt was:\n{previous_reply[:4000]}" if previous_reply else "")
            + "\nAnswer again with a corrected JSON object."
        )
    return LLMRequest(
        system_prompt=SPEC_SYSTEM_PROMPT,
        user_prompt="\n\n".join(parts),
        temperature=temperature,
        max_output_tokens=max_output_tokens,
        timeout_s=timeout_s,
        response_mime_type="application/json",
        response_json_schema=reply_schema(),
    )
