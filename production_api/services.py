"""Pre-flight checks: a sandbox smoke test (a job) and backtest settings against the data.

Spec and code validation live with the strategies (``strategy_api.services.specs``); this app
only answers the pre-flight endpoints. The sandbox test runs the code for real, through the one
backtest pipeline, on the last N bars.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from Backtest.pipeline import BacktestRequest
from backtest_api import pipeline
from data_api import selectors as data_selectors
from jobs.models import Job
from jobs.services import job_submit
from production_api.payloads import SandboxTestJobInput, SandboxTestResult
from strategy_api.services.specs import code_validate, spec_compile

JOB_KIND = "sandbox_test"


def _not_run(request: BacktestRequest, findings: list[dict[str, Any]]) -> dict[str, Any]:
    first = next(f for f in findings if f["severity"] == "error")
    return SandboxTestResult.model_validate(
        {
            "symbol": request.symbol,
            "bars": 0,
            "start": None,
            "end": None,
            "ran": False,
            "success": False,
            "status": "failed",
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
            "warnings": [],
            "findings": findings,
        }
    ).to_json()


def strategy_sandbox_test_submit(
    *,
    user: User,
    request: BacktestRequest,
    code: str | None = None,
    spec: dict[str, Any] | None = None,
) -> Job | dict[str, Any]:
    """Queue a real sandbox run of code (or a compiled spec) on ``request``'s last bars.

    Code the static validator rejects is not run: the answer is then returned at once, with
    ``ran`` false and the first error's line. Everything the data can refuse is refused here.
    """
    if spec is not None:
        _, code = spec_compile(data=spec, field_prefix="spec.")
    code = code or ""
    check = code_validate(code=code)
    if not check["valid"]:
        return _not_run(request, check["findings"])
    pipeline.backtest_request_check(owner=user, request=request)
    return job_submit(
        owner=user,
        kind=JOB_KIND,
        input=SandboxTestJobInput(code=code, request=request, findings=check["findings"]),
    )


def strategy_sandbox_test_run(
    *, owner: User, payload: SandboxTestJobInput, on_event=None
) -> dict[str, Any]:
    """The sandbox test's job: one run through the pipeline, answered as ``SandboxTestResult``."""
    request = payload.request
    outcome = pipeline.backtest_execute(
        owner=owner,
        request=request,
        code=payload.code,
        **({"on_event": on_event} if on_event else {}),
    )
    result = outcome.result
    return SandboxTestResult.model_validate(
        {
            "symbol": request.symbol,
            "bars": outcome.bars,
            "start": outcome.first_bar,
            "end": outcome.last_bar,
            "ran": True,
            "success": result.success,
            "status": outcome.status,
            "no_trades": result.success and not result.num_trades,
            "num_trades": result.num_trades,
            "return_pct": result.return_pct,
            "win_rate": result.win_rate,
            "max_drawdown": result.max_drawdown,
            "error_type": result.error_type,
            "error_message": result.error_message,
            "error_line": result.error_line,
            "execution_time": result.execution_time,
            "sandbox_layers": result.sandbox_layers,
            "warnings": outcome.warnings_json(),
            "findings": payload.findings,
        }
    ).to_json()


def backtest_config_validate(*, user: User, request: BacktestRequest) -> dict[str, Any]:
    """Check that a backtest configuration would find data; report the symbol and bar count."""
    bars = pipeline.backtest_request_check(owner=user, request=request)
    info = data_selectors.symbol_info_get(user=user, symbol=request.symbol)
    config = request.to_json()
    for name in ("last_bars", "plot"):
        config.pop(name, None)
    return {
        "valid": True,
        "symbol_info": info.to_dict() if info else None,
        "bars": bars,
        "config": config,
    }
