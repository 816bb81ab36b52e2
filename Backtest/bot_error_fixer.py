"""Public import path of the error analyzer and the iterative strategy fixer.

    from Backtest.bot_error_fixer import BotErrorFixer
    fixer = BotErrorFixer(provider)            # provider=None: deterministic rules only
    result = fixer.fix_errors_iteratively(code, execute=lambda c: executor.execute_bot(code=c))

The implementation lives in ``Backtest.fixer`` (analyzer, rules, LLM prompt, loop).
"""

from __future__ import annotations

from Backtest.fixer.analyzer import ERROR_TYPES, ErrorAnalysis, ErrorAnalyzer, StrategyFrame
from Backtest.fixer.fixer import BotErrorFixer
from Backtest.fixer.llm_fix import SYSTEM_PROMPT, build_fix_request, extract_code
from Backtest.fixer.results import FixAttempt, FixResult, StopReason, unified_diff
from Backtest.fixer.rules import RULES, Rule, RulesOutcome, apply_rules

__all__ = [
    "ERROR_TYPES",
    "RULES",
    "SYSTEM_PROMPT",
    "BotErrorFixer",
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
    "extract_code",
    "unified_diff",
]
