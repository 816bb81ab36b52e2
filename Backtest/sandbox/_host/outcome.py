"""How the server's answer becomes the caller's ``ExecutionResult`` or ``BatchResult``.

Server-side facts decide first (``results.classify``: kills, violations, cgroup counters);
only then is the strategy process's own (untrusted) payload read, through ``validate``. The
caller's own observations (data warnings) come first in the warnings list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from Backtest.sandbox._host import rundir
from Backtest.sandbox._host.results import (
    BatchResult,
    ExecutionResult,
    InvalidPayload,
    cgroup_limit_failure,
    classify,
    failure,
)
from Backtest.sandbox._host.validate import apply_batch_payload, apply_payload
from Backtest.sandbox._wire.layers import ALL_LAYERS
from Backtest.sandbox._wire.limits import Limits


@dataclass
class Answer:
    """What one submission produced: the server's response, or why there is none."""

    limits: Limits
    response: dict[str, Any] | None = None
    failure: ExecutionResult | None = None
    run_dir: Path | None = None
    leftovers: list[Path] = field(default_factory=list)
    data_warnings: list[dict[str, str]] = field(default_factory=list)


def single_result(answer: Answer, spec: dict[str, Any], plot: bool) -> ExecutionResult:
    """The caller's result of one backtest: server facts first, then the checked payload."""
    if answer.response is None:
        assert answer.failure is not None
        return answer.failure
    response, limits = answer.response, answer.limits
    result = classify(response, limits.to_dict())
    if result is None:
        result = ExecutionResult(success=False)
        invalid = _invalid(
            apply_payload,
            result,
            response["result"],
            max_trades=spec["max_trades"],
            max_points=spec["max_equity_points"],
        )
        result = cgroup_limit_failure(response, invalid or result)
    _server_facts(result, response, limits)
    result.warnings[:0] = answer.data_warnings
    html = response.get("plot_html")
    if result.success and plot and isinstance(html, str) and answer.run_dir is not None:
        result.plot_file = rundir.write_plot(answer.run_dir, html, limits.max_plot_bytes)
        if result.plot_file is None:
            result.plot_error = f"the plot was refused (over {limits.max_plot_bytes} bytes)"
    return result


def batch_result(answer: Answer, spec: dict[str, Any]) -> BatchResult:
    """The caller's result of a batch: server facts first, then the checked payload."""
    if answer.response is None:
        assert answer.failure is not None
        return batch_failure(answer.failure)
    response, limits = answer.response, answer.limits
    decided = classify(response, limits.to_dict())
    result = BatchResult(success=False, maximize=spec["maximize"])
    if decided is not None:
        result = batch_failure(decided, maximize=spec["maximize"])
    else:
        invalid = _invalid(
            apply_batch_payload,
            result,
            response["result"],
            param_sets=spec["param_sets"],
            maximize=spec["maximize"],
            max_trades=spec["max_trades"],
            max_points=spec["max_equity_points"],
        )
        if invalid is not None:
            result = batch_failure(invalid)
        if not result.success:
            limited = cgroup_limit_failure(response, _as_failure(result))
            result.error_type, result.error_message = limited.error_type, limited.error_message
            result.limits_hit = list(limited.limits_hit) or result.limits_hit
    _server_facts(result, response, limits)
    result.warnings[:0] = answer.data_warnings
    return result


def _invalid(check: Callable[..., None], *args: Any, **kwargs: Any) -> ExecutionResult | None:
    """Run a payload check; a malformed payload is the strategy misusing the channel."""
    try:
        check(*args, **kwargs)
    except InvalidPayload as exc:
        return failure("security_violation", f"the sandbox returned an invalid result: {exc}")
    return None


def _server_facts(
    result: ExecutionResult | BatchResult, response: dict[str, Any], limits: Limits
) -> None:
    """What the server itself observed: output, layers, violations, resource usage."""
    result.stdout = _text(response.get("stdout"), limits.max_output_bytes)
    result.stderr = _text(response.get("stderr"), limits.max_output_bytes)
    for stream in ("stdout", "stderr"):
        produced = response.get(f"{stream}_bytes")
        if isinstance(produced, int) and produced > limits.max_output_bytes:
            if "output" not in result.limits_hit:
                result.limits_hit.append("output_truncated")
            break
    layers = response.get("layers")
    if isinstance(layers, list):
        result.sandbox_layers = [x for x in layers if isinstance(x, str) and x in ALL_LAYERS]
    violations = response.get("violations")
    if isinstance(violations, list):
        result.violations = violations[:20]
    result.resource_usage = {
        "prewarmed": bool(response.get("prewarmed")),
        "wall_s": _maybe_float(response.get("wall_s")),
        "cpu_s": _maybe_float(response.get("cpu_s")),
        "max_rss_mb": (
            response["max_rss_kb"] / 1024 if isinstance(response.get("max_rss_kb"), int) else None
        ),
        "cgroup_peak_mb": _cgroup_peak_mb(response),
    }


def batch_failure(decided: ExecutionResult, *, maximize: str | None = None) -> BatchResult:
    return BatchResult(
        success=False,
        maximize=maximize,
        error_type=decided.error_type,
        error_message=decided.error_message,
        limits_hit=list(decided.limits_hit),
        sandbox_layers=list(decided.sandbox_layers),
    )


def _as_failure(result: BatchResult) -> ExecutionResult:
    return failure(result.error_type or "sandbox_error", result.error_message or "")


def _text(value: Any, limit: int) -> str:
    return value[: limit * 2] if isinstance(value, str) else ""


def _cgroup_peak_mb(response: dict[str, Any]) -> float | None:
    """The run's total memory peak as its memory cgroup measured it (shared memory included)."""
    cgroup = response.get("cgroup")
    peak = cgroup.get("memory_peak_bytes") if isinstance(cgroup, dict) else None
    if isinstance(peak, int) and not isinstance(peak, bool) and peak > 0:
        return round(peak / (1024 * 1024), 1)
    return None


def _maybe_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
