"""Strict validation of what a strategy process sends back (it is untrusted).

The payload is produced in the same process as the strategy code, so every field is type-,
size- and range-checked here; anything malformed raises ``InvalidPayload`` and the run is
reported as a violation instead of being passed on. Numbers must be finite and integers fit in
64 bits (a ``10**400`` must never reach ``float()`` or a database column).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from typing import Any

import numpy as np

from Backtest.sandbox._host.results import (
    WARNING_CODES,
    BatchResult,
    BatchRun,
    ExecutionResult,
    InvalidPayload,
)
from Backtest.sandbox._wire.serialize import (
    MAX_INDICATOR_VALUES,
    MAX_INDICATORS,
    MAX_TAG_CHARS,
    TRADE_FIELDS,
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,99}$")
MAX_STATS = 100
#: Integers beyond int64 are refused wherever they appear.
MAX_ABS_INT = 2**63 - 1


# ---- primitive checks ----------------------------------------------------------------------
def _num(value: Any, what: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidPayload(f"{what} must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidPayload(f"{what} must be finite")
    if isinstance(value, int) and abs(value) > MAX_ABS_INT:
        raise InvalidPayload(f"{what} is an integer beyond 64 bits")
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
    if int in present and max(abs(v) for v in values if type(v) is int) > MAX_ABS_INT:
        raise InvalidPayload(f"{what} holds an integer beyond 64 bits")
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


def _bars(result: ExecutionResult) -> int:
    return result.equity_points_total or len(result.equity_curve)


def validate_indicators(raw: Any, *, bars: int) -> dict[str, Any]:
    """``{"items": [{"name", "rows": [packed floats, one per bar]}]}`` or ``{"skipped"}``."""
    if isinstance(raw, dict) and set(raw) == {"skipped"}:
        return {"skipped": _str(raw["skipped"], "indicators.skipped", 500, optional=False)}
    if not isinstance(raw, dict) or set(raw) != {"items"}:
        raise InvalidPayload("indicators must be {items} or {skipped}")
    items = _list(raw["items"], "indicators.items", MAX_INDICATORS)
    out, total = [], 0
    for item in items:
        if not isinstance(item, dict) or set(item) != {"name", "rows"}:
            raise InvalidPayload("an indicator must be {name, rows}")
        name = _str(item["name"], "indicator name", 200, optional=False)
        rows = [
            _column(row, "indicator values", bars, _NUMBERS)
            for row in _list(item["rows"], "indicator rows", MAX_INDICATOR_VALUES)
        ]
        if any(len(row) != bars for row in rows):
            raise InvalidPayload(f"an indicator must have one value per bar ({bars})")
        total += bars * len(rows)
        if total > MAX_INDICATOR_VALUES:
            raise InvalidPayload(f"more than {MAX_INDICATOR_VALUES} indicator values")
        out.append({"name": name, "rows": rows})
    return {"items": out}


MAX_WARNINGS = 20
MAX_WARNING_CHARS = 500


def validate_warnings(raw: Any) -> list[dict[str, str]]:
    """``[{"code", "message"}]`` with known codes, bounded in number and length."""
    items = _list(raw if raw is not None else [], "warnings", MAX_WARNINGS)
    out = []
    for item in items:
        if not isinstance(item, dict) or set(item) != {"code", "message"}:
            raise InvalidPayload("a warning must be {code, message}")
        if item["code"] not in WARNING_CODES:
            raise InvalidPayload(f"unknown warning code {str(item['code'])[:50]!r}")
        message = _str(item["message"], "warning message", MAX_WARNING_CHARS, optional=False)
        out.append({"code": item["code"], "message": message or ""})
    return out


def _apply_error(result: ExecutionResult | BatchResult, payload: dict[str, Any]) -> None:
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


def _result_frame(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or payload.get("type") != "result":
        raise InvalidPayload("payload is not a result frame")
    if not isinstance(payload.get("ok"), bool):
        raise InvalidPayload("payload.ok must be a bool")
    return payload


def apply_payload(
    result: ExecutionResult, payload: Any, *, max_trades: int, max_points: int
) -> None:
    """Fill ``result`` from the child's final frame; raise ``InvalidPayload`` if malformed."""
    payload = _result_frame(payload)
    if payload.get("mode", "single") != "single":
        raise InvalidPayload("a batch result where a single run was asked for")
    result.warnings = validate_warnings(payload.get("warnings"))
    if payload["ok"] is False:
        _apply_error(result, payload)
        return
    _apply_full(result, payload, max_trades=max_trades, max_points=max_points)


def _apply_full(
    result: ExecutionResult, payload: dict[str, Any], *, max_trades: int, max_points: int
) -> None:
    result.strategy_name = _str(payload.get("strategy"), "strategy", 200)
    result.stats = validate_stats(payload.get("stats"))
    result.trades = validate_trades(payload.get("trades"), max_trades=max_trades)
    result.trades_total = _int(payload.get("trades_total"), "trades_total", len(result.trades))
    result.trades_truncated = result.trades_total > len(result.trades)
    result.equity_curve, result.equity_points_total = validate_equity(
        payload.get("equity"), max_points=max_points
    )
    _num(payload.get("run_seconds"), "run_seconds")
    _num(payload.get("run_cpu_seconds"), "run_cpu_seconds")
    stats = result.stats
    result.return_pct = _float_or_none(stats.get("Return [%]"))
    result.num_trades = _int_or_none(stats.get("# Trades"))
    result.win_rate = _float_or_none(stats.get("Win Rate [%]"))
    result.sharpe_ratio = _float_or_none(stats.get("Sharpe Ratio"))
    result.max_drawdown = _float_or_none(stats.get("Max. Drawdown [%]"))
    result.success = True
    result.no_trades = (result.num_trades or 0) == 0 and result.trades_total == 0
    if result.no_trades:
        result.warnings.append(
            {"code": "no_trades", "message": "the strategy made no trades on this data"}
        )
    if "indicators" in payload:
        result.indicators = validate_indicators(payload["indicators"], bars=_bars(result))
    plot = payload.get("plot")
    if plot is not None:
        if not isinstance(plot, dict) or not set(plot) <= {"sent", "seconds", "error", "skipped"}:
            raise InvalidPayload("plot must be a small mapping")
        result.plot_error = _str(plot.get("error") or plot.get("skipped"), "plot.error", 4000)


def apply_batch_payload(
    result: BatchResult,
    payload: Any,
    *,
    param_sets: list[dict[str, Any]],
    maximize: str | None,
    max_trades: int,
    max_points: int,
) -> None:
    """Fill ``result`` from a batch's final frame; raise ``InvalidPayload`` if malformed."""
    payload = _result_frame(payload)
    result.warnings = validate_warnings(payload.get("warnings"))
    if payload["ok"] is False:
        _apply_error(result, payload)
        return
    if payload.get("mode") != "batch":
        raise InvalidPayload("a single result where a batch was asked for")
    runs = _list(payload.get("runs"), "runs", len(param_sets))
    if len(runs) != len(param_sets):
        raise InvalidPayload("the batch does not answer every parameter set")
    result.runs = [_batch_run(raw, params) for raw, params in zip(runs, param_sets, strict=True)]
    best = payload.get("best_index")
    if best is not None:
        best = _int(best, "best_index", 0, len(runs) - 1)
        if maximize is None or result.runs[best].error_type is not None:
            raise InvalidPayload("best_index without a maximised, successful set")
    result.best_index = best
    result.strategy_name = _str(payload.get("strategy"), "strategy", 200)
    if payload.get("full") is not None:
        full = ExecutionResult(success=False)
        _apply_full(
            full, _result_frame(payload["full"]), max_trades=max_trades, max_points=max_points
        )
        result.full = full
    result.success = True


def _batch_run(raw: Any, params: dict[str, Any]) -> BatchRun:
    if not isinstance(raw, dict):
        raise InvalidPayload("each batch run must be a mapping")
    if set(raw) == {"stats"}:
        stats = validate_stats(raw["stats"])
        if any(isinstance(v, str) for v in stats.values()):
            raise InvalidPayload("a batch run's stats must be numeric")
        return BatchRun(params=params, stats=stats)
    if set(raw) == {"error_type", "error_message"}:
        error_type = _str(raw["error_type"], "error_type", 100, optional=False)
        if not _NAME.match(error_type or ""):
            raise InvalidPayload("error_type is not a name")
        return BatchRun(
            params=params,
            error_type=error_type,
            error_message=_str(raw["error_message"], "error_message", 500),
        )
    raise InvalidPayload("a batch run is {stats} or {error_type, error_message}")


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None
