"""The iterative fix loop: classify -> rule fixes -> (LLM) -> validate -> re-execute -> repeat.

The fixer never runs code itself: the caller passes ``execute(code) -> ExecutionResult``
(normally ``BotExecutor.execute_bot`` in the sandbox). A fix counts only when re-executing it
succeeded (and traded, if required). The original code is never lost: ``final_code`` is the
original unless a fix verifiably worked, and every attempt keeps its before/after code.

Every edit is judged by :func:`Backtest.fixer.semantics.classify_edit`: an edit that changes
what the strategy does (parameters, sizing, stops, rules) is a *semantic change*. Unless the
caller passes ``allow_semantic_changes=True`` such edits are never run nor applied: each is kept
as an attempt (its diff, ``semantic_change`` and ``changes``; not a success), and the loop ends
with ``semantic_change_not_allowed`` and the list of changes it would have made; when allowed
they are applied and reported as such.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from Backtest.fixer.analyzer import ErrorAnalysis, ErrorAnalyzer
from Backtest.fixer.llm_fix import build_fix_request, extract_code
from Backtest.fixer.results import ExecutorCrash, FixAttempt, FixResult, StopReason, unified_diff
from Backtest.fixer.rules import apply_rules
from Backtest.fixer.semantics import NO_CHANGE, EditClassification, classify_edit
from Backtest.llm import LLMError, LLMProvider
from Backtest.validation import ValidationReport, validate_code

__all__ = ["SANITIZING_RULES", "BotErrorFixer", "FixAttempt", "FixResult", "StopReason"]

logger = logging.getLogger(__name__)

Execute = Callable[[str], Any]
#: The only rules allowed to touch code that triggered a security violation: they delete, never
#: add, and only code outside the strategy class.
SANITIZING_RULES = ("remove_script_code",)
OnEvent = Callable[[str, dict[str, Any]], None]


@dataclass
class _Candidate:
    code: str
    description: str
    provider: str
    rules: list[str] = field(default_factory=list)
    key_alias: str | None = None
    model: str | None = None
    llm_error: LLMError | None = None
    verdict: EditClassification = NO_CHANGE


class BotErrorFixer:
    """Repairs strategy code: deterministic rules first, then an LLM when one is given."""

    def __init__(
        self,
        provider: LLMProvider | None = None,
        *,
        max_code_bytes: int = 100_000,
        analyzer: ErrorAnalyzer | None = None,
        sanitize_security_violations: bool = True,
    ) -> None:
        """``sanitize_security_violations``: after a security violation, allow ONE attempt that
        only deletes module-level script code and unused imports of disallowed modules (e.g. an
        unused ``import yfinance`` whose import opens a socket). The LLM is never asked to fix
        a security violation either way."""
        self.provider = provider
        self.max_code_bytes = max_code_bytes
        self.analyzer = analyzer or ErrorAnalyzer()
        self.sanitize_security_violations = sanitize_security_violations

    def fix_errors_iteratively(
        self,
        code: str,
        max_attempts: int = 3,
        *,
        execute: Execute,
        allow_semantic_changes: bool = False,
        require_trades: bool = False,
        on_event: OnEvent | None = None,
        initial_result: Any = None,
    ) -> FixResult:
        """Fix ``code`` in at most ``max_attempts`` verified attempts; never raises for LLM
        failures (the loop stops with ``llm_unavailable`` and keeps everything so far).

        ``allow_semantic_changes``: accept fixes that change the strategy's meaning (reported
        in ``FixResult.changes``); by default only meaning-preserving fixes count.
        """
        result = initial_result if initial_result is not None else _run(execute, code)
        analysis = self.analyzer.analyze(result, code, require_trades=require_trades)
        if analysis is None:
            return FixResult(True, code, code, [], result, "already_working", "nothing to fix")
        attempts: list[FixAttempt] = []
        refused: list[str] = []  # changes of meaning found but not allowed

        def finish(reason: StopReason, detail: str, final: ErrorAnalysis | None) -> FixResult:
            if refused:
                reason = "semantic_change_not_allowed"
                detail = (
                    f"{detail}. A fix was found that changes what the strategy does: "
                    + "; ".join(dict.fromkeys(refused))
                    + ". Pass allow_semantic_changes=true to accept it."
                )
            return FixResult(
                success=False,
                original_code=code,
                final_code=code,
                attempts=attempts,
                final_execution=last_result,
                stopped_reason=reason,
                detail=detail,
                initial_analysis=analysis,
                final_analysis=final,
                allow_semantic_changes=allow_semantic_changes,
                proposed_changes=list(dict.fromkeys(refused)),
            )

        size = len(code.encode("utf-8", "surrogatepass"))
        last_result = result
        if size > self.max_code_bytes:
            limit = f"{self.max_code_bytes:,}"
            return finish("not_fixable", f"code is {size:,} bytes (limit {limit})", analysis)
        current_code, current = code, analysis
        last_seen = analysis.signature
        rules_spent: set[tuple[str, str, int | None]] = set()
        history: list[str] = []
        for number in range(1, max_attempts + 1):
            candidate = None
            if current.signature not in rules_spent:
                candidate = self._rule_candidate(
                    current_code, current, allow_semantic_changes, refused
                )
            if not current.auto_fixable:
                if candidate is None:
                    return finish(
                        "not_fixable",
                        f"{current.error_type} is reported, not fixed automatically: "
                        f"{current.message}",
                        current,
                    )
                rules_spent.add(current.signature)  # the sanitiser gets one try, never the LLM
            if candidate is None and self.provider is None:
                return finish(
                    "llm_unavailable",
                    f"no rule fixes this {current.error_type} and no LLM provider is "
                    f"configured: {current.message}",
                    current,
                )
            provider_name = candidate.provider if candidate else _provider_name(self.provider)
            _emit(
                on_event,
                "fix_attempt_started",
                {
                    "attempt": number,
                    "max_attempts": max_attempts,
                    "error_type": current.error_type,
                    "error_message": current.message,
                    "line": current.line,
                    "provider": provider_name,
                },
            )
            started = time.perf_counter()
            if candidate is None:
                candidate = self._ask_llm(current_code, current, history)
            allowed = allow_semantic_changes or not candidate.verdict.semantic_change
            attempt, new_result, new_analysis, adoptable = self._verify(
                number, candidate, current_code, current, execute, require_trades, started, allowed
            )
            if not allowed:
                refused.extend(candidate.verdict.changes)
                if candidate.provider == "rules":
                    # Rules are deterministic: the same edit would only be proposed again.
                    rules_spent.add(current.signature)
            attempts.append(attempt)
            _emit(on_event, "fix_attempt_finished", _finished_event(attempt))
            if candidate.llm_error is not None:
                error = candidate.llm_error
                return finish(
                    "llm_unavailable",
                    f"the LLM could not be used ({error.code}): {error.message}",
                    current,
                )
            if new_result is not None:
                last_result = new_result
            if attempt.success:
                overall = classify_edit(code, candidate.code)
                detail = f"fixed in {number} attempt(s)"
                if overall.semantic_change:
                    detail += " with changes to what the strategy does (allowed by the request)"
                return FixResult(
                    success=True,
                    original_code=code,
                    final_code=candidate.code,
                    attempts=attempts,
                    final_execution=new_result,
                    stopped_reason="fixed",
                    detail=detail,
                    initial_analysis=analysis,
                    final_analysis=None,
                    semantic_change=overall.semantic_change,
                    changes=list(overall.changes),
                    notes=list(overall.notes),
                    allow_semantic_changes=allow_semantic_changes,
                )
            assert new_analysis is not None
            history.append(
                f"{attempt.fix_applied or 'a change'} -> {new_analysis.error_type}: "
                f"{new_analysis.message}"
            )
            if new_analysis.signature == last_seen:
                if (
                    candidate.provider == "rules"
                    and self.provider is not None
                    and current.auto_fixable
                ):
                    rules_spent.add(current.signature)  # let the LLM try this error next
                    continue
                return finish(
                    "same_error_twice",
                    f"the same {new_analysis.error_type} came back after the fix: "
                    f"{new_analysis.message}",
                    new_analysis,
                )
            last_seen = new_analysis.signature
            if adoptable:  # a different error: build on this version (progress)
                current_code, current = candidate.code, new_analysis
        return finish(
            "max_attempts",
            f"still failing after {max_attempts} attempt(s): {current.error_type}: "
            f"{current.message}",
            current,
        )

    # -- one attempt -------------------------------------------------------------------------
    def _rule_candidate(
        self, code: str, analysis: ErrorAnalysis, allow_semantic: bool, refused: list[str]
    ) -> _Candidate | None:
        """Deterministic fixes; for a security violation only the script-code sanitiser.

        Rule edits that change the meaning are held back unless allowed; what they would have
        changed is added to ``refused``.
        """
        only: set[str] | None = None
        if not analysis.auto_fixable:
            if analysis.error_type != "security_violation" or not self.sanitize_security_violations:
                return None
            only = set(SANITIZING_RULES)  # not fixable as such: only remove what is forbidden
        outcome = apply_rules(
            code,
            analysis,
            only=only,
            review=classify_edit,
            allow_semantic_changes=allow_semantic,
        )
        refused.extend(c for item in outcome.withheld for c in item.changes)
        if not outcome.changed and outcome.withheld:
            # The only fix changes the meaning: propose it as an attempt (kept with its diff and
            # changes, flagged ``semantic_change``), which the loop neither runs nor applies.
            proposed = apply_rules(
                code, analysis, only=only, review=classify_edit, allow_semantic_changes=True
            )
            if proposed.changed and proposed.semantic_change:
                outcome = proposed
        if not outcome.changed:
            return None
        names = [a.name for a in outcome.applied]
        verdict = EditClassification(
            outcome.semantic_change, tuple(outcome.changes), tuple(outcome.notes)
        )
        return _Candidate(outcome.code, outcome.describe(), "rules", names, verdict=verdict)

    def _ask_llm(self, code: str, analysis: ErrorAnalysis, history: list[str]) -> _Candidate:
        assert self.provider is not None
        request = build_fix_request(code, analysis, previous=history)
        name = _provider_name(self.provider)
        try:
            response = self.provider.complete(request)
        except LLMError as exc:
            logger.warning("LLM fix failed: %s", exc.code)
            return _Candidate(code, f"LLM unavailable ({exc.code})", name, llm_error=exc)
        extracted = extract_code(response.text)
        description = f"LLM fix ({response.provider}/{response.model})"
        return _Candidate(
            extracted if extracted is not None else "",
            description if extracted is not None else "the LLM reply contained no code",
            response.provider or name,
            key_alias=response.key_alias,
            model=response.model,
            verdict=classify_edit(code, extracted) if extracted else NO_CHANGE,
        )

    def _verify(
        self,
        number: int,
        candidate: _Candidate,
        code_before: str,
        analysis: ErrorAnalysis,
        execute: Execute,
        require_trades: bool,
        started: float,
        allowed: bool = True,
    ) -> tuple[FixAttempt, Any, ErrorAnalysis | None, bool]:
        """Validate then re-execute the candidate; an invalid candidate is never executed, nor
        is one that changes the strategy's meaning when that is not ``allowed``.

        Returns (attempt, execution result, remaining error, whether later attempts may build on
        the candidate: not when it failed validation or held no code).
        """
        attempt = FixAttempt(
            number=number,
            error_type=analysis.error_type,
            error_message=analysis.message,
            fix_applied=candidate.description,
            diff="",
            success=False,
            duration_s=0.0,
            provider=candidate.provider,
            key_alias=candidate.key_alias,
            code_before=code_before,
            code_after=candidate.code or code_before,
            rules=candidate.rules,
            model=candidate.model,
            semantic_change=candidate.verdict.semantic_change,
            changes=list(candidate.verdict.changes),
            notes=list(candidate.verdict.notes),
        )
        if candidate.llm_error is not None:
            attempt.llm_error = candidate.llm_error.to_dict()
            attempt.result_error_type = "llm_unavailable"
            attempt.result_error_message = candidate.llm_error.message
            attempt.duration_s = time.perf_counter() - started
            return attempt, None, None, False
        attempt.diff = unified_diff(code_before, attempt.code_after)
        new_result: Any = None
        adoptable = False
        if not candidate.code.strip():
            new_analysis = _invalid("the LLM reply contained no code")
        elif candidate.code == code_before:
            # Unchanged code cannot behave differently: no need to run it again.
            new_analysis = analysis
            attempt.fix_applied = f"{candidate.description}: returned the code unchanged"
        else:
            report = _new_problems(
                validate_code(candidate.code, max_bytes=self.max_code_bytes),
                validate_code(code_before, max_bytes=self.max_code_bytes),
            )
            validation = self.analyzer.analyze_validation(report, candidate.code)
            if validation is not None:
                new_analysis = validation
            elif not allowed:
                new_analysis = _refused(candidate.verdict)
            else:
                adoptable = True
                new_result = _run(execute, candidate.code)
                attempt.execution = new_result
                new_analysis = self.analyzer.analyze(  # type: ignore[assignment]
                    new_result, candidate.code, require_trades=require_trades
                )
        attempt.success = new_analysis is None
        if new_analysis is not None:
            attempt.result_error_type = new_analysis.error_type
            attempt.result_error_message = new_analysis.message
        attempt.duration_s = time.perf_counter() - started
        return attempt, new_result, new_analysis, adoptable


def _new_problems(after: ValidationReport, before: ValidationReport) -> ValidationReport:
    """The candidate's validation errors that the code before the fix did not have.

    A finding the original code already had (and that the executor tolerated) must not veto a
    fix of something else. Syntax errors always count: such code cannot run at all.
    """
    old = {(f.code, f.message) for f in before.errors}
    fresh = [
        f
        for f in after.errors
        if f.code in ("syntax_error", "indentation_error") or (f.code, f.message) not in old
    ]
    return ValidationReport(ok=not fresh, findings=fresh, strategy_class=after.strategy_class)


def _provider_name(provider: LLMProvider | None) -> str:
    return str(getattr(provider, "name", None) or "llm")


def _invalid(message: str) -> ErrorAnalysis:
    return ErrorAnalysis(
        error_type="validation_error",
        severity="high",
        auto_fixable=True,
        message=message,
        line=None,
    )


def _refused(verdict: EditClassification) -> ErrorAnalysis:
    return ErrorAnalysis(
        error_type="semantic_change",
        severity="high",
        auto_fixable=True,
        message="the fix changes what the strategy does, which the request does not allow: "
        + "; ".join(verdict.changes),
        line=None,
    )


def _run(execute: Execute, code: str) -> Any:
    try:
        return execute(code)
    except Exception as exc:  # the executor should never raise; do not lose the loop if it does
        logger.exception("execute() raised")
        return ExecutorCrash(f"the executor raised {type(exc).__name__}: {exc}")


def _emit(on_event: OnEvent | None, name: str, data: dict[str, Any]) -> None:
    if on_event is None:
        return
    try:
        on_event(name, data)
    except Exception:  # a broken progress callback must not break the fix
        logger.exception("on_event callback failed for %s", name)


def _finished_event(attempt: FixAttempt) -> dict[str, Any]:
    return {
        "attempt": attempt.number,
        "success": attempt.success,
        "provider": attempt.provider,
        "key_alias": attempt.key_alias,
        "fix_applied": attempt.fix_applied,
        "rules": list(attempt.rules),
        "duration_s": round(attempt.duration_s, 3),
        "error_type_after": attempt.result_error_type,
        "error_message_after": attempt.result_error_message,
    }
