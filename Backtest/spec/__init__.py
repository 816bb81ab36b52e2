"""Canonical, versioned JSON strategy spec: models, validation and compilation to code.

spec = validate_spec(data)            # raises SpecValidationError with field-level errors
code = compile_spec(spec)             # backtesting.py source with one Strategy subclass
"""

from __future__ import annotations

from Backtest.spec.compiler import CompileError, class_name_for, compile_spec
from Backtest.spec.errors import FieldError, SpecValidationError
from Backtest.spec.examples import example_names, example_spec_data
from Backtest.spec.models import (
    PRICE_FIELDS,
    SPEC_VERSION,
    Condition,
    IndicatorSpec,
    RuleGroup,
    Rules,
    SeriesRef,
    StrategySpec,
)
from Backtest.spec.validate import spec_json_schema, validate_spec

__all__ = [
    "PRICE_FIELDS",
    "SPEC_VERSION",
    "CompileError",
    "Condition",
    "FieldError",
    "IndicatorSpec",
    "RuleGroup",
    "Rules",
    "SeriesRef",
    "SpecValidationError",
    "StrategySpec",
    "class_name_for",
    "compile_spec",
    "example_names",
    "example_spec_data",
    "spec_json_schema",
    "validate_spec",
]
