"""Deterministic fixes for the mistakes LLMs make in backtesting.py code.

Importing this package registers every rule. Rules of the same phase run in the order of
``MODULE_ORDER`` (then registration order): text -> script -> imports -> libraries -> class
shape -> data access -> signals -> orders -> control flow -> runtime.
"""

from __future__ import annotations

from Backtest.fixer.rules import (  # noqa: F401  (importing registers the rules)
    arrays,
    classes,
    control,
    imports,
    libraries,
    orders,
    outputs,
    runtime,
    script,
    signals,
    sizing,
    structure,
    text,
    thresholds,
)
from Backtest.fixer.rules.base import (
    MODULE_ORDER,
    RULES,
    AppliedRule,
    Rule,
    RuleEdit,
    RulesOutcome,
    apply_rules,
    locate_line,
    ordered_rules,
)

__all__ = [
    "MODULE_ORDER",
    "RULES",
    "AppliedRule",
    "Rule",
    "RuleEdit",
    "RulesOutcome",
    "apply_rules",
    "locate_line",
    "ordered_rules",
]
