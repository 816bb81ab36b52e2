"""Generation benchmark: does the offline parser build the RIGHT strategy, and does it trade?

For every description in :mod:`Backtest.quality.corpus_descriptions`: parse, compare the spec
with the expected rules (structurally, ids ignored), compile, validate the code, and backtest it
on GOOG (through ``BotExecutor`` when ``Backtest.bot_executor`` is importable and its sandbox
starts, else in-process; the report says which). ``run()`` returns JSON-safe rates per set.
"""

from __future__ import annotations

import importlib.util
import math
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from Backtest.indicator_registry import get_indicator
from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.corpus_descriptions import HELD_OUT, HELD_OUT_LATE, MAIN, Case
from Backtest.spec import StrategySpec, compile_spec
from Backtest.validation import validate_code

CASH = 100_000  # enough for fixed-size cases such as "100 shares" of GOOG
FALLBACK_SYMBOLS = ("EURUSD", "BTCUSD")
_LOOSE = {"below": {"<", "<=", "crosses_below"}, "above": {">", ">=", "crosses_above"}}
_FLIP = {
    "<": ">",
    ">": "<",
    "<=": ">=",
    ">=": "<=",
    "crosses_above": "crosses_below",
    "crosses_below": "crosses_above",
    "below": "above",
    "above": "below",
}
_OPERAND = re.compile(
    r"^(?P<name>[A-Za-z_]+)(?:\((?P<args>[^)]*)\))?(?:\.(?P<output>[a-z]+))?"
    r"(?:@(?P<source>[A-Za-z]+))?(?:\[(?P<ago>\d+)\])?$"
)
_RULES = (("entry", "entry"), ("exit", "exit"), ("short_entry", "short_entry"))
_RULES += (("short_exit", "short_exit"),)

Operand = tuple[Any, ...] | float
CondKey = tuple[Operand, str, Operand]


# ---- canonical rule trees ------------------------------------------------------------------------
def _canonical_condition(left: Operand, op: str, right: Operand) -> CondKey:
    """Same condition, same key: numbers go right, series are ordered, ops flip to match."""
    if isinstance(left, float) or (not isinstance(right, float) and repr(left) > repr(right)):
        left, right, op = right, left, _FLIP[op]
    return left, op, right


def _expected_operand(text: str) -> Operand:
    try:
        return float(text)
    except ValueError:
        pass
    match = _OPERAND.match(text)
    if match is None:
        raise ValueError(f"bad operand in expected rule: {text!r}")
    args = tuple(float(a) for a in match["args"].split(",") if a.strip()) if match["args"] else ()
    return (match["name"], args, match["output"], match["source"], int(match["ago"] or 0))


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == ";" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts


def parse_expected(text: str) -> Any:
    """Expected-rule notation (see the corpus docstring) -> canonical tree."""
    text = text.strip()
    for logic in ("all", "any"):
        if text.startswith(f"{logic}(") and text.endswith(")"):
            return _group(logic, [parse_expected(p) for p in _split_top(text[len(logic) + 1 : -1])])
    left, op, right = text.split(" ")
    return _canonical_condition(_expected_operand(left), op, _expected_operand(right))


def _group(logic: str, items: list[Any]) -> Any:
    flat: list[Any] = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and item[0] == logic:
            flat.extend(item[1])
        else:
            flat.append(item)
    return flat[0] if len(flat) == 1 else (logic, flat)


def _spec_operand(value: Any, spec: StrategySpec) -> Operand:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    ref, bars_ago = (value.ref, value.bars_ago) if hasattr(value, "ref") else (value, 0)
    ident, _, output = ref.partition(".")
    for item in spec.indicators:
        if item.id == ident:
            info = get_indicator(item.indicator)
            params = info.resolve_params(item.params)
            args = tuple(float(v) for k, v in params.items() if not k.endswith("matype"))
            source = item.source if item.source not in (None, *info.inputs[:1]) else None
            return (info.name, args, output or None, source, bars_ago)
    return (ref, (), None, None, bars_ago)


def spec_tree(node: Any, spec: StrategySpec) -> Any:
    """A spec rule node -> canonical tree."""
    if node is None:
        return None
    if hasattr(node, "conditions"):
        return _group(node.logic, [spec_tree(child, spec) for child in node.conditions])
    return _canonical_condition(
        _spec_operand(node.left, spec), node.op, _spec_operand(node.right, spec)
    )


def trees_match(expected: Any, actual: Any) -> bool:
    """Structural match; loose ops ``below``/``above`` accept levels and crossings."""
    if expected is None or actual is None:
        return expected is None and actual is None
    expected_group = len(expected) == 2 and expected[0] in ("all", "any")
    actual_group = len(actual) == 2 and actual[0] in ("all", "any")
    if expected_group or actual_group:
        if not (expected_group and actual_group) or expected[0] != actual[0]:
            return False
        if len(expected[1]) != len(actual[1]):
            return False
        unused = list(actual[1])
        for item in expected[1]:
            hit = next((a for a in unused if trees_match(item, a)), None)
            if hit is None:
                return False
            unused.remove(hit)
        return True
    e_left, e_op, e_right = expected
    a_left, a_op, a_right = actual
    ops = _LOOSE.get(e_op, {e_op})
    if e_left == a_left and e_right == a_right and a_op in ops:
        return True
    return e_left == a_right and e_right == a_left and _FLIP.get(a_op) in ops


def compare(case: Case, spec: StrategySpec) -> list[str]:
    """Mismatches between the expected rules and the spec (empty = correct)."""
    problems = []
    if spec.side != case.side:
        problems.append(f"side {spec.side} != {case.side}")
    for field_name, rule in _RULES:
        text = getattr(case, field_name)
        expected = parse_expected(text) if text else None
        actual = spec_tree(getattr(spec.rules, rule), spec)
        if not trees_match(expected, actual):
            problems.append(f"{rule}: expected {expected!r}, got {actual!r}")
    for name in ("stop_loss_pct", "take_profit_pct", "trailing_stop_pct", "position_size"):
        want, got = getattr(case, name), getattr(spec, name)
        if (want is None) != (got is None) or (
            want is not None and not math.isclose(want, got, rel_tol=1e-6)
        ):
            problems.append(f"{name}: expected {want}, got {got}")
    return problems


# ---- execution -----------------------------------------------------------------------------------
@dataclass
class RunOutcome:
    """Whether the code ran, how many trades it made, and any error."""

    success: bool
    trades: int = 0
    error: str | None = None


def run_in_process(code: str, symbol: str = "GOOG") -> RunOutcome:
    """Backtest compiled (trusted, generated-by-us) code in this process."""
    import backtesting.test
    from backtesting import Backtest, Strategy

    namespace: dict[str, Any] = {"__name__": "generated_strategy"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "trades remain open at the end" is expected
        try:
            exec(compile(code, "<generated>", "exec"), namespace)
            classes = [
                obj
                for obj in namespace.values()
                if isinstance(obj, type) and issubclass(obj, Strategy) and obj is not Strategy
            ]
            data = getattr(backtesting.test, symbol)
            stats = Backtest(data, classes[0], cash=CASH, commission=0.0).run()
        except Exception as exc:
            return RunOutcome(False, error=f"{type(exc).__name__}: {exc}")
    return RunOutcome(True, trades=int(stats["# Trades"]))


def _executor_runner() -> tuple[Callable[[str, str], RunOutcome] | None, str, Any]:
    """A runner backed by BotExecutor, or None (with the reason) when it is unavailable."""
    if importlib.util.find_spec("Backtest.bot_executor") is None:
        return None, "Backtest.bot_executor is not present", None
    try:
        from Backtest.bot_executor import BotExecutor

        work_root = Path(tempfile.mkdtemp(prefix="quality-generation-"))
        executor = BotExecutor(work_root=work_root)
        executor.start()
    except Exception as exc:
        return None, f"BotExecutor unavailable: {type(exc).__name__}: {exc}", None

    def run(code: str, symbol: str = "GOOG") -> RunOutcome:
        """Backtest ``code`` on ``symbol`` in the sandbox."""
        result = executor.execute_bot(code=code, test_symbol=symbol, cash=CASH, plot=False)
        if not result.success:
            return RunOutcome(False, error=f"{result.error_type}: {result.error_message}")
        return RunOutcome(True, trades=int(result.num_trades or 0))

    return run, "bot_executor", executor


# ---- the benchmark -------------------------------------------------------------------------------
@dataclass
class CaseReport:
    """Per-description outcome."""

    id: str
    set: str
    refuse_expected: bool
    understood: bool = False
    correct: bool = False
    code_valid: bool = False
    runs: bool = False
    trades: int = 0
    trades_goog: int = 0
    symbol: str = "GOOG"
    mismatches: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return dict(self.__dict__)


def evaluate(case: Case, set_name: str, runner: Callable[[str, str], RunOutcome]) -> CaseReport:
    """Parse, check, compile, validate and run one description."""
    report = CaseReport(case.id, set_name, case.refuse)
    try:
        parsed = parse_description(case.text)
    except DescriptionNotUnderstood as exc:
        report.error = exc.message
        report.correct = case.refuse
        return report
    report.understood = True
    if case.refuse:
        report.mismatches = ["expected a refusal, got a strategy"]
        return report
    report.mismatches = compare(case, parsed.spec)
    report.correct = not report.mismatches
    code = compile_spec(parsed.spec)
    validation = validate_code(code)
    report.code_valid = validation.ok
    if not validation.ok:
        report.error = "; ".join(f.message for f in validation.errors)
        return report
    outcome = runner(code, "GOOG")
    report.runs, report.trades, report.error = outcome.success, outcome.trades, outcome.error
    report.trades_goog = outcome.trades
    for symbol in FALLBACK_SYMBOLS:
        if not report.runs or report.trades:
            break
        # A correct rule can simply never fire on GOOG (e.g. RSI(21) < 25); try other data.
        outcome = runner(code, symbol)
        report.runs, report.trades, report.symbol = outcome.success, outcome.trades, symbol
        report.error = outcome.error
    return report


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarise(reports: Iterable[CaseReport]) -> dict[str, Any]:
    """Rates over one set: strategy cases and refusal cases counted separately."""
    reports = list(reports)
    strategies = [r for r in reports if not r.refuse_expected]
    refusals = [r for r in reports if r.refuse_expected]
    n = len(strategies)
    return {
        "cases": len(reports),
        "strategy_cases": n,
        "refusal_cases": len(refusals),
        "understood_rate": _rate(sum(r.understood for r in strategies), n),
        "correct_rate": _rate(sum(r.correct for r in strategies), n),
        "runs_and_trades_rate": _rate(sum(r.runs and r.trades > 0 for r in strategies), n),
        "trades_on_goog_rate": _rate(sum(r.runs and r.trades_goog > 0 for r in strategies), n),
        "correct_and_trades_rate": _rate(
            sum(r.correct and r.runs and r.trades > 0 for r in strategies), n
        ),
        "refusal_correct_rate": _rate(sum(r.correct for r in refusals), len(refusals)),
    }


def run(*, use_executor: bool = True) -> dict[str, Any]:
    """Run the benchmark over both sets; JSON-safe."""
    started = time.perf_counter()
    runner, executor_name, executor = (None, "disabled", None)
    if use_executor:
        runner, executor_name, executor = _executor_runner()
    note = None
    if runner is None:
        note, executor_name, runner = executor_name, "in_process", run_in_process
    try:
        reports = [evaluate(c, "main", runner) for c in MAIN]
        reports += [evaluate(c, "held_out", runner) for c in HELD_OUT]
        reports += [evaluate(c, "held_out_late", runner) for c in HELD_OUT_LATE]
    finally:
        if executor is not None:
            executor.close()
    return {
        "executor": executor_name,
        "executor_note": note,
        "main": summarise(r for r in reports if r.set == "main"),
        "held_out": summarise(r for r in reports if r.set == "held_out"),
        "held_out_late": summarise(r for r in reports if r.set == "held_out_late"),
        "cases": [r.to_dict() for r in reports],
        "seconds": round(time.perf_counter() - started, 2),
    }
