"""Data shapes and errors of the indicator registry (JSON-safe via ``to_dict()``)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ParamType = Literal["int", "float"]
Number = int | float


class UnknownIndicatorError(KeyError):
    """Raised for a name that is neither an indicator nor an alias; carries close matches."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions

    def __str__(self) -> str:  # KeyError would quote the whole message
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"Unknown indicator {self.name!r}.{hint}"


class IndicatorParameterError(ValueError):
    """Base class for a bad indicator parameter (unknown name, wrong type, out of range)."""

    def __init__(self, indicator: str, param: str, message: str) -> None:
        super().__init__(message)
        self.indicator = indicator
        self.param = param
        self.message = message


class UnknownParameterError(IndicatorParameterError):
    """The indicator has no parameter of that name."""


class ParameterValueError(IndicatorParameterError):
    """The value has the wrong type or lies outside the parameter's min/max."""


@dataclass(frozen=True)
class IndicatorParam:
    """One tunable indicator parameter; ``min``/``max`` of None mean unbounded."""

    name: str
    type: ParamType
    default: Number
    min: Number | None
    max: Number | None
    description: str

    def coerce(self, value: Any, indicator: str = "") -> Number:
        """Return ``value`` as this parameter's type, or raise :class:`ParameterValueError`.

        Integral floats are accepted for int parameters (optimisers hand out numpy numbers),
        but 14.5 is refused rather than silently truncated.
        """
        where = f"{indicator}.{self.name}" if indicator else self.name
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ParameterValueError(
                indicator, self.name, f"{where} must be a number, got {value!r}"
            )
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise ParameterValueError(indicator, self.name, f"{where} must be finite")
        if self.type == "int":
            if number != round(number):
                raise ParameterValueError(
                    indicator, self.name, f"{where} must be a whole number, got {value!r}"
                )
            coerced: Number = int(round(number))
        else:
            coerced = number
        if (self.min is not None and coerced < self.min) or (
            self.max is not None and coerced > self.max
        ):
            raise ParameterValueError(
                indicator,
                self.name,
                f"{where} must be between {self.min} and {self.max}, got {value!r}",
            )
        return coerced

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe representation for the API."""
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "min": self.min,
            "max": self.max,
            "description": self.description,
        }


@dataclass(frozen=True)
class IndicatorInfo:
    """Everything a client needs to pick, parameterise and plot one indicator."""

    name: str
    display_name: str
    description: str
    group: str
    inputs: tuple[str, ...]
    parameters: tuple[IndicatorParam, ...]
    outputs: tuple[str, ...]
    example: str
    featured: bool

    def param(self, name: str) -> IndicatorParam:
        """Look up a parameter by its TA-Lib name; unknown names raise UnknownParameterError."""
        for param in self.parameters:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise UnknownParameterError(
            self.name, name, f"{self.name} has no parameter {name!r} (parameters: {known})"
        )

    def resolve_params(self, params: Mapping[str, Any] | None = None) -> dict[str, Number]:
        """Validate ``params``, coerce their types and fill in defaults, in declaration order."""
        params = dict(params or {})
        for name in params:
            self.param(name)  # raises for unknown names before any value is checked
        return {
            p.name: p.coerce(params[p.name], self.name) if p.name in params else p.default
            for p in self.parameters
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe representation for the API."""
        return {
            "name": self.name,
            "display_name": self.display_name,
            "description": self.description,
            "group": self.group,
            "inputs": list(self.inputs),
            "parameters": [p.to_dict() for p in self.parameters],
            "outputs": list(self.outputs),
            "example": self.example,
            "featured": self.featured,
        }
