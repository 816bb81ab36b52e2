"""Entry points for checking a spec: field-level validation and the JSON Schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from Backtest.spec.common import SKIP_SEMANTICS
from Backtest.spec.errors import FieldError, SpecValidationError, from_pydantic
from Backtest.spec.models import SPEC_VERSION, StrategySpec
from Backtest.spec.semantics import semantic_errors
from Backtest.spec.upgrade import V1_FIELDS, upgrade
from Backtest.spec.v1 import V1_VERSION, StrategySpecV1

AnySpec = StrategySpec | StrategySpecV1
SUPPORTED_VERSIONS = (V1_VERSION, SPEC_VERSION)


# Keys only 2.0 has: a document without "version" that uses one is a 2.0 document; any other
# version-less document is read as 1.0, as it always was (the two mean the same without them).
_V2_KEYS = frozenset(
    {"stop_loss", "take_profit", "trailing_stop", "exit_after_bars", "entry_order"}
    | {"short_entry_order", "sizing"}
)


def _model_for(data: Mapping[str, Any]) -> type[BaseModel]:
    default = SPEC_VERSION if _V2_KEYS & set(data) else V1_VERSION
    version = data.get("version", default)
    if version == V1_VERSION:
        return StrategySpecV1
    if version == SPEC_VERSION:
        return StrategySpec
    raise SpecValidationError(
        [
            FieldError(
                field="version",
                message=f"unknown spec version {version!r}; supported: "
                + ", ".join(repr(v) for v in SUPPORTED_VERSIONS),
            )
        ]
    )


def validate_spec(data: Mapping[str, Any]) -> AnySpec:
    """Parse and check spec JSON (version 2.0, or 1.0 kept as 1.0); raise SpecValidationError
    listing every problem by field.

    Structural problems (missing fields, bad op, negative percentages) are reported first; the
    catalogue and cross-reference checks run once the structure is sound. A 1.0 spec is checked
    in its 2.0 form, with error paths given in 1.0 field names.
    """
    if not isinstance(data, Mapping):
        raise SpecValidationError([FieldError(field="", message="a spec must be a JSON object")])
    model = _model_for(data)
    try:
        spec = model.model_validate(dict(data), context={SKIP_SEMANTICS: True})
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    assert isinstance(spec, StrategySpec | StrategySpecV1)
    errors = semantic_errors(upgrade(spec))
    if isinstance(spec, StrategySpecV1):
        errors = [
            FieldError(field=V1_FIELDS.get(e["field"], e["field"]), message=e["message"])
            for e in errors
        ]
    if errors:
        raise SpecValidationError(errors)
    return spec


def validate_spec_v2(data: Mapping[str, Any]) -> StrategySpec:
    """Like :func:`validate_spec`, but always the 2.0 model (1.0 input is upgraded)."""
    return upgrade(validate_spec(data))


def spec_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of spec 2.0, self-contained (``$defs``), e.g. for API docs
    or as an LLM's structured-output schema."""
    return StrategySpec.model_json_schema()


json_schema = spec_json_schema
