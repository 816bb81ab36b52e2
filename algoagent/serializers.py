"""Input serializers that are strict at the door.

A misspelled field must never be ignored: ``{"comission": 0.01}`` silently running with commission
0 is a wrong backtest that looks right. Every serializer that reads a request body derives from
:class:`StrictSerializer`, which refuses (400, naming each field) any key it does not declare as
writable, and any read-only field sent in a write. ``tests/test_strict_inputs.py`` sends an
unknown field to every write endpoint in the OpenAPI schema, so a new endpoint cannot forget.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.settings import api_settings

UNKNOWN_FIELD = "Unknown field{did_you_mean}; accepted fields: {accepted}."
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
READ_ONLY_FIELD = "This field is read-only and cannot be set."
NO_BODY = "This endpoint takes no request body fields."
# The error handler recognises these messages and lists their fields in
# ``error.details.unknown_fields``, so a client sees the typo without reading every message.
REFUSED_FIELD_PREFIXES = ("Unknown field", READ_ONLY_FIELD, NO_BODY)


def unknown_field(name: str, accepted: Iterable[str]) -> str:
    """The error for an unknown field ``name``: the accepted names, and the closest one when the
    name looks like a typo of it ("descripton" -> "did you mean 'description'?")."""
    names = sorted(accepted)
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return UNKNOWN_FIELD.format(did_you_mean=hint, accepted=", ".join(names) or "none")


def suggested_name(messages: Any) -> str | None:
    """The name an :func:`unknown_field` message suggests, if any."""
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, str) and (match := _DID_YOU_MEAN.search(message)):
            return match[1]
    return None


def unexpected_fields(data: Any, accepted: Mapping[str, bool]) -> dict[str, list[str]]:
    """Per-field errors for the keys of ``data`` not in ``accepted`` (name -> writable)."""
    if not isinstance(data, Mapping):
        return {}
    writable = [name for name, ok in accepted.items() if ok]
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in accepted:
            errors[str(key)] = [unknown_field(str(key), writable)]
        elif not accepted[key]:
            errors[str(key)] = [READ_ONLY_FIELD]
    return errors


NUMBER_FIELDS = (serializers.IntegerField, serializers.FloatField, serializers.DecimalField)
NOT_A_NUMBER = "Must be a number, not {value}."
NOT_A_NUMBER_STRING = "Must be a JSON number, not the string {value}."
NOT_A_BOOLEAN = "Must be true or false (a JSON boolean), not {value}."


def wrong_json_types(data: Any, fields: Mapping[str, serializers.Field]) -> dict[str, list[str]]:
    """Per-field errors for JSON values of the wrong kind that DRF would coerce: ``true`` read
    as the number 1 (``"margin": true``), a string read as a number (``"cash": "1000"``, and
    ``"cash": "1e3"`` or ``" 1000 "`` too), ``"yes"`` or ``1`` read as a yes/no.

    Only for a JSON body (a plain dict): form fields arrive as strings and are converted as usual.
    """
    if type(data) is not dict:
        return {}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is None or value is None:
            continue
        if isinstance(field, NUMBER_FIELDS) and isinstance(value, bool):
            errors[name] = [NOT_A_NUMBER.format(value=str(value).lower())]
        elif isinstance(field, NUMBER_FIELDS) and isinstance(value, str):
            errors[name] = [NOT_A_NUMBER_STRING.format(value=repr(value[:40]))]
        elif isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
            errors[name] = [NOT_A_BOOLEAN.format(value=repr(value))]
    return errors


class StrictSerializer(serializers.Serializer):
    """A ``Serializer`` that refuses unknown and read-only fields instead of dropping them,
    and JSON values of the wrong kind instead of coercing them."""

    def to_internal_value(self, data: Any) -> Any:
        accepted = {name: not field.read_only for name, field in self.fields.items()}
        errors = unexpected_fields(data, accepted) or wrong_json_types(data, self.fields)
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictQuerySerializer(serializers.Serializer):
    """The query parameters of one action: a parameter it would not read is refused (400
    naming it), never ignored. Values are text, as in every query string."""

    def to_internal_value(self, data: Any) -> Any:
        accepted = dict.fromkeys(self.fields, True)
        accepted[api_settings.URL_FORMAT_OVERRIDE or "format"] = True
        errors = unexpected_fields(data, accepted)
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def reject_body(request: Any) -> None:
    """For actions that take no body: any field sent is an error, never silently ignored."""
    data = request.data
    if isinstance(data, Mapping) and data:
        errors = {str(key): [NO_BODY] for key in data}
        raise serializers.ValidationError(errors)
