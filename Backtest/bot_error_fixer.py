"""Public import path of the error analyzer and the iterative strategy fixer.

    from Backtest.bot_error_fixer import BotErrorFixer
    fixer = BotErrorFixer(provider)            # provider=None: deterministic rules only
    result = fixer.fix_errors_iteratively(code, execute=lambda c: executor.execute_bot(code=c))
    result.success, result.semantic_change, result.changes, result.proposed_changes

Fixes that change what the strategy does count only with ``allow_semantic_changes=True``;
``classify_edit(before, after)`` is the judge (see ``Backtest.fixer.semantics``).

The implementation lives in ``Backtest.fixer`` (analyzer, rules, LLM prompt, loop).
"""

from __future__ import annotations

from Backtest.fixer.analyzer import ERROR_TYPES, ErrorAnalysis, ErrorAnalyzer, StrategyFrame
from Backtest.fixer.fixer import BotErrorFixer
from Backtest.fixer.llm_fix import SYSTEM_PROMPT, build_fix_request, extract_code
from Backtest.fixer.results import FixAttempt, FixResult, StopReason, unified_diff
from Backtest.fixer.rules import RULES, Rule, RulesOutcome, apply_rules
from Backtest.fixer.semantics import EditClassification, classify_edit

__all__ = [
    "ERROR_TYPES",
    "RULES",
    "SYSTEM_PROMPT",
    "BotErrorFixer",
    "EditClassification",
    "ErrorAnalysis",
    "ErrorAnalyzer",
    "FixAttempt",
    "FixResult",
    "Rule",
    "RulesOutcome",
    "StopReason",
    "StrategyFrame",
    "apply_rules",
    "build_fix_request",
    "classify_edit",
    "extract_code",
    "unified_diff",
]
