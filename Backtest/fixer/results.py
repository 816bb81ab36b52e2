"""Results of the fixer: one record per attempt and the overall outcome (JSON-ready)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Literal

from Backtest.fixer.analyzer import ErrorAnalysis

__all__ = ["ExecutorCrash", "FixAttempt", "FixResult", "StopReason", "unified_diff"]

StopReason = Literal[
    "fixed",
    "same_error_twice",
    "max_attempts",
    "not_fixable",
    "already_working",
    "llm_unavailable",
    "semantic_change_not_allowed",
]


@dataclass
class FixAttempt:
    """One fix attempt and the execution that verified (or refuted) it."""

    number: int
    error_type: str
    error_message: str
    fix_applied: str
    diff: str
    success: bool
    duration_s: float
    provider: str
    key_alias: str | None
    code_before: str
    code_after: str
    execution: Any = None
    #: Names of the rules that edited the code (empty for an LLM fix).
    rules: list[str] = field(default_factory=list)
    #: What the verification found when the attempt failed (None on success).
    result_error_type: str | None = None
    result_error_message: str | None = None
    model: str | None = None
    llm_error: dict[str, Any] | None = None
    #: Whether this attempt's edit changes what the strategy does, and how.
    semantic_change: bool = False
    changes: list[str] = field(default_factory=list)
    #: Meaning-preserving details (a typo resolved, a warm-up guard added).
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the execution via its own ``to_dict`` when it has one)."""
        data = {k: v for k, v in self.__dict__.items() if k != "execution"}
        data["execution"] = execution_dict(self.execution)
        return data


@dataclass
class FixResult:
    """Outcome of :meth:`BotErrorFixer.fix_errors_iteratively`."""

    success: bool
    original_code: str
    final_code: str
    attempts: list[FixAttempt]
    final_execution: Any
    stopped_reason: StopReason
    #: Human explanation of the stop (which error remained, why it is not fixable...).
    detail: str = ""
    #: Analysis of the original failure (None when it was already working).
    initial_analysis: ErrorAnalysis | None = None
    #: Analysis of what still fails at the end (None on success).
    final_analysis: ErrorAnalysis | None = None
    #: Whether ``final_code`` does something else than ``original_code`` (only possible when
    #: ``allow_semantic_changes``), and what changed.
    semantic_change: bool = False
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    allow_semantic_changes: bool = False
    #: Changes of meaning a fix would have needed but the request did not allow.
    proposed_changes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "success": self.success,
            "original_code": self.original_code,
            "final_code": self.final_code,
            "attempts": [a.to_dict() for a in self.attempts],
            "final_execution": execution_dict(self.final_execution),
            "stopped_reason": self.stopped_reason,
            "detail": self.detail,
            "initial_analysis": self.initial_analysis.to_dict() if self.initial_analysis else None,
            "final_analysis": self.final_analysis.to_dict() if self.final_analysis else None,
            "semantic_change": self.semantic_change,
            "changes": list(self.changes),
            "notes": list(self.notes),
            "allow_semantic_changes": self.allow_semantic_changes,
            "proposed_changes": list(self.proposed_changes),
        }


@dataclass
class ExecutorCrash:
    """Stand-in result when ``execute`` itself raised (it should not)."""

    error_message: str
    success: bool = False
    error_type: str = "sandbox_error"
    traceback: str | None = None
    error_line: int | None = None
    limits_hit: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def execution_dict(execution: Any) -> Any:
    if execution is None:
        return None
    to_dict = getattr(execution, "to_dict", None)
    return to_dict() if callable(to_dict) else repr(execution)


def unified_diff(before: str, after: str) -> str:
    """Unified diff of two versions of ``strategy.py``."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile="strategy.py",
            tofile="strategy.py",
        )
    )
