"""``BacktestOutcome``: one run's result, the warnings a user must see, and its benchmark."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from Backtest.pipeline.request import BacktestRequest
from Backtest.sandbox import ExecutionResult

__all__ = ["BacktestOutcome", "Benchmark", "RunWarning", "outcome_status"]

MAX_WARNINGS = 20


@dataclass(frozen=True)
class RunWarning:
    """Something true about a run that changes how its numbers should be read.

    ``code`` is stable (``no_trades``, ``insufficient_cash``, ``data_gaps``,
    ``open_trades_at_end``, ``backtesting_warning`` ...); ``message`` says it in words.
    """

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Benchmark:
    """Buy & hold of ``symbol`` over the same bars as the strategy's statistics.

    ``return_pct`` is backtesting.py's own ``Buy & Hold Return [%]``; ``equity`` is what the same
    starting cash held in the symbol was worth at each point of the strategy's equity curve.
    """

    symbol: str
    return_pct: float | None
    equity: list[dict[str, Any]] = field(default_factory=list)
    alpha_pct: float | None = None
    beta: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BacktestOutcome:
    """What the one backtest pipeline returns to every route."""

    request: BacktestRequest
    result: ExecutionResult
    bars: int
    first_bar: str | None
    last_bar: str | None
    warnings: list[RunWarning] = field(default_factory=list)
    benchmark: Benchmark | None = None

    @property
    def success(self) -> bool:
        """The code ran to the end without error (it may still have made no trades)."""
        return self.result.success

    @property
    def status(self) -> str:
        return outcome_status(self.result)

    def add_warning(self, code: str, message: str) -> None:
        """Record a warning once per code (the first message wins), at most ``MAX_WARNINGS``."""
        if len(self.warnings) < MAX_WARNINGS and all(w.code != code for w in self.warnings):
            self.warnings.append(RunWarning(code, message))

    def warnings_json(self) -> list[dict[str, str]]:
        return [w.to_dict() for w in self.warnings]


def outcome_status(result: ExecutionResult) -> str:
    """``success``, ``no_trades`` (it ran but never traded: not a success) or ``failed``."""
    if not result.success:
        return "failed"
    return "no_trades" if result.no_trades or not result.num_trades else "success"
