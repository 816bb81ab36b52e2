"""Field-level errors for invalid strategy specs, shaped for API responses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from pydantic import ValidationError

# Discriminator tags pydantic inserts into error locations for the rule-node and operand unions
# (both spec versions), and the fields whose values are such unions.
_UNION_TAGS = frozenset(
    {"condition", "compare", "group", "negate", "trend", "held", "weekdays", "months", "time"}
    | {"num", "name", "series_ref", "arith", "change"}
)
_UNION_FIELDS = frozenset(
    {"entry", "exit", "short_entry", "short_exit", "left", "right", "price", "negate"}
    | {"condition"}
)


class FieldError(TypedDict):
    """One problem: a dotted path into the submitted JSON and a human-readable message."""

    field: str
    message: str


class SpecValidationError(ValueError):
    """A spec failed validation; ``errors`` lists every problem found, each with its field."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        summary = "; ".join(f"{e['field'] or '<spec>'}: {e['message']}" for e in self.errors)
        super().__init__(f"Invalid strategy spec: {summary}")


def dotted_path(loc: Sequence[str | int]) -> str:
    """Turn a pydantic location tuple into ``rules.entry.conditions.0.right``."""
    parts: list[str] = []
    for index, part in enumerate(loc):
        previous = loc[index - 1] if index else None
        is_tag = part in _UNION_TAGS and index < len(loc) - 1
        if is_tag and (isinstance(previous, int) or previous in _UNION_FIELDS):
            continue  # a discriminator tag pydantic inserted, not something the client wrote
        parts.append(str(part))
    return ".".join(parts)


def from_pydantic(exc: ValidationError) -> SpecValidationError:
    """Convert a pydantic ValidationError, dropping duplicate (field, message) pairs."""
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        item = (dotted_path(error["loc"]), message)
        if item not in seen:
            seen.add(item)
            errors.append(FieldError(field=item[0], message=item[1]))
    return SpecValidationError(errors)
