"""The rule registry: small named, documented, deterministic fixes.

A rule is a function ``(code, analysis) -> RuleEdit | None``. Two kinds:

* ``always=True`` rules fix mistakes that are wrong in *every* backtesting.py program (a column
  called ``close``, ``crossover(a[-1], b[-1])``, markdown fences), so they run on every attempt
  whatever error was reported — one attempt can then repair several mistakes at once.
* the others run only when the analysed error type is in ``triggers`` (a warm-up guard only
  makes sense after an IndexError).

Rules must never invent a different strategy: they change how the code is written, not what
it trades on.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.source import parse_or_none

__all__ = [
    "MODULE_ORDER",
    "RULES",
    "AppliedRule",
    "Rule",
    "RuleEdit",
    "Review",
    "RulesOutcome",
    "Verdict",
    "apply_rules",
    "locate_line",
    "ordered_rules",
    "rule",
]

logger = logging.getLogger(__name__)

MAX_PASSES_PER_RULE = 6
#: Within a phase, rules run module by module in this order (then in registration order).
MODULE_ORDER = (
    "text",
    "script",
    "imports",
    "libraries",
    "structure",
    "classes",
    "outputs",
    "arrays",
    "signals",
    "orders",
    "sizing",
    "thresholds",
    "control",
    "runtime",
)


@dataclass(frozen=True)
class RuleEdit:
    """New code plus a human description of the change (shown to the user)."""

    code: str
    description: str


RuleFunc = Callable[[str, ErrorAnalysis], RuleEdit | None]


@dataclass(frozen=True)
class Rule:
    """One registered rule."""

    name: str
    func: RuleFunc
    triggers: frozenset[str]
    always: bool
    needs_ast: bool

    @property
    def doc(self) -> str:
        """The rule's docstring: what mistake it fixes and how."""
        return inspect.getdoc(self.func) or ""

    def applies_to(self, analysis: ErrorAnalysis) -> bool:
        """Whether the rule should be tried for this error."""
        return self.always or analysis.error_type in self.triggers


RULES: list[Rule] = []


def rule(
    name: str,
    *,
    triggers: tuple[str, ...] = (),
    always: bool = False,
    needs_ast: bool = True,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function (registration order is application order)."""

    def register(func: RuleFunc) -> RuleFunc:
        if any(r.name == name for r in RULES):
            raise ValueError(f"duplicate rule name {name!r}")
        RULES.append(Rule(name, func, frozenset(triggers), always, needs_ast))
        return func

    return register


class Verdict(Protocol):
    """What a reviewer says about one edit (``Backtest.fixer.semantics.EditClassification``)."""

    @property
    def semantic_change(self) -> bool: ...

    @property
    def changes(self) -> tuple[str, ...]: ...

    @property
    def notes(self) -> tuple[str, ...]: ...


#: ``(code before, code after) -> verdict``: judges each rule edit from the edit itself.
Review = Callable[[str, str], Verdict]


@dataclass(frozen=True)
class AppliedRule:
    """A rule that changed the code (or was held back because it changes the meaning)."""

    name: str
    description: str
    semantic_change: bool = False
    #: What the edit changed in meaning (the rule's own explanation first).
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class RulesOutcome:
    """Result of running every applicable rule once."""

    code: str
    applied: list[AppliedRule] = field(default_factory=list)
    #: Edits not applied because they change the strategy's meaning and that was not allowed.
    withheld: list[AppliedRule] = field(default_factory=list)

    @property
    def semantic_change(self) -> bool:
        """Whether any applied edit changed the strategy's meaning."""
        return any(a.semantic_change for a in self.applied)

    @property
    def changes(self) -> list[str]:
        """What the applied edits changed in meaning, one line each."""
        return list(dict.fromkeys(c for a in self.applied for c in a.changes))

    @property
    def notes(self) -> list[str]:
        """Meaning-preserving details of the applied edits."""
        return list(dict.fromkeys(n for a in self.applied for n in a.notes))

    @property
    def changed(self) -> bool:
        """Whether any rule edited the code."""
        return bool(self.applied)

    def describe(self) -> str:
        """One line per distinct change, for ``FixAttempt.fix_applied``."""
        seen: list[str] = []
        for item in self.applied:
            if item.description not in seen:
                seen.append(item.description)
        return "; ".join(seen)


def locate_line(code: str, analysis: ErrorAnalysis) -> int | None:
    """The analysed error's line in ``code``, even if earlier edits shifted it.

    The analysis was made on the code before this attempt's edits; its source text is searched
    for (nearest occurrence to the original number) so line-targeted rules stay on target.
    """
    if analysis.line is None:
        return None
    lines = code.splitlines()
    if analysis.source_line is None:
        return analysis.line if analysis.line <= len(lines) else None
    wanted = analysis.source_line.strip()
    matches = [i + 1 for i, line in enumerate(lines) if line.strip() == wanted and wanted]
    if not matches:
        return None
    return min(matches, key=lambda n: abs(n - analysis.line))  # type: ignore[operator]


def ordered_rules() -> list[Rule]:
    """Rules in application order.

    Text rules first (they only touch unparseable code), then error-targeted rules (while line
    numbers still match the analysis), then the always-on AST rules; within a phase by
    ``MODULE_ORDER``, then registration order.
    """

    def key(item: tuple[int, Rule]) -> tuple[int, int, int]:
        index, candidate = item
        phase = 0 if not candidate.needs_ast else (2 if candidate.always else 1)
        module = candidate.func.__module__.rsplit(".", 1)[-1]
        rank = MODULE_ORDER.index(module) if module in MODULE_ORDER else len(MODULE_ORDER)
        return phase, rank, index

    return [r for _, r in sorted(enumerate(RULES), key=key)]


def apply_rules(
    code: str,
    analysis: ErrorAnalysis,
    *,
    only: set[str] | None = None,
    review: Review | None = None,
    allow_semantic_changes: bool = True,
) -> RulesOutcome:
    """Run the applicable rules; a rule may fire repeatedly until it stops changing the code.

    An edit that turns parseable code into unparseable code is discarded, and an exception in a
    rule is logged and ignored: a buggy rule must never take the fixer down. ``only`` restricts
    the run to the named rules (whatever their triggers), for tests and diagnostics.

    ``review`` judges every edit; an edit that changes the strategy's meaning is skipped (and
    listed in ``withheld``) unless ``allow_semantic_changes``. An edit that brings back code
    already seen in this run (a rule undoing itself) ends that rule's passes.
    """
    current = code
    applied: list[AppliedRule] = []
    withheld: list[AppliedRule] = []
    seen = {code}
    for item in ordered_rules():
        if only is not None and item.name not in only:
            continue
        if only is None and not item.applies_to(analysis):
            continue
        for _ in range(MAX_PASSES_PER_RULE):
            parsed_before = parse_or_none(current) is not None
            if item.needs_ast and not parsed_before:
                break
            try:
                edit = item.func(current, analysis)
            except Exception:  # see docstring: rules are best-effort
                logger.exception("fixer rule %s crashed; skipping it", item.name)
                break
            if edit is None or edit.code == current:
                break
            if parsed_before and parse_or_none(edit.code) is None:
                logger.warning("fixer rule %s produced unparseable code; discarded", item.name)
                break
            if edit.code in seen:
                break
            record = AppliedRule(item.name, edit.description)
            if review is not None:
                verdict = review(current, edit.code)
                changes = verdict.changes
                if verdict.semantic_change:
                    changes = (edit.description, *changes)
                record = AppliedRule(
                    item.name, edit.description, verdict.semantic_change, changes, verdict.notes
                )
                if verdict.semantic_change and not allow_semantic_changes:
                    withheld.append(record)
                    break
            seen.add(edit.code)
            current = edit.code
            applied.append(record)
    return RulesOutcome(current, applied, withheld)
