"""Typed job payload and result of the sandbox test (``POST .../sandbox-test/``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from algoagent.schemas import ApiModel
from Backtest.pipeline import BacktestRequest
from strategy_api.payloads import RunWarningModel


class SandboxTestJobInput(ApiModel):
    """``sandbox_test``: the code (a spec is compiled before), its settings, its findings."""

    code: str
    request: BacktestRequest
    findings: list[dict[str, Any]] = Field(default_factory=list)


class SandboxTestResult(ApiModel):
    """The real outcome of a short sandbox run (or why the code was not run)."""

    symbol: str
    bars: int = Field(description="Bars the strategy ran on")
    start: str | None = Field(description="First bar (ISO 8601)")
    end: str | None = Field(description="Last bar (ISO 8601)")
    ran: bool = Field(description="False when static validation refused the code")
    success: bool
    status: Literal["success", "no_trades", "failed"]
    no_trades: bool
    num_trades: int | None
    return_pct: float | None = Field(description="Percent")
    win_rate: float | None = Field(description="Percent")
    max_drawdown: float | None = Field(description="Percent (negative)")
    error_type: str | None
    error_message: str | None
    error_line: int | None
    execution_time: float = Field(description="Seconds")
    sandbox_layers: list[str]
    warnings: list[RunWarningModel]
    findings: list[dict[str, Any]]
