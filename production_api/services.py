"""Pre-flight checks: spec and code validation, a sandbox smoke test, backtest settings.

Nothing here is stored; every check reports what really happened (the sandbox test runs the
code for real on a short window of bars).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers

from algoagent.errors import ApiError
from Backtest.market_data import DataError, iso_utc
from Backtest.spec import (
    AnySpec,
    CompileError,
    SpecValidationError,
    compile_spec,
    validate_spec,
)
from Backtest.validation import validate_code
from data_api import selectors as data_selectors
from strategy_api import engine


def spec_validate(*, data: Any, field_prefix: str = "") -> AnySpec:
    """Validate spec JSON; problems become a 400 with dotted paths under ``details.fields``.

    ``field_prefix`` locates the spec inside a larger body (``"spec."``); problems with the
    spec as a whole go under the prefix itself, or ``non_field_errors`` without one.
    """
    try:
        return validate_spec(data)
    except SpecValidationError as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            if error["field"]:
                key = f"{field_prefix}{error['field']}"
            else:
                key = field_prefix.rstrip(".") or "non_field_errors"
            fields.setdefault(key, []).append(error["message"])
        raise serializers.ValidationError(fields) from None


def spec_normalised(spec: AnySpec) -> dict[str, Any]:
    """The canonical JSON of a validated spec (aliases resolved, defaults filled, no nulls)."""
    return spec.model_dump(mode="json", exclude_none=True)


def spec_check(*, data: Any) -> dict[str, Any]:
    """``{"valid": true, "spec": normalised, "schema_version"}`` or a 400 (see spec_validate)."""
    spec = spec_validate(data=data)
    return {"valid": True, "spec": spec_normalised(spec), "schema_version": spec.version}


def code_validate(*, code: str) -> dict[str, Any]:
    """The static validator's findings for ``code`` (nothing is executed)."""
    report = validate_code(code, max_bytes=settings.STRATEGY_CODE_MAX_BYTES)
    findings = [finding.to_dict() for finding in report.findings]
    errors = sum(1 for f in findings if f["severity"] == "error")
    return {
        "valid": report.ok,
        "strategy_class": report.strategy_class,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": findings,
    }


def spec_compile(*, data: Any, field_prefix: str = "") -> tuple[AnySpec, str]:
    """Validate and compile spec JSON to backtesting.py code."""
    spec = spec_validate(data=data, field_prefix=field_prefix)
    try:
        return spec, compile_spec(spec)
    except CompileError as exc:
        raise ApiError(str(exc), code="compile_failed", status_code=422) from None


def strategy_sandbox_test(
    *,
    user: AbstractBaseUser,
    code: str | None = None,
    spec: dict[str, Any] | None = None,
    symbol: str = "GOOG",
    bars: int = 250,
    cash: float = 10_000,
) -> dict[str, Any]:
    """Run code (or a spec, compiled) in the sandbox on the last ``bars`` bars of ``symbol``.

    The answer is the run's real outcome. Code the static validator rejects is not run: the
    outcome is then a ``validation_error`` with the first error's line, and ``ran`` is false.
    Data is read at the symbol's native interval, so every symbol works; trades still open
    at the end are closed and counted (``finalize_trades``).
    """
    if spec is not None:
        _, code = spec_compile(data=spec, field_prefix="spec.")
    code = code or ""
    try:
        frame = data_selectors.ohlcv_load(user=user, symbol=symbol)
    except DataError as exc:
        raise serializers.ValidationError({"symbol": [exc.message]}) from None
    window = frame.iloc[-bars:]
    outcome: dict[str, Any] = {
        "symbol": symbol.strip().upper(),
        "bars": len(window),
        "start": iso_utc(window.index[0]),
        "end": iso_utc(window.index[-1]),
    }
    check = code_validate(code=code)
    if not check["valid"]:
        first = next(f for f in check["findings"] if f["severity"] == "error")
        return {
            **outcome,
            "ran": False,
            "success": False,
            "no_trades": False,
            "num_trades": None,
            "return_pct": None,
            "win_rate": None,
            "max_drawdown": None,
            "error_type": "validation_error",
            "error_message": first["message"],
            "error_line": first["line"],
            "execution_time": 0.0,
            "sandbox_layers": [],
            "findings": check["findings"],
        }
    # finalize_trades: on a short window the last trade is often still open; count it.
    result = engine.executor_get().execute_bot(
        code=code,
        data=window,
        test_symbol=outcome["symbol"],
        cash=cash,
        plot=False,
        finalize_trades=True,
    )
    return {
        **outcome,
        "ran": True,
        "success": result.success,
        "no_trades": result.no_trades,
        "num_trades": result.num_trades,
        "return_pct": result.return_pct,
        "win_rate": result.win_rate,
        "max_drawdown": result.max_drawdown,
        "error_type": result.error_type,
        "error_message": result.error_message,
        "error_line": result.error_line,
        "execution_time": result.execution_time,
        "sandbox_layers": result.sandbox_layers,
        "findings": check["findings"],
    }


# Which request field a market-data problem belongs to.
_DATA_ERROR_FIELDS = {
    "unknown_symbol": ["symbol"],
    "invalid_symbol": ["symbol"],
    "empty_range": ["start", "end"],
    "invalid_range": ["end"],
    "invalid_interval": ["interval"],
}


def backtest_config_validate(
    *,
    user: AbstractBaseUser,
    symbol: str,
    start: Any = None,
    end: Any = None,
    interval: str = "1d",
    **options: Any,
) -> dict[str, Any]:
    """Check that a backtest configuration would find data; report the symbol and bar count.

    ``options`` (cash, commission ...) were range-checked by the input serializer; they are
    echoed back in ``config``.
    """
    try:
        frame = data_selectors.ohlcv_load(
            user=user, symbol=symbol, start=start, end=end, interval=interval
        )
    except DataError as exc:
        names = _DATA_ERROR_FIELDS.get(exc.code, ["symbol"])
        raise serializers.ValidationError({name: [exc.message] for name in names}) from None
    info = data_selectors.symbol_info_get(user=user, symbol=symbol)
    config = {
        "symbol": symbol,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "interval": interval,
        **options,
    }
    return {
        "valid": True,
        "symbol_info": info.to_dict() if info else None,
        "bars": len(frame),
        "config": config,
    }
