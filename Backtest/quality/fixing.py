"""Fixer quality benchmark: the OFFLINE fixer (rules only, no LLM) on every broken strategy.

For each case of :mod:`Backtest.quality.corpus_broken` the original is executed once; if it
fails (or trades nothing) the analyzer's type is compared with the label, then the fixer gets
three attempts, each verified by re-executing the fixed code. A case counts as fixed only when
the final code runs AND trades. Rates are reported separately for the main set (the rules were
developed against it) and the held-out set (written before the rules, never tuned on).

Execution goes through the sandboxed ``Backtest.bot_executor.BotExecutor`` when it can start;
otherwise through :class:`ForkRunner`, a plain fork of this process that is NOT a sandbox and is
only acceptable because the corpus is our own code. The report names the executor used.
"""

from __future__ import annotations

import contextlib
import io
import json
import linecache
import os
import select
import signal
import sys
import tempfile
import time
import traceback as tb_module
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from Backtest.bot_error_fixer import BotErrorFixer, ErrorAnalyzer
from Backtest.quality.corpus_broken import HELD_OUT_CASES, MAIN_CASES, BrokenStrategy

__all__ = ["TARGET_FIX_RATE", "ForkRunner", "LocalResult", "run"]

TARGET_FIX_RATE = 0.9
MAX_ATTEMPTS = 3
TIMEOUT_S = 10.0
SYMBOL = "GOOG"


def run(
    *, include_held_out: bool = True, executor: str = "auto", limit: int | None = None
) -> dict[str, Any]:
    """Run the benchmark; returns a JSON-safe report (rates, per-case outcomes, executor).

    ``executor``: ``"auto"`` (sandbox, else fork), ``"sandbox"`` (fail if unavailable) or
    ``"fork"``. ``limit`` runs only the first N cases of each set (smoke tests).
    """
    sets: dict[str, tuple[BrokenStrategy, ...]] = {"main": MAIN_CASES}
    if include_held_out:
        sets["held_out"] = HELD_OUT_CASES
    if limit is not None:
        sets = {name: cases[:limit] for name, cases in sets.items()}
    with _executor(executor) as (execute, executor_info):
        analyzer = ErrorAnalyzer()
        fixer = BotErrorFixer(None)
        report: dict[str, Any] = {"executor": executor_info, "target_fix_rate": TARGET_FIX_RATE}
        for set_name, cases in sets.items():
            outcomes = [_run_case(case, execute, analyzer, fixer) for case in cases]
            report[set_name] = {"totals": _totals(outcomes), "cases": outcomes}
    return json.loads(json.dumps(report, default=str))


def _run_case(
    case: BrokenStrategy,
    execute: Callable[[str], Any],
    analyzer: ErrorAnalyzer,
    fixer: BotErrorFixer,
) -> dict[str, Any]:
    initial = execute(case.code)
    analysis = analyzer.analyze(initial, case.code, require_trades=case.require_trades)
    outcome: dict[str, Any] = {
        "name": case.name,
        "expected_type": case.expected_error_type,
        "mistakes": list(case.mistakes),
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
    )
    final = result.final_analysis
    outcome.update(
        broken=True,
        analyzed_type=analysis.error_type,
        classified=analysis.error_type == case.expected_error_type,
        fixed=result.success,
        attempts=len(result.attempts),
        stopped_reason=result.stopped_reason,
        rules=sorted({name for a in result.attempts for name in a.rules}),
        remaining_error=None if final is None else f"{final.error_type}: {final.message}"[:300],
    )
    if result.success:
        outcome["num_trades"] = getattr(result.final_execution, "num_trades", None)
    return outcome


def _totals(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    broken = [o for o in outcomes if o["broken"]]
    n = len(broken)
    classified = sum(1 for o in broken if o["classified"])
    fixed = sum(1 for o in broken if o["fixed"])
    return {
        "cases": len(outcomes),
        "broken": n,
        "not_broken": [o["name"] for o in outcomes if not o["broken"]],
        "classified": classified,
        "fixed": fixed,
        "classification_rate": round(classified / n, 3) if n else None,
        "fix_rate": round(fixed / n, 3) if n else None,
        "meets_target": (fixed / n >= TARGET_FIX_RATE) if n else None,
        "unfixed": [o["name"] for o in broken if not o["fixed"]],
        "misclassified": [
            f"{o['name']}: expected {o['expected_type']}, got {o['analyzed_type']}"
            for o in broken
            if not o["classified"]
        ],
    }


@contextlib.contextmanager
def _executor(kind: str) -> Iterator[tuple[Callable[[str], Any], dict[str, Any]]]:
    """The sandboxed executor when available (``kind="auto"``/``"sandbox"``), else ForkRunner."""
    fallback_reason = None
    if kind in ("auto", "sandbox"):
        with tempfile.TemporaryDirectory(prefix="fixbench-") as work_root:
            try:
                from Backtest.bot_executor import BotExecutor

                executor = BotExecutor(work_root=Path(work_root), timeout_s=TIMEOUT_S)
                layers = executor.start()
            except Exception as exc:  # any failure to start means "use the fallback"
                if kind == "sandbox":
                    raise
                fallback_reason = f"{type(exc).__name__}: {exc}"
            else:
                try:
                    yield (
                        lambda code: executor.execute_bot(
                            code=code, test_symbol=SYMBOL, plot=False
                        ),
                        {"name": "BotExecutor", "sandbox_layers": layers, "symbol": SYMBOL},
                    )
                finally:
                    executor.close()
                return
    runner = ForkRunner(timeout_s=TIMEOUT_S)
    yield (
        runner.execute,
        {
            "name": "ForkRunner (not a sandbox)",
            "symbol": SYMBOL,
            "why_not_sandbox": fallback_reason or f"executor={kind!r} requested",
        },
    )


# -- fallback runner -----------------------------------------------------------------------------
@dataclass
class LocalResult:
    """The ``ExecutionResult`` fields the analyzer and the fixer read."""

    success: bool
    num_trades: int | None = None
    no_trades: bool = False
    return_pct: float | None = None
    error_type: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    error_line: int | None = None
    limits_hit: list[str] = field(default_factory=list)
    stdout: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class ForkRunner:
    """Backtests code in a forked child of this process: isolation from crashes and hangs only.

    NOT a sandbox (no filesystem or network restrictions): use it only for trusted code such as
    the benchmark corpus. Plotting is disabled in the child.
    """

    def __init__(self, *, timeout_s: float = TIMEOUT_S, max_output_bytes: int = 64_000) -> None:
        self.timeout_s = timeout_s
        self.max_output_bytes = max_output_bytes

    def execute(self, code: str) -> LocalResult:
        """Run ``code`` on the bundled GOOG data; never raises."""
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read_fd)
            try:
                payload = _child_run(code, self.max_output_bytes)
            except BaseException as exc:  # the child must always answer
                payload = {
                    "success": False,
                    "error_type": "sandbox_error",
                    "error_message": repr(exc),
                }
            with os.fdopen(write_fd, "w") as pipe:
                json.dump(payload, pipe, default=str)
            os._exit(0)
        os.close(write_fd)
        chunks: list[bytes] = []
        deadline = time.monotonic() + self.timeout_s
        with os.fdopen(read_fd, "rb") as pipe:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return LocalResult(
                        success=False,
                        error_type="timeout",
                        error_message=f"the strategy did not finish within {self.timeout_s} s",
                        limits_hit=["wall_time"],
                    )
                ready, _, _ = select.select([pipe], [], [], remaining)
                if ready:
                    chunk = os.read(pipe.fileno(), 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        os.waitpid(pid, 0)
        try:
            return LocalResult(**json.loads(b"".join(chunks) or b"{}"))
        except (ValueError, TypeError) as exc:
            return LocalResult(success=False, error_type="sandbox_error", error_message=str(exc))


class _LimitedOutput(io.StringIO):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, text: str) -> int:
        if self.tell() + len(text) > self.limit:
            raise _OutputLimit
        return super().write(text)


class _OutputLimit(BaseException):
    """Raised in the child when the strategy prints too much."""


def _child_run(code: str, max_output: int) -> dict[str, Any]:
    import backtesting
    from backtesting import Backtest, Strategy
    from backtesting.test import GOOG

    os.chdir(tempfile.mkdtemp(prefix="fixbench-child-"))
    backtesting.Backtest.plot = lambda *a, **k: None  # type: ignore[method-assign]
    output = _LimitedOutput(max_output)
    sys.stdout = sys.stderr = output
    try:
        compiled = compile(code, "strategy.py", "exec", dont_inherit=True)
        linecache.cache["strategy.py"] = (len(code), None, code.splitlines(True), "strategy.py")
        module = types.ModuleType("strategy")
        module.__file__ = "strategy.py"
        sys.modules["strategy"] = module
        exec(compiled, module.__dict__)
        classes = [
            v
            for v in module.__dict__.values()
            if isinstance(v, type) and issubclass(v, Strategy) and v.__module__ == "strategy"
        ]
        leaves = [c for c in classes if not any(o is not c and issubclass(o, c) for o in classes)]
        if len(leaves) != 1:
            return {
                "success": False,
                "error_type": "validation_error",
                "error_message": f"expected one Strategy subclass, found {len(leaves)}",
            }
        stats = Backtest(GOOG, leaves[0], cash=10_000).run()
    except _OutputLimit:
        return {
            "success": False,
            "error_type": "output_limit",
            "error_message": "the strategy printed more output than allowed",
            "limits_hit": ["output"],
        }
    except Exception as exc:
        frames = [f for f, _ in tb_module.walk_tb(exc.__traceback__)]
        lines = [
            n
            for f, n in tb_module.walk_tb(exc.__traceback__)
            if f.f_code.co_filename == "strategy.py"
        ]
        del frames
        line = lines[-1] if lines else getattr(exc, "lineno", None)
        return {
            "success": False,
            "error_type": type(exc).__name__,
            "error_message": str(exc) or type(exc).__name__,
            "traceback": "".join(tb_module.format_exception(exc)),
            "error_line": line,
        }
    trades = int(stats["# Trades"])
    return {
        "success": True,
        "num_trades": trades,
        "no_trades": trades == 0,
        "return_pct": float(stats["Return [%]"]),
        "stdout": output.getvalue()[:max_output],
    }
