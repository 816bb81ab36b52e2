"""Canonical, versioned JSON strategy spec: models, validation, compilation, plain English.

spec = validate_spec(data)            # 2.0 (or 1.0, kept as 1.0); SpecValidationError by field
code = compile_spec(spec)             # backtesting.py source with one Strategy subclass
text = render_understood_as(spec)     # "Enter long when EMA(12) crosses above EMA(26). ..."
problems = sanity_problems(spec)      # rules that can never hold, exits that can never fire
schema = json_schema()                # JSON Schema of spec 2.0 (LLM structured output)
"""

from __future__ import annotations

from Backtest.spec.catalogue import lookup_indicator
from Backtest.spec.common import PRICE_FIELDS, SeriesRef
from Backtest.spec.compiler import CompileError, class_name_for, compile_spec
from Backtest.spec.errors import FieldError, SpecValidationError
from Backtest.spec.examples import example_names, example_spec_data
from Backtest.spec.models import (
    SPEC_VERSION,
    Arith,
    ChangePct,
    Compare,
    Distance,
    EntryOrder,
    Group,
    HeldFor,
    IndicatorSpec,
    Months,
    Negate,
    RuleNode,
    Rules,
    Sizing,
    StrategySpec,
    TimeWindow,
    Trend,
    Weekdays,
)
from Backtest.spec.render import render_understood_as
from Backtest.spec.sanity import sanity_problems
from Backtest.spec.upgrade import upgrade, upgrade_v1_data
from Backtest.spec.v1 import StrategySpecV1
from Backtest.spec.validate import (
    SUPPORTED_VERSIONS,
    AnySpec,
    json_schema,
    spec_json_schema,
    validate_spec,
    validate_spec_v2,
)

__all__ = [
    "PRICE_FIELDS",
    "SPEC_VERSION",
    "SUPPORTED_VERSIONS",
    "AnySpec",
    "Arith",
    "ChangePct",
    "Compare",
    "CompileError",
    "Distance",
    "EntryOrder",
    "FieldError",
    "Group",
    "HeldFor",
    "IndicatorSpec",
    "Months",
    "Negate",
    "RuleNode",
    "Rules",
    "SeriesRef",
    "Sizing",
    "SpecValidationError",
    "StrategySpec",
    "StrategySpecV1",
    "TimeWindow",
    "Trend",
    "Weekdays",
    "class_name_for",
    "compile_spec",
    "example_names",
    "example_spec_data",
    "json_schema",
    "lookup_indicator",
    "render_understood_as",
    "sanity_problems",
    "spec_json_schema",
    "upgrade",
    "upgrade_v1_data",
    "validate_spec",
    "validate_spec_v2",
]
