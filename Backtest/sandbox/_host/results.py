"""``ExecutionResult`` and how a server response becomes one.

Server-side facts (exit status, kill reason, cgroup counters, the layers reported before the
strategy ran) decide the outcome first (``classify``); only then is the strategy process's own
payload read, through the strict checks in ``validate``.
"""

from __future__ import annotations

import math
import signal
from dataclasses import dataclass, field, fields
from typing import Any

#: Error types the sandbox itself assigns (any other is the name of the strategy's exception).
ERROR_TYPES_FIXED = (
    "timeout",
    "memory_limit",
    "resource_limit",
    "security_violation",
    "output_limit",
    "sandbox_error",
    "data_error",
    "validation_error",
)
#: Codes of ``ExecutionResult.warnings`` items.
WARNING_CODES = (
    "insufficient_cash",
    "no_trades",
    "open_trades_at_end",
    "data_gaps",
    "backtesting_warning",
)


@dataclass
class ExecutionResult:
    """Outcome of one sandboxed backtest. ``to_dict()`` is JSON-serialisable."""

    success: bool
    return_pct: float | None = None
    num_trades: int | None = None
    win_rate: float | None = None
    sharpe_ratio: float | None = None
    max_drawdown: float | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    trades: list[dict[str, Any]] = field(default_factory=list)
    equity_curve: list[dict[str, Any]] = field(default_factory=list)
    results_file: str | None = None
    plot_file: str | None = None
    execution_time: float = 0.0
    stdout: str = ""
    stderr: str = ""
    no_trades: bool = False
    error_type: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    error_line: int | None = None
    limits_hit: list[str] = field(default_factory=list)
    sandbox_layers: list[str] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)
    strategy_name: str | None = None
    run_id: str | None = None
    trades_total: int = 0
    trades_truncated: bool = False
    equity_points_total: int = 0
    plot_error: str | None = None
    resource_usage: dict[str, float | bool | None] = field(default_factory=dict)
    #: ``[{"code", "message"}]``: backtesting.py's warnings and the sandbox's observations
    #: (codes in ``WARNING_CODES``), bounded in number and length.
    warnings: list[dict[str, str]] = field(default_factory=list)
    #: Only when asked for (look-ahead checks): ``{"items": [{"name", "rows": [[value or
    #: None per bar], ...]}]}``, one row per line of each ``self.I`` indicator, or
    #: ``{"skipped": reason}`` when the run had too many values to return.
    indicators: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe dict (a copy; fast even for thousands of trades)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("trades", "equity_curve", "violations", "warnings"):
            out[name] = [dict(row) for row in out[name]]
        for name in ("stats", "resource_usage"):
            out[name] = dict(out[name])
        out["limits_hit"] = list(self.limits_hit)
        out["sandbox_layers"] = list(self.sandbox_layers)
        return out


@dataclass
class BatchRun:
    """One parameter set of a batch: its numeric stats, or why it failed."""

    params: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)
    error_type: str | None = None
    error_message: str | None = None


@dataclass
class BatchResult:
    """Outcome of ``BotExecutor.execute_batch``: one strategy, one dataset, many parameter sets.

    ``success`` is about the batch as a whole (the code loaded and every set was tried); a set
    can still fail on its own (``runs[i].error_type``). ``best_index`` is the set with the
    highest finite ``maximize`` statistic; ``full`` the complete result (trades, equity) of
    the set asked for with ``full_result``.
    """

    success: bool
    runs: list[BatchRun] = field(default_factory=list)
    best_index: int | None = None
    full: ExecutionResult | None = None
    maximize: str | None = None
    error_type: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    error_line: int | None = None
    strategy_name: str | None = None
    execution_time: float = 0.0
    stdout: str = ""
    stderr: str = ""
    limits_hit: list[str] = field(default_factory=list)
    sandbox_layers: list[str] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    resource_usage: dict[str, float | bool | None] = field(default_factory=dict)

    @property
    def best(self) -> BatchRun | None:
        """The best set's entry, if ``maximize`` was given and any set succeeded."""
        return None if self.best_index is None else self.runs[self.best_index]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe dict."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["runs"] = [{f.name: getattr(run, f.name) for f in fields(run)} for run in self.runs]
        out["full"] = self.full.to_dict() if self.full is not None else None
        return out


class InvalidPayload(ValueError):
    """The child's payload does not match the result schema."""


def failure(error_type: str, message: str, **extra: Any) -> ExecutionResult:
    """A failed result with the given classification."""
    return ExecutionResult(success=False, error_type=error_type, error_message=message, **extra)


def classify(response: dict[str, Any], limits: dict[str, Any]) -> ExecutionResult | None:
    """Outcome decided by server-side facts alone (None: look at the child's payload)."""
    status = response.get("status")
    if status != "finished":
        return failure("sandbox_error", f"sandbox server refused the run: {response.get('error')}")
    if response.get("lockdown_failed"):
        return failure(
            "sandbox_error", f"sandbox lockdown failed: {response.get('lockdown_error')}"
        )
    if response.get("setup_error"):
        return failure(
            "sandbox_error",
            f"the sandbox could not prepare the run: {str(response['setup_error'])[:500]}",
        )
    if response.get("spawn_failed"):
        return failure("sandbox_error", "the sandbox could not start the strategy process")
    violations = response.get("violations") or []
    if violations:
        first = violations[0]
        return failure("security_violation", f"{first['message']} (attempted: {first['kind']})")
    killed_for = response.get("killed_for")
    if killed_for == "timeout":
        return failure(
            "timeout",
            f"the strategy did not finish within {limits.get('timeout_s')} s and was killed",
            limits_hit=["wall_time"],
        )
    if killed_for == "output_limit":
        return failure(
            "output_limit",
            "the strategy printed more output than allowed and was killed",
            limits_hit=["output"],
        )
    if killed_for == "protocol_error" or response.get("protocol_error"):
        return failure(
            "security_violation",
            f"the sandbox result channel was misused: {response.get('protocol_error')}",
        )
    if killed_for is not None:
        return failure("sandbox_error", f"the strategy process was stopped ({killed_for})")
    cgroup = _cgroup_facts(response)
    if cgroup.get("oom_kills"):
        return _memory_cgroup_failure(cgroup)
    sig = response.get("signal")
    if sig is not None:
        return _signal_failure(sig, response, limits)
    if response.get("result") is None:
        return failure(
            "sandbox_error",
            f"the strategy process exited (code {response.get('exit_code')}) without a result",
        )
    return None


def _cgroup_facts(response: dict[str, Any]) -> dict[str, int]:
    raw = response.get("cgroup")
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, int) and not isinstance(v, bool)}


def _memory_cgroup_failure(cgroup: dict[str, int]) -> ExecutionResult:
    return failure(
        "resource_limit",
        f"memory limit of {cgroup.get('memory_mb')} MB reached (memory cgroup: everything the "
        "run holds counts, shared memory and files in its working directory included)",
        limits_hit=["memory_cgroup"],
    )


def cgroup_limit_failure(response: dict[str, Any], result: ExecutionResult) -> ExecutionResult:
    """A failed run whose cgroup refused memory or a new process/thread failed because of that
    limit, whatever the (untrusted) error inside says: report the limit."""
    if result.success:
        return result
    cgroup = _cgroup_facts(response)
    if cgroup.get("memory_failcnt") and cgroup.get("memory_mb"):
        limited = _memory_cgroup_failure(cgroup)
    elif cgroup.get("pids_refused") and cgroup.get("pids_max"):
        limited = failure(
            "resource_limit",
            f"process/thread limit of {cgroup['pids_max']} reached (pids cgroup)",
            limits_hit=["pids_cgroup"],
        )
    else:
        return result
    limited.traceback = result.traceback
    limited.error_line = result.error_line
    return limited


def _signal_failure(sig: int, response: dict[str, Any], limits: dict[str, Any]) -> ExecutionResult:
    if sig == signal.SIGSYS:
        return failure(
            "security_violation",
            "the strategy made a forbidden system call and was stopped by the sandbox (seccomp)",
        )
    cpu = response.get("cpu_s") or 0.0
    cpu_limit = limits.get("cpu_seconds") or (math.ceil(limits.get("timeout_s", 0)) + 2)
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= cpu_limit - 0.5):
        return failure(
            "timeout",
            f"the strategy used more than {cpu_limit} s of CPU time and was killed",
            limits_hit=["cpu_time"],
        )
    if sig == signal.SIGXFSZ:
        return failure("output_limit", "the strategy wrote a file larger than allowed")
    name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
    return failure("sandbox_error", f"the strategy process was killed by {name}")
