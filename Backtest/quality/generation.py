"""Generation benchmark: does the offline parser build the strategy the text describes?

For every description of the corpora in ``tests/quality/`` (``descriptions_tuning.yaml``,
``descriptions_heldout.yaml``, ``descriptions_heldout2.yaml``, ``descriptions_heldout3.yaml``,
``descriptions_heldout4.yaml``, ``descriptions_heldout5.yaml``,
``descriptions_heldout6.yaml``, ``descriptions_heldout7.yaml``,
``descriptions_heldout8.yaml``, ``descriptions_heldout9.yaml``,
``descriptions_heldout10.yaml``, ``descriptions_heldout11.yaml``,
``descriptions_heldout12.yaml``, ``descriptions_heldout13.yaml``,
``descriptions_heldout14.yaml``, ``descriptions_heldout15.yaml``,
``descriptions_heldout16.yaml``, ``descriptions_heldout17.yaml``,
``descriptions_heldout18.yaml``, ``descriptions_heldout19.yaml``,
``descriptions_heldout20.yaml``, ``descriptions_heldout21.yaml``,
``descriptions_heldout22.yaml``, ``descriptions_heldout23.yaml`` and
``descriptions_tuning2.yaml``, see that folder's README): parse it, and

* **faithful** - accepted, and the spec equals the reference reading (:mod:`.reference`);
* **refused** - refused (for a "must refuse" case that is the right answer);
* **silently wrong** - accepted, but the spec differs from the reference, or the case had to
  be refused. This must be 0.

Faithful % is over the descriptions the spec can express (those with a reference). Accepted
specs are compiled and the code validated; with ``run=True`` each is also backtested on GOOG
through the sandbox (``Backtest.bot_executor.BotExecutor``) - this module never executes
strategy code itself. Refusal messages are measured (median, p90, max characters).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.reference import (
    iter_expectations,
    mismatches,
    reference_facts,
    spec_facts,
)
from Backtest.spec import compile_spec
from Backtest.validation import validate_code

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "quality"
PARTS = {
    "tuning": "descriptions_tuning.yaml",
    "heldout": "descriptions_heldout.yaml",
    "heldout2": "descriptions_heldout2.yaml",
    "heldout3": "descriptions_heldout3.yaml",
    "heldout4": "descriptions_heldout4.yaml",
    "heldout5": "descriptions_heldout5.yaml",
    "heldout6": "descriptions_heldout6.yaml",
    "heldout7": "descriptions_heldout7.yaml",
    "heldout8": "descriptions_heldout8.yaml",
    "heldout9": "descriptions_heldout9.yaml",
    "heldout10": "descriptions_heldout10.yaml",
    "heldout11": "descriptions_heldout11.yaml",
    "heldout12": "descriptions_heldout12.yaml",
    "heldout13": "descriptions_heldout13.yaml",
    "heldout14": "descriptions_heldout14.yaml",
    "heldout15": "descriptions_heldout15.yaml",
    "heldout16": "descriptions_heldout16.yaml",
    "heldout17": "descriptions_heldout17.yaml",
    "heldout18": "descriptions_heldout18.yaml",
    "heldout19": "descriptions_heldout19.yaml",
    "heldout20": "descriptions_heldout20.yaml",
    "heldout21": "descriptions_heldout21.yaml",
    "heldout22": "descriptions_heldout22.yaml",
    "heldout23": "descriptions_heldout23.yaml",
    "tuning2": "descriptions_tuning2.yaml",
}
CASH = 100_000


def load_cases(part: str, directory: Path = CORPUS_DIR) -> list[dict[str, Any]]:
    """The cases of one corpus part."""
    with (directory / PARTS[part]).open(encoding="utf-8") as handle:
        cases: list[dict[str, Any]] = yaml.safe_load(handle)
    return cases


@dataclass
class CaseReport:
    """One description's outcome."""

    id: str
    part: str
    expressible: bool
    outcome: str  # faithful | refused | silently_wrong
    mismatches: list[str] = field(default_factory=list)
    message: str = ""
    understood_as: str = ""
    code_valid: bool | None = None
    trades: int | None = None
    run_error: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return dict(self.__dict__)


def evaluate(case: dict[str, Any], part: str, runner: Any = None) -> CaseReport:
    """Parse one description and score it against its reference."""
    expressible = "refuse" not in case
    started = time.perf_counter()
    try:
        parsed = parse_description(case["text"])
    except DescriptionNotUnderstood as exc:
        return CaseReport(
            case["id"],
            part,
            expressible,
            "refused",
            message=exc.message,
            seconds=round(time.perf_counter() - started, 4),
        )
    seconds = round(time.perf_counter() - started, 4)
    report = CaseReport(
        case["id"],
        part,
        expressible,
        "faithful",
        understood_as=parsed.understood_as,
        seconds=seconds,
    )
    if not expressible:
        report.outcome = "silently_wrong"
        report.mismatches = [f"should have been refused ({case['refuse']})"]
    else:
        actual = spec_facts(parsed.spec)
        attempts = [mismatches(reference_facts(e), actual) for e in iter_expectations(case)]
        best = min(attempts, key=len)
        if best:
            report.outcome = "silently_wrong"
            report.mismatches = best
    code = compile_spec(parsed.spec)
    report.code_valid = validate_code(code).ok
    if runner is not None:
        report.trades, report.run_error = runner(code)
    return report


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def summarise(reports: list[CaseReport]) -> dict[str, Any]:
    """Rates over one corpus part."""
    expressible = [r for r in reports if r.expressible]
    must_refuse = [r for r in reports if not r.expressible]
    faithful = sum(r.outcome == "faithful" for r in expressible)
    refused = [r for r in reports if r.outcome == "refused"]
    wrong = [r for r in reports if r.outcome == "silently_wrong"]
    runs = [r for r in reports if r.trades is not None or r.run_error]
    return {
        "cases": len(reports),
        "expressible": len(expressible),
        "must_refuse": len(must_refuse),
        "faithful": faithful,
        "faithful_pct_of_expressible": _percent(faithful, len(expressible)),
        "refused": len(refused),
        "refused_pct": _percent(len(refused), len(reports)),
        "refused_expressible": sum(r.outcome == "refused" for r in expressible),
        "must_refuse_refused": sum(r.outcome == "refused" for r in must_refuse),
        "silently_wrong": len(wrong),
        "silently_wrong_ids": [r.id for r in wrong],
        "code_valid": sum(bool(r.code_valid) for r in reports if r.code_valid is not None),
        "sandbox_runs": len(runs),
        "sandbox_runs_with_trades": sum(bool(r.trades) for r in runs),
        "median_parse_ms": round(1000 * statistics.median(r.seconds for r in reports), 1)
        if reports
        else None,
    }


def message_lengths(reports: list[CaseReport]) -> dict[str, int | None]:
    """Refusal message length distribution (characters)."""
    lengths = sorted(len(r.message) for r in reports if r.outcome == "refused")
    if not lengths:
        return {"count": 0, "median": None, "p90": None, "max": None}
    p90 = lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))]
    return {
        "count": len(lengths),
        "median": int(statistics.median(lengths)),
        "p90": p90,
        "max": lengths[-1],
    }


def _sandbox_runner() -> tuple[Any, Any]:
    """A runner that backtests code on GOOG in the sandbox, and the executor to close."""
    from Backtest.bot_executor import BotExecutor

    executor = BotExecutor(work_root=Path(tempfile.mkdtemp(prefix="quality-generation-")))
    executor.start()

    def run(code: str) -> tuple[int | None, str | None]:
        result = executor.execute_bot(code=code, test_symbol="GOOG", cash=CASH, plot=False)
        if not result.success:
            return None, f"{result.error_type}: {result.error_message}"
        return int(result.num_trades or 0), None

    return run, executor


def run(*, parts: tuple[str, ...] = tuple(PARTS), sandbox: bool = False) -> dict[str, Any]:
    """Score every part; JSON-safe. ``sandbox=True`` also backtests accepted specs."""
    started = time.perf_counter()
    runner, executor = _sandbox_runner() if sandbox else (None, None)
    try:
        reports = [evaluate(case, part, runner) for part in parts for case in load_cases(part)]
    finally:
        if executor is not None:
            executor.close()
    return {
        "parts": {part: summarise([r for r in reports if r.part == part]) for part in parts},
        "refusal_message_chars": message_lengths(reports),
        "cases": [r.to_dict() for r in reports],
        "seconds": round(time.perf_counter() - started, 2),
    }
