"""Entry points for checking a spec: field-level validation and the JSON Schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from Backtest.spec.errors import FieldError, SpecValidationError, from_pydantic
from Backtest.spec.models import SKIP_SEMANTICS, StrategySpec
from Backtest.spec.semantics import semantic_errors


def validate_spec(data: Mapping[str, Any]) -> StrategySpec:
    """Parse and check spec JSON; raise SpecValidationError listing every problem by field.

    Structural problems (missing fields, bad op, negative percentages) are reported first; the
    registry and cross-reference checks run once the structure is sound.
    """
    if not isinstance(data, Mapping):
        raise SpecValidationError([FieldError(field="", message="a spec must be a JSON object")])
    try:
        spec = StrategySpec.model_validate(dict(data), context={SKIP_SEMANTICS: True})
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    errors = semantic_errors(spec)
    if errors:
        raise SpecValidationError(errors)
    return spec


def spec_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the spec, e.g. for API docs or LLM structured output."""
    return StrategySpec.model_json_schema()
