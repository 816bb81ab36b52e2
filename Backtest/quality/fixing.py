"""Fixer quality benchmark: the offline fixer (rules only, no LLM) on the broken-strategy corpus.

Every run goes through the sandboxed :class:`Backtest.bot_executor.BotExecutor`; there is no
in-process fallback (nothing outside the sandbox executes strategy code). For each case the
original runs once; if it fails (or trades nothing) the fixer gets three verified attempts with
``allow_semantic_changes=True`` so that every fix it can make is measured and its semantic flag
checked:

* ``fixed``: the final code runs (and trades, when the case requires it);
* whether the fix really changed the meaning is decided independently of the fixer's flag: a
  case without a meaning-preserving fix always does; otherwise the fixed strategy's trades are
  compared with those of the case's reference fix (``<name>.fixed.py``), run in the sandbox too;
* ``unflagged``: a fix that changed the meaning but was not flagged (must be 0);
* ``success``: fixed, and flagged exactly when the meaning changed (a false alarm, a
  meaning-preserving fix flagged as semantic, would be refused by default: not a success).

Rates are per part; ``held_out`` was written before the fixer was tuned and is the honest one.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from Backtest.bot_error_fixer import BotErrorFixer, ErrorAnalyzer
from Backtest.quality.corpus import PARTS, BrokenCase, load_part

__all__ = ["TARGET_FIX_RATE", "behaviour", "judge_case", "run", "summarize"]

TARGET_FIX_RATE = 0.9
MAX_ATTEMPTS = 3
TIMEOUT_S = 20.0
SYMBOL = "GOOG"

Execute = Callable[[str], Any]


def run(
    *, parts: Sequence[str] = PARTS, limit: int | None = None, execute: Execute | None = None
) -> dict[str, Any]:
    """Run the benchmark; returns a JSON-safe report (per-part totals and per-case outcomes).

    ``execute`` replaces the sandbox (tests only); ``limit`` runs the first N cases per part.
    """
    with _sandbox(execute) as (run_code, executor_info):
        analyzer = ErrorAnalyzer()
        fixer = BotErrorFixer(None)
        report: dict[str, Any] = {"executor": executor_info, "target_fix_rate": TARGET_FIX_RATE}
        for part in parts:
            cases = load_part(part)[:limit]
            outcomes = [judge_case(case, run_code, analyzer, fixer) for case in cases]
            report[part] = {"totals": _totals(outcomes), "cases": outcomes}
    safe: dict[str, Any] = json.loads(json.dumps(report, default=str))
    return safe


def judge_case(
    case: BrokenCase, execute: Execute, analyzer: ErrorAnalyzer, fixer: BotErrorFixer
) -> dict[str, Any]:
    """Run, fix and judge one case (see the module docstring)."""
    initial = execute(case.code)
    analysis = analyzer.analyze(initial, case.code, require_trades=case.require_trades)
    outcome: dict[str, Any] = {
        "name": case.name,
        "expected_type": case.error_type,
        "meaning_preserving_fix": case.meaning_preserving_fix,
    }
    if analysis is None:
        outcome.update(broken=False, analyzed_type=None, classified=None, fixed=None)
        return outcome
    result = fixer.fix_errors_iteratively(
        case.code,
        MAX_ATTEMPTS,
        execute=execute,
        require_trades=case.require_trades,
        initial_result=initial,
        allow_semantic_changes=True,
    )
    final = result.final_analysis
    outcome.update(
        broken=True,
        analyzed_type=analysis.error_type,
        classified=analysis.error_type == case.error_type,
        fixed=result.success,
        flagged=result.semantic_change,
        changes=result.changes,
        attempts=len(result.attempts),
        stopped_reason=result.stopped_reason,
        rules=sorted({name for a in result.attempts for name in a.rules}),
        remaining_error=None if final is None else f"{final.error_type}: {final.message}"[:300],
    )
    if not result.success:
        outcome.update(semantic=None, checked_by=None, unflagged=False, success=False)
        return outcome
    if not case.meaning_preserving_fix:
        semantic, checked_by = True, "manifest: no meaning-preserving fix exists"
    elif case.reference is not None:
        reference = execute(case.reference)
        semantic = behaviour(reference) != behaviour(result.final_execution)
        checked_by = "trades compared with the reference fix"
    else:
        semantic, checked_by = bool(result.semantic_change), "unchecked: no reference fix"
    outcome.update(
        semantic=semantic,
        checked_by=checked_by,
        unflagged=semantic and not result.semantic_change,
        success=semantic == result.semantic_change,
        num_trades=getattr(result.final_execution, "num_trades", None),
    )
    return outcome


def behaviour(execution: Any) -> tuple[Any, ...] | None:
    """What a run did, for comparing two versions: its trades and its return."""
    if execution is None or not getattr(execution, "success", False):
        return None
    trades = tuple(
        (
            t.get("entry_bar"),
            t.get("exit_bar"),
            t.get("size"),
            round(float(t.get("entry_price") or 0.0), 6),
        )
        for t in getattr(execution, "trades", None) or []
    )
    return_pct = getattr(execution, "return_pct", None)
    return (getattr(execution, "num_trades", None), round(float(return_pct or 0.0), 6), trades)


def _totals(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    broken = [o for o in outcomes if o["broken"]]
    fixed = [o for o in broken if o["fixed"]]
    semantic = [o for o in fixed if o["semantic"]]
    n = len(broken)
    successes = sum(1 for o in broken if o["success"])
    return {
        "cases": len(outcomes),
        "broken": n,
        "not_broken": [o["name"] for o in outcomes if not o["broken"]],
        "classified": sum(1 for o in broken if o["classified"]),
        "fixed": len(fixed),
        "success": successes,
        "fixer_success_pct": round(100 * successes / n, 1) if n else None,
        "meaning_preserved": sum(1 for o in fixed if not o["semantic"]),
        "semantic_changes": len(semantic),
        "semantic_changes_flagged": sum(1 for o in semantic if o["flagged"]),
        "unflagged_semantic_changes": [o["name"] for o in fixed if o["unflagged"]],
        "false_alarms": [o["name"] for o in fixed if o["flagged"] and not o["semantic"]],
        "meets_target": (successes / n >= TARGET_FIX_RATE) if n else None,
        "unfixed": [o["name"] for o in broken if not o["fixed"]],
        "misclassified": [
            f"{o['name']}: expected {o['expected_type']}, got {o['analyzed_type']}"
            for o in broken
            if not o["classified"]
        ],
    }


def summarize(report: dict[str, Any]) -> str:
    """The numbers per part, one line each, for the console."""
    lines = [f"executor: {report['executor']['name']} on {report['executor']['symbol']}"]
    for part in PARTS:
        if part not in report:
            continue
        t = report[part]["totals"]
        lines.append(
            f"{part:16} fixer success {t['success']}/{t['broken']} "
            f"({t['fixer_success_pct']}%), semantic changes flagged "
            f"{t['semantic_changes_flagged']}/{t['semantic_changes']}, unflagged "
            f"{len(t['unflagged_semantic_changes'])}, false alarms {len(t['false_alarms'])}, "
            f"error type right {t['classified']}/{t['broken']}"
        )
    return "\n".join(lines)


@contextlib.contextmanager
def _sandbox(execute: Execute | None) -> Iterator[tuple[Execute, dict[str, Any]]]:
    if execute is not None:
        yield execute, {"name": "caller-supplied executor", "symbol": SYMBOL}
        return
    from Backtest.bot_executor import BotExecutor

    with tempfile.TemporaryDirectory(prefix="fixbench-") as work_root:
        executor = BotExecutor(work_root=Path(work_root), timeout_s=TIMEOUT_S)
        try:
            layers = executor.start()
            yield (
                lambda code: executor.execute_bot(code=code, test_symbol=SYMBOL, plot=False),
                {"name": "BotExecutor", "sandbox_layers": layers, "symbol": SYMBOL},
            )
        finally:
            executor.close()
