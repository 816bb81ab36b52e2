"""Strategy specs and code: validate, normalise and compile (nothing is executed here)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from algoagent.errors import ApiError
from Backtest.spec import (
    AnySpec,
    CompileError,
    SpecValidationError,
    compile_spec,
    render_understood_as,
    validate_spec,
)
from Backtest.validation import validate_code


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
        raise ValidationError(fields) from None


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


def spec_understood_as(spec: dict[str, Any] | None) -> str:
    """The spec in plain words (deterministic, from the spec alone); "" without a spec."""
    if not spec:
        return ""
    return render_understood_as(validate_spec(spec))
