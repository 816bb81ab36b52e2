"""Template parameters: dotted paths into spec JSON, and applying checked values to them.

A path walks dicts by key and lists by index (``rules.entry.conditions.0.right``) or, for lists
of objects with an ``id`` (the indicators), by that id (``indicators.fast.params.timeperiod``).
Plain functions on JSON data; no Django.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict


class TemplateParameter(TypedDict):
    name: str
    path: str
    type: str  # "int" | "float"
    default: int | float
    min: int | float | None
    max: int | float | None
    description: str


class ParameterError(ValueError):
    """A value (or a path) that does not fit its parameter; the message names the parameter."""


def _step(node: Any, segment: str) -> tuple[Any, Any]:
    """The container and key that ``segment`` selects in ``node``; KeyError when none."""
    if isinstance(node, dict):
        if segment in node:
            return node, segment
    elif isinstance(node, list):
        if segment.isdigit() and int(segment) < len(node):
            return node, int(segment)
        for index, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == segment:
                return node, index
    raise KeyError(segment)


def locate(spec: Any, path: str) -> tuple[Any, Any]:
    """The container and key ``path`` addresses in ``spec``; ParameterError if it is missing."""
    node: Any = spec
    container: Any = None
    key: Any = None
    walked: list[str] = []
    for segment in path.split("."):
        try:
            container, key = _step(node, segment)
        except KeyError:
            where = ".".join(walked) or "the spec"
            raise ParameterError(f"path {path!r}: {where} has no {segment!r}") from None
        node = container[key]
        walked.append(segment)
    if container is None:
        raise ParameterError("path must not be empty")
    return container, key


def path_problem(spec: Any, path: str) -> str | None:
    """Why ``path`` cannot hold a parameter of ``spec`` (missing, not a number), or None."""
    try:
        container, key = locate(spec, path)
    except ParameterError as exc:
        return str(exc)
    value = container[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return f"path {path!r} holds {value!r}, not a number; parameters set numbers"
    return None


def coerce(parameter: Mapping[str, Any], value: Any) -> int | float:
    """``value`` as the parameter's type within its bounds, or ParameterError naming it."""
    name = parameter["name"]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ParameterError(f"{name} must be finite")
    if parameter["type"] == "int":
        if number != round(number):
            raise ParameterError(f"{name} must be a whole number, got {value!r}")
        result: int | float = int(round(number))
    else:
        result = number
    low, high = parameter.get("min"), parameter.get("max")
    if low is not None and result < low:
        raise ParameterError(f"{name} must be at least {low:g}, got {value!r}")
    if high is not None and result > high:
        raise ParameterError(f"{name} must be at most {high:g}, got {value!r}")
    return result


def apply(
    spec: Mapping[str, Any],
    parameters: Iterable[Mapping[str, Any]],
    values: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A copy of ``spec`` with each parameter set to its value (or default).

    Returns the new spec and ``{parameter name: [problem]}``; the spec is only usable when
    that dict is empty. Unknown names in ``values`` are problems too.
    """
    result = copy.deepcopy(dict(spec))
    problems: dict[str, list[str]] = {}
    parameters = list(parameters)
    known = {p["name"] for p in parameters}
    for name in values:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            problems[name] = [f"unknown parameter {name!r}; this template has: {listed}"]
    for parameter in parameters:
        name = parameter["name"]
        try:
            value = coerce(parameter, values.get(name, parameter["default"]))
            container, key = locate(result, parameter["path"])
        except ParameterError as exc:
            problems[name] = [str(exc)]
            continue
        container[key] = value
    return result, problems
