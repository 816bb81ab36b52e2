"""Typed job payloads of the strategy actions (what a ``Job.input`` of each kind holds).

A view builds the payload, ``job_submit`` stores ``payload.model_dump(mode="json")``, and the
handler reads it back with ``Model.model_validate(job.input)``: one definition, checked on both
sides, instead of dicts whose keys each side spells on its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, create_model

from algoagent.schemas import ApiModel
from Backtest.pipeline import BacktestRequest
from Backtest.pipeline.metrics import METRICS

Provider = Literal["auto", "offline", "gemini"]


class _Payload(ApiModel):
    """A job's input: written once by the view, read back by the handler."""


class ExecuteJobInput(_Payload):
    """``execute``: run one version of a strategy."""

    strategy_id: int
    version: int
    request: BacktestRequest


class ExecuteMultiJobInput(_Payload):
    """``execute_multi``: run one version on several symbols (one request per symbol)."""

    strategy_id: int
    version: int
    requests: list[BacktestRequest]


class FixErrorsJobInput(_Payload):
    """``fix_errors``: repair the current code, verifying every candidate with ``request``."""

    strategy_id: int
    max_attempts: int = Field(3, ge=1, le=10)
    provider: Provider | None = None
    require_trades: bool = False
    allow_semantic_changes: bool = False
    request: BacktestRequest


class GenerateJobInput(_Payload):
    """``generate``: description -> strategy, optionally run (and fixed) with ``request``."""

    description: str
    name: str | None = None
    provider: Provider | None = None
    auto_fix: bool = True
    execute_after_generation: bool = False
    max_fix_attempts: int = Field(3, ge=1, le=10)
    request: BacktestRequest


# --- results ----------------------------------------------------------------------------------
class RunWarningModel(ApiModel):
    """Something that changes how a run's numbers should be read."""

    code: str = Field(
        description="no_trades, insufficient_cash, data_gaps, open_trades_at_end, "
        "backtesting_warning, ..."
    )
    message: str


class EquityPoint(ApiModel):
    time: str | float | None = Field(description="Bar time (ISO 8601) or bar number")
    equity: float | None = Field(description="Account currency")


class EquityCurvePoint(EquityPoint):
    # backtesting.py's DrawdownPct: a fraction despite the name (as the trades' ReturnPct), kept
    # as stored; the description must say so, since metrics' *_pct are percent.
    drawdown_pct: float | None = Field(
        None,
        description="Drawdown below the running peak as a FRACTION, 0 to 1 (0.05 = 5 % below "
        "the peak; backtesting.py's DrawdownPct), not percent; metrics.max_drawdown_pct is "
        "-100 x its largest value",
    )


class BenchmarkModel(ApiModel):
    """Buy & hold of the same bars as the strategy's statistics (backtesting.py's own)."""

    symbol: str
    return_pct: float | None = Field(description="Buy & Hold Return [%], percent")
    equity: list[EquityPoint] = Field(description="The same starting cash held in the symbol")
    alpha_pct: float | None = Field(None, description="Strategy alpha against it, percent")
    beta: float | None = Field(None, description="Strategy beta against it")


Metrics = create_model(  # type: ignore[call-overload]
    "Metrics",
    __base__=ApiModel,
    __doc__="backtesting.py's statistics under names whose suffix is the unit: *_pct percent, "
    "*_s seconds, money in the account currency. None when not reported.",
    **{
        name: (float | int | str | None, Field(None, description=f"{description} ({key})"))
        for name, (key, description) in METRICS.items()
    },
    win_rate=(float | None, Field(None, description="Same as win_rate_pct (percent); legacy")),
    max_drawdown=(
        float | None,
        Field(None, description="Same as max_drawdown_pct (percent); legacy"),
    ),
)


class ExecutionResultPayload(ApiModel):
    """One execution: the body of a finished ``execute`` job and of history detail."""

    success: bool = Field(description="The code ran to the end without an error")
    status: Literal["success", "no_trades", "failed"] = Field(
        description="no_trades: it ran but never traded (not a success)"
    )
    no_trades: bool
    execution_id: int
    strategy_id: int
    version: int | None
    test_symbol: str
    start: datetime | None = Field(
        None, description="The first bar the run asked for; None: from the data's first bar"
    )
    end: datetime | None = Field(
        None, description="The last bar the run asked for; None: to the data's last bar"
    )
    bars: int | None = Field(description="Bars the run used")
    settings: dict[str, Any] = Field(description="interval, cash, commission, spread, ...")
    metrics: Metrics  # type: ignore[valid-type]
    stats: dict[str, Any] = Field(description="backtesting.py's statistics, its own names")
    warnings: list[RunWarningModel]
    benchmark: BenchmarkModel | None
    results_file: str | None
    plot_url: str | None = Field(
        description="The plot's page; while plot_status is pending it answers 404 plot_not_ready"
    )
    plot_status: Literal["pending", "ready", "failed", "too_large", "none"] = Field(
        description="The plot is drawn after the answer: pending until it is ready (or failed)"
    )
    execution_time: float | None = Field(description="Seconds")
    error_type: str | None
    error_message: str | None
    error_line: int | None
    sandbox_layers: list[str]
    timestamp: datetime


class ExecutionDetailPayload(ExecutionResultPayload):
    """An execution with its trades, equity curve and output."""

    trades: list[dict[str, Any]] = Field(description="Prices in the data's currency; *_s seconds")
    trades_total: int
    equity_curve: list[EquityCurvePoint]
    stdout: str
    stderr: str
    traceback: str


class FixAttemptModel(ApiModel):
    """One automatic fix attempt, verified by a sandbox run."""

    attempt: int
    success: bool = Field(description="Its verifying run succeeded (and kept the meaning)")
    error_type: str
    error_message: str
    fix_applied: str
    diff: str = Field(description="Unified diff of the code change")
    semantic_change: bool | None = Field(
        None, description="The fix changed what the strategy does (sizing, parameters, rules)"
    )
    changes: list[str] = Field(default_factory=list, description="What changed, in words")
    provider: str
    key_alias: str | None
    execution_id: int | None
    version_after: int | None
    timestamp: datetime


class FixResultPayload(ApiModel):
    """The body of a finished ``fix_errors`` job."""

    success: bool = Field(
        description="A fix made it run (and kept its meaning, unless allow_semantic_changes)"
    )
    strategy_id: int
    status: str = Field(description="The strategy's status afterwards")
    stopped_reason: str = Field(
        description="fixed, max_attempts, same_error, no_fix, semantic_change_not_allowed, ..."
    )
    semantic_change: bool = Field(
        False,
        description="The applied fix changed what the strategy does (allowed explicitly), or "
        "the fix found would and was not applied (then success is false and proposed_changes "
        "lists what it would change)",
    )
    changes: list[str] = Field(
        default_factory=list, description="What the applied fix changed, in words"
    )
    proposed_changes: list[str] = Field(
        default_factory=list,
        description="Changes of meaning a fix would need; send allow_semantic_changes to apply",
    )
    detail: str
    attempts: int
    current_version: int
    code: str
    fixes: list[FixAttemptModel]
    final_execution: ExecutionResultPayload | None


class GenerateResultPayload(ApiModel):
    """The body of a finished ``generate`` job."""

    strategy_id: int
    status: Literal["success", "fixed", "needs_fixing", "failed", "no_trades"] = Field(
        description="success: generated (and ran, when asked); no_trades: it ran but never "
        "traded (not a success); fixed: a verified fix made it work; needs_fixing: it failed "
        "and auto_fix was off; failed: fixing did not help"
    )
    provider: str
    model: str | None
    key_used: str | None
    code: str
    spec: dict[str, Any] | None
    understood_as: str | None = Field(
        description="The strategy in plain words, rendered from its spec (null when the LLM "
        "wrote code outside the spec)"
    )
    understood: list[str]
    warnings: list[RunWarningModel]
    validation: list[dict[str, Any]]
    execution_result: ExecutionResultPayload | None
    fix_attempts: int
    fixes: list[FixAttemptModel]


class MultiExecutionResultPayload(ApiModel):
    """The body of a finished multi-asset ``execute`` (``symbols: [...]``)."""

    results: dict[str, ExecutionResultPayload] = Field(description="One execution per symbol")
    summary: dict[str, Any] = Field(
        description="symbols, succeeded, failed, best_symbol, worst_symbol, and per metric "
        "(return_pct, buy_hold_return_pct, sharpe_ratio, max_drawdown_pct, win_rate_pct, "
        "num_trades) its mean, median, min, max and count over the symbols that ran"
    )
