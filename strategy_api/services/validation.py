"""Static validation of a strategy's current code."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from Backtest.validation import validate_code
from strategy_api.models import Strategy, StrategyStatus

# Statuses that a validation may replace; a strategy that already ran keeps its richer status
# unless the validator finds an error.
_REPLACEABLE = {StrategyStatus.DRAFT, StrategyStatus.GENERATED, StrategyStatus.VALID}


def strategy_validate(*, strategy: Strategy) -> dict[str, Any]:
    """Run the validator on the current code; mark the strategy valid or invalid."""
    report = validate_code(strategy.code, max_bytes=settings.STRATEGY_CODE_MAX_BYTES)
    findings = [finding.to_dict() for finding in report.findings]
    errors = sum(1 for f in findings if f["severity"] == "error")
    new_status: str
    if not report.ok:
        new_status = StrategyStatus.INVALID
    elif strategy.status in _REPLACEABLE or strategy.status == StrategyStatus.INVALID:
        new_status = StrategyStatus.VALID
    else:
        new_status = strategy.status
    if new_status != strategy.status:
        Strategy.objects.filter(pk=strategy.pk).update(status=new_status)
        strategy.status = new_status
    return {
        "valid": report.ok,
        "strategy_class": report.strategy_class,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": findings,
        "status": strategy.status,
    }
