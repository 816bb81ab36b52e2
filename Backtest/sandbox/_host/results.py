"""``ExecutionResult`` and the strict validation of what comes back from the sandbox.

The child's payload is untrusted (it is produced in the same process as the strategy code), so
every field is type- and size-checked here and anything malformed is reported as a security
violation instead of being passed on. Server-side facts (exit status, kill reason, the layers
reported before the strategy ran) decide the outcome first.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import signal
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from Backtest.sandbox._wire.serialize import MAX_TAG_CHARS, TRADE_FIELDS

ERROR_TYPES_FIXED = (
    "timeout",
    "memory_limit",
    "security_violation",
    "output_limit",
    "sandbox_error",
    "data_error",
    "validation_error",
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,99}$")
MAX_STATS = 100


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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe dict (a copy; fast even for thousands of trades)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("trades", "equity_curve", "violations"):
            out[name] = [dict(row) for row in out[name]]
        for name in ("stats", "resource_usage"):
            out[name] = dict(out[name])
        out["limits_hit"] = list(self.limits_hit)
        out["sandbox_layers"] = list(self.sandbox_layers)
        return out


class InvalidPayload(ValueError):
    """The child's payload does not match the result schema."""


def failure(error_type: str, message: str, **extra: Any) -> ExecutionResult:
    """A failed result with the given classification."""
    return ExecutionResult(success=False, error_type=error_type, error_message=message, **extra)


# ---- primitive checks ----------------------------------------------------------------------
def _num(value: Any, what: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidPayload(f"{what} must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidPayload(f"{what} must be finite")
    return value


def _str(value: Any, what: str, limit: int, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidPayload(f"{what} must be a string of at most {limit} chars")
    return value


def _int(value: Any, what: str, low: int = 0, high: int = 10**12) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidPayload(f"{what} must be an integer in [{low}, {high}]")
    return value


def _list(value: Any, what: str, limit: int) -> list[Any]:
    if not isinstance(value, list) or len(value) > limit:
        raise InvalidPayload(f"{what} must be a list of at most {limit} items")
    return value


def _scalar(value: Any, what: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return _num(value, what)
    return _str(value, what, 1000)


# ---- payload -------------------------------------------------------------------------------
def validate_stats(raw: Any) -> dict[str, Any]:
    """Stats: at most 100 string keys with scalar values."""
    if not isinstance(raw, dict) or len(raw) > MAX_STATS:
        raise InvalidPayload("stats must be a mapping of at most 100 entries")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or len(key) > 100:
            raise InvalidPayload("stats keys must be strings of at most 100 chars")
        out[key] = _scalar(value, f"stats[{key!r}]")
    return out


_NONE = type(None)
_PACKED_DTYPES = {"f8": "<f8", "i8": "<i8"}


def _unpack(value: dict[str, Any], what: str, limit: int, kinds: frozenset[type]) -> list[Any]:
    """A packed numeric column (``{"f8"|"i8": base64}``) as a list of Python numbers.

    Only fixed-width little-endian numbers are accepted (``np.frombuffer`` never unpickles);
    non-finite floats become ``None``, as they did in a JSON list.
    """
    if len(value) != 1:
        raise InvalidPayload(f"{what} must be a list or one packed array")
    ((code, text),) = value.items()
    if code not in _PACKED_DTYPES or {"f8": float, "i8": int}[code] not in kinds:
        raise InvalidPayload(f"{what} cannot be packed as {str(code)[:10]!r}")
    if not isinstance(text, str) or len(text) > (limit * 8 + 2) // 3 * 4:
        raise InvalidPayload(f"{what} must hold at most {limit} packed numbers")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidPayload(f"{what} is not valid base64") from None
    if len(raw) % 8:
        raise InvalidPayload(f"{what} is not a whole number of 8-byte values")
    array = np.frombuffer(raw, dtype=_PACKED_DTYPES[code])
    out: list[Any] = array.tolist()
    if code == "f8":
        for i in np.flatnonzero(~np.isfinite(array)):
            out[i] = None
    return out


def _column(raw: Any, what: str, limit: int, kinds: frozenset[type], max_len: int = 0) -> list[Any]:
    """Check a whole column at C speed: element types, finiteness, string lengths."""
    if isinstance(raw, dict):
        return _unpack(raw, what, limit, kinds)
    values = _list(raw, what, limit)
    present = set(map(type, values))
    if not present <= kinds:
        raise InvalidPayload(f"{what} holds {sorted(t.__name__ for t in present - kinds)}")
    if float in present and not all(map(math.isfinite, (v for v in values if type(v) is float))):
        raise InvalidPayload(f"{what} holds a non-finite number")
    if str in present:
        strings = values if len(present) == 1 else [v for v in values if type(v) is str]
        if max(map(len, strings)) > max_len:
            raise InvalidPayload(f"{what} holds a string longer than {max_len}")
    return values


_NUMBERS: frozenset[type] = frozenset({int, float, _NONE})
_INTS: frozenset[type] = frozenset({int})
_TIMES: frozenset[type] = frozenset({str, int, float, _NONE})
_TAGS: frozenset[type] = frozenset({str, _NONE})


def validate_trades(raw: Any, *, max_trades: int) -> list[dict[str, Any]]:
    """Columnar trades -> list of row dicts."""
    if not isinstance(raw, dict) or not set(raw) <= set(TRADE_FIELDS.values()):
        raise InvalidPayload("trades must map known trade fields to lists")
    columns: dict[str, list[Any]] = {}
    for name, values in raw.items():
        what = f"trades.{name}"
        if name in ("entry_bar", "exit_bar"):
            column = _column(values, what, max_trades, _INTS)
            if column and (min(column) < -1 or max(column) > 10**12):
                raise InvalidPayload(f"{what} out of range")
        elif name == "tag":
            column = _column(values, what, max_trades, _TAGS, MAX_TAG_CHARS)
        elif name in ("entry_time", "exit_time"):
            column = _column(values, what, max_trades, _TIMES, 64)
        else:
            column = _column(values, what, max_trades, _NUMBERS)
        columns[name] = column
    if len({len(c) for c in columns.values()}) > 1:
        raise InvalidPayload("trade columns have different lengths")
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def validate_equity(raw: Any, *, max_points: int) -> tuple[list[dict[str, Any]], int]:
    """Columnar equity curve -> (list of {time, equity, drawdown_pct}, original length)."""
    if not isinstance(raw, dict):
        raise InvalidPayload("equity must be a mapping")
    limit = max_points + 10
    times = _column(raw.get("time"), "equity.time", limit, _TIMES, 64)
    equity = _column(raw.get("equity"), "equity.equity", limit, _NUMBERS)
    drawdown = _column(raw.get("drawdown_pct"), "equity.drawdown_pct", limit, _NUMBERS)
    if not len(times) == len(equity) == len(drawdown):
        raise InvalidPayload("equity columns have different lengths")
    total = _int(raw.get("total_points"), "equity.total_points", len(times))
    rows = [
        {"time": t, "equity": e, "drawdown_pct": d}
        for t, e, d in zip(times, equity, drawdown, strict=True)
    ]
    return rows, total


def apply_payload(
    result: ExecutionResult, payload: Any, *, max_trades: int, max_points: int
) -> None:
    """Fill ``result`` from the child's final frame; raise ``InvalidPayload`` if malformed."""
    if not isinstance(payload, dict) or payload.get("type") != "result":
        raise InvalidPayload("payload is not a result frame")
    ok = payload.get("ok")
    if ok is False:
        error_type = _str(payload.get("error_type"), "error_type", 100, optional=False)
        if not _NAME.match(error_type or ""):
            raise InvalidPayload("error_type is not a name")
        result.success = False
        result.error_type = error_type
        result.error_message = _str(payload.get("error_message"), "error_message", 4000)
        result.traceback = _str(payload.get("traceback"), "traceback", 20_000)
        line = payload.get("error_line")
        result.error_line = None if line is None else _int(line, "error_line", 1, 10**7)
        if error_type == "memory_limit":
            result.limits_hit.append("memory")
        return
    if ok is not True:
        raise InvalidPayload("payload.ok must be a bool")
    result.strategy_name = _str(payload.get("strategy"), "strategy", 200)
    result.stats = validate_stats(payload.get("stats"))
    result.trades = validate_trades(payload.get("trades"), max_trades=max_trades)
    result.trades_total = _int(payload.get("trades_total"), "trades_total", len(result.trades))
    result.trades_truncated = result.trades_total > len(result.trades)
    result.equity_curve, result.equity_points_total = validate_equity(
        payload.get("equity"), max_points=max_points
    )
    _num(payload.get("run_seconds"), "run_seconds")
    stats = result.stats
    result.return_pct = _float_or_none(stats.get("Return [%]"))
    result.num_trades = _int_or_none(stats.get("# Trades"))
    result.win_rate = _float_or_none(stats.get("Win Rate [%]"))
    result.sharpe_ratio = _float_or_none(stats.get("Sharpe Ratio"))
    result.max_drawdown = _float_or_none(stats.get("Max. Drawdown [%]"))
    result.success = True
    result.no_trades = (result.num_trades or 0) == 0 and result.trades_total == 0
    plot = payload.get("plot")
    if plot is not None:
        if not isinstance(plot, dict) or not set(plot) <= {"sent", "seconds", "error", "skipped"}:
            raise InvalidPayload("plot must be a small mapping")
        result.plot_error = _str(plot.get("error") or plot.get("skipped"), "plot.error", 4000)


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


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
