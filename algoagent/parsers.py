"""The API's JSON parser: refuses what Python's json module would turn into a 500 or a surprise.

- nesting deeper than ``MAX_JSON_DEPTH`` (the C decoder recurses: 100,000 ``[`` is a
  RecursionError, i.e. a 500, on any endpoint);
- integers beyond 64 bits (``10**400`` cannot be a cash amount, a count or an id, and turns into
  OverflowError further down), floats that overflow to infinity (``1e999``) and the non-JSON
  constants ``NaN``/``Infinity``.
Each is a 400 ``parse_error`` in the one error shape, before any view sees the body.
"""

from __future__ import annotations

import codecs
import json
import math
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64
MAX_JSON_INT = 2**63 - 1


def _parse_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_JSON_INT:
        raise ValueError(f"integer {text[:20]}... is out of range (at most 64-bit)")
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _depth(value: Any) -> int:
    """Nesting depth without recursion (the value may be arbitrarily deep)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in node)
    return deepest


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` with the limits above; raises ValueError with a client-facing message."""
    try:
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


class StrictJSONParser(JSONParser):
    """DRF's JSON parser with ``loads_strict``'s limits (``DEFAULT_PARSER_CLASSES``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads_strict(codecs.getreader(encoding)(stream).read())
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            raise ParseError(f"JSON parse error - {exc}") from None
