"""The job format (code + backtest options) and its validation, shared by executor and server.

Options are checked by name and type against what ``backtesting.Backtest`` 0.6.6 accepts, so an
unknown or mistyped option is a clear error instead of something passed blindly into the child.
A job is either one backtest (``mode="single"``) or a batch: the same code and data for a list
of parameter sets, each run with ``bt.run(**params)`` in one strategy process (``mode="batch"``,
the unit of work of an optimisation).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

#: Keyword options of ``backtesting.Backtest.__init__`` (0.6.6) and the types they accept.
BACKTEST_OPTIONS: dict[str, str] = {
    "cash": "positive number",
    "spread": "number >= 0",
    "commission": "number, or [fixed, relative] pair",
    "margin": "number in (0, 1]",
    "trade_on_close": "bool",
    "hedging": "bool",
    "exclusive_orders": "bool",
    "finalize_trades": "bool",
}
PLOT_FILENAME = "plot.html"
MAX_CODE_CHARS = 500_000
MAX_PARAMS = 100
MAX_TRADES = 10_000
MAX_EQUITY_POINTS = 2_000
MAX_PARAM_SETS = 5_000
MODES = ("single", "batch")


class JobError(ValueError):
    """The job is malformed (unknown option, wrong type, oversized code)."""


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise JobError(f"option {name!r} must be a finite number, got {value!r}")
    return value  # type: ignore[return-value]


def validate_options(options: dict[str, Any]) -> dict[str, Any]:
    """Check backtest options; return them ready for ``Backtest(**options)``."""
    if not isinstance(options, dict):
        raise JobError("options must be a mapping")
    unknown = sorted(set(options) - set(BACKTEST_OPTIONS))
    if unknown:
        raise JobError(
            f"unknown backtest option(s) {unknown}; accepted: {sorted(BACKTEST_OPTIONS)}"
        )
    out: dict[str, Any] = {}
    for name, value in options.items():
        if name in ("trade_on_close", "hedging", "exclusive_orders", "finalize_trades"):
            if not isinstance(value, bool):
                raise JobError(f"option {name!r} must be a bool, got {value!r}")
            out[name] = value
        elif name == "commission":
            if isinstance(value, list | tuple):
                if len(value) != 2:
                    raise JobError("commission pair must be [fixed, relative]")
                out[name] = (_number(name, value[0]), _number(name, value[1]))
            elif callable(value):
                raise JobError("a callable commission cannot cross the sandbox; use a number")
            else:
                out[name] = _number(name, value)
        else:
            number = _number(name, value)
            if name == "cash" and number <= 0:
                raise JobError("cash must be positive")
            if name == "spread" and number < 0:
                raise JobError("spread must be >= 0")
            if name == "margin" and not 0 < number <= 1:
                raise JobError("margin must be in (0, 1]")
            out[name] = number
    return out


def _param_value(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        if isinstance(value, str) and len(value) > 1000:
            raise JobError(f"strategy parameter {name!r} is too long")
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _number(name, value)
    if isinstance(value, list | tuple) and len(value) <= 1000:
        return [_param_value(name, v) for v in value]
    raise JobError(f"strategy parameter {name!r} must be a JSON scalar or list")


def validate_params(params: dict[str, Any]) -> dict[str, Any]:
    """Strategy class parameters for ``bt.run(**params)``."""
    if not isinstance(params, dict) or len(params) > MAX_PARAMS:
        raise JobError(f"strategy_params must be a mapping of at most {MAX_PARAMS} entries")
    out = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise JobError(f"strategy parameter name {name!r} is not a public identifier")
        out[name] = _param_value(name, value)
    return out


def validate_param_sets(raw: Any) -> list[dict[str, Any]]:
    """The parameter sets of a batch: 1 to ``MAX_PARAM_SETS`` mappings for ``bt.run``."""
    if not isinstance(raw, list | tuple) or not 1 <= len(raw) <= MAX_PARAM_SETS:
        raise JobError(f"param_sets must be a list of 1 to {MAX_PARAM_SETS} mappings")
    return [validate_params(params) for params in raw]


_JOB_FIELDS = frozenset(
    {
        "code",
        "options",
        "strategy_params",
        "plot",
        "indicators",
        "max_trades",
        "max_equity_points",
        "progress",
        "mode",
        "param_sets",
        "maximize",
        "full_result",
    }
)


def validate_job(raw: Any) -> dict[str, Any]:
    """Validate a job dict as received on the wire (executor, server and child alike)."""
    if not isinstance(raw, dict):
        raise JobError("job must be a mapping")
    unknown = set(raw) - _JOB_FIELDS
    if unknown:
        raise JobError(f"unknown job field(s): {sorted(unknown)}")
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise JobError("code must be a non-empty string")
    if len(code) > MAX_CODE_CHARS:
        raise JobError(f"code is longer than {MAX_CODE_CHARS} characters")
    for flag in ("plot", "progress", "indicators"):
        if not isinstance(raw.get(flag, False), bool):
            raise JobError(f"{flag} must be a bool")
    max_trades = raw.get("max_trades", MAX_TRADES)
    max_points = raw.get("max_equity_points", MAX_EQUITY_POINTS)
    for name, value, ceiling in (
        ("max_trades", max_trades, 1_000_000),
        ("max_equity_points", max_points, 100_000),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ceiling:
            raise JobError(f"{name} must be an integer in [0, {ceiling}]")
    mode = raw.get("mode", "single")
    if mode not in MODES:
        raise JobError(f"mode must be one of {MODES}")
    job: dict[str, Any] = {
        "code": code,
        "options": validate_options(raw.get("options", {})),
        "strategy_params": validate_params(raw.get("strategy_params", {})),
        "plot": raw.get("plot", False),
        "progress": raw.get("progress", False),
        "indicators": raw.get("indicators", False),
        "max_trades": max_trades,
        "max_equity_points": max_points,
        "mode": mode,
    }
    if mode == "batch":
        job.update(_batch_fields(raw))
    elif any(name in raw for name in ("param_sets", "maximize", "full_result")):
        raise JobError("param_sets, maximize and full_result belong to a batch job")
    return job


def _batch_fields(raw: dict[str, Any]) -> dict[str, Any]:
    param_sets = validate_param_sets(raw.get("param_sets"))
    maximize = raw.get("maximize")
    if maximize is not None and (not isinstance(maximize, str) or not 0 < len(maximize) <= 100):
        raise JobError("maximize must be the name of a numeric backtesting.py statistic")
    full_result = raw.get("full_result")
    if full_result == "best":
        if maximize is None:
            raise JobError("full_result='best' needs maximize")
    elif full_result is not None and (
        isinstance(full_result, bool)
        or not isinstance(full_result, int)
        or not 0 <= full_result < len(param_sets)
    ):
        raise JobError("full_result must be None, 'best' or the index of a parameter set")
    if raw.get("plot") or raw.get("strategy_params") or raw.get("indicators"):
        raise JobError(
            "a batch takes param_sets (no strategy_params) and returns no plot or indicators"
        )
    return {"param_sets": param_sets, "maximize": maximize, "full_result": full_result}
