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

from Backtest.errors import SpecError
from Backtest.llm.base import LLMRequest
from Backtest.spec import (
    SpecValidationError,
    StrategySpec,
    compile_spec,
    example_spec_data,
    spec_json_schema,
    upgrade,
    validate_spec,
)

__all__ = [
    "SPEC_SYSTEM_PROMPT",
    "build_spec_request",
    "read_json_object",
    "read_spec",
    "reply_schema",
    "wrap_spec_schema",
]

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


def wrap_spec_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An object schema with ``properties`` plus ``spec`` (whatever ``Backtest.spec`` exports),
    the spec's ``$defs`` hoisted to the top so its ``#/$defs/...`` references resolve."""
    spec = dict(spec_json_schema())
    defs = spec.pop("$defs", {})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {**properties, "spec": spec},
        "required": required,
    }
    if defs:
        schema["$defs"] = defs
    return schema


def reply_schema() -> dict[str, Any]:
    """JSON Schema of the generation reply: ``{fits_spec, spec, reason}``."""
    return wrap_spec_schema(
        {
            "fits_spec": {
                "type": "boolean",
                "description": "false when some part of the idea cannot be written as a spec",
            },
            "reason": {
                "type": "string",
                "description": "when fits_spec is false: which part does not fit, and why",
            },
        },
        ["fits_spec"],
    )


def read_json_object(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The reply as a JSON object, or None and what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [f"the answer is not valid JSON ({exc.msg} at line {exc.lineno})"]
    if not isinstance(data, dict):
        return None, ["the answer must be a JSON object"]
    return data, []


def read_spec(data: Any) -> tuple[StrategySpec | None, list[str]]:
    """A spec that validates AND compiles, or None and every problem (``spec.<field>: ...``)."""
    if not isinstance(data, dict):
        return None, ["there is no spec object"]
    try:
        spec = upgrade(validate_spec(data))  # a 1.0-shaped answer is read as its 2.0 form
        compile_spec(spec)
    except SpecValidationError as exc:
        return None, [
            f"spec.{e['field']}: {e['message']}" if e["field"] else e["message"] for e in exc.errors
        ]
    except SpecError as exc:
        return None, [f"the spec cannot be compiled: {exc.message}"]
    return spec, []


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
