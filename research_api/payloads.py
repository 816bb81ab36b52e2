"""Typed job payloads and results of the research actions (``Job.input`` / ``Job.result``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from algoagent.schemas import ApiModel
from Backtest.pipeline import BacktestRequest
from strategy_api.payloads import BenchmarkModel, EquityPoint, RunWarningModel

Method = Literal["grid", "sambo"]
ParamValue = int | float | bool | str | None


class ResearchRunInput(ApiModel):
    """What every research job runs: one version of one strategy, on one request's bars."""

    strategy_id: int
    version: int
    request: BacktestRequest


class ChunkSource(ResearchRunInput):
    """The part of an optimising job's input a chunk needs (the rest is the job's business)."""

    model_config = ConfigDict(extra="ignore")

    maximize: str


class SearchSettings(ApiModel):
    """The search: values per parameter (expanded), what to maximise, how to search."""

    values: dict[str, list[ParamValue]] = Field(description="Every value tried, per parameter")
    maximize: str = Field(description="backtesting.py statistic maximised")
    method: Method = "grid"
    constraint: str | None = None
    max_tries: float | None = None
    random_state: int | None = None


class OptimizeJobInput(ResearchRunInput):
    """``optimize``: search the parameter space on the request's bars (on each of ``symbols``
    instead, when given: the request with its symbol replaced)."""

    maximize: str
    search: SearchSettings
    symbols: list[str] | None = None


class WalkForwardJobInput(ResearchRunInput):
    """``walk_forward``: optimise on each train window, test on the bars after it."""

    maximize: str
    search: SearchSettings
    train_bars: int
    test_bars: int
    anchored: bool = False


class MonteCarloJobInput(ApiModel):
    """``monte_carlo``: resample the trades of an execution, or of a fresh run."""

    strategy_id: int
    execution_id: int | None = None
    version: int | None = None
    request: BacktestRequest | None = None
    runs: int
    method: Literal["trade_shuffle", "bootstrap"]
    seed: int


class LookaheadJobInput(ResearchRunInput):
    """``lookahead_check``: compare indicators on full and truncated data."""


# --- results ----------------------------------------------------------------------------------
class HeatmapRow(ApiModel):
    """One backtested combination."""

    params: dict[str, ParamValue]
    value: float | None = Field(
        description="The maximised statistic; null when the run made no trades (as "
        "backtesting.py's heatmap) or the statistic is not a number"
    )
    metrics: dict[str, float | int | None] = Field(
        description="return_pct, num_trades, sharpe_ratio, max_drawdown_pct, win_rate_pct, sqn"
    )
    error: str | None = Field(None, description="Why this combination's run failed")


class BestRun(ApiModel):
    """The best combination's full run: for the equity chart and the trade list."""

    equity_curve: list[EquityPoint]
    trades_total: int
    warnings: list[RunWarningModel]
    benchmark: BenchmarkModel | None


class OptimizeResultPayload(ApiModel):
    """The body of a finished ``optimize`` job."""

    strategy_id: int
    version: int
    symbol: str
    method: Method
    maximize: str = Field(description="backtesting.py statistic maximised")
    constraint: str | None
    param_names: list[str]
    best_params: dict[str, ParamValue]
    best_value: float | None
    best_stats: dict[str, Any] = Field(description="backtesting.py's statistics of the best run")
    best_metrics: dict[str, Any] = Field(description="The same under the API's metric names")
    best_run: BestRun
    heatmap: list[HeatmapRow] = Field(description="Every combination tried, in search order")
    tried: int = Field(description="Combinations actually backtested (after the constraint)")
    grid_size: int = Field(description="Combinations before the constraint and sampling")
    chunks: int = Field(description="Sandbox batches the search ran in")
    workers: list[str] = Field(description="Processes (host:pid) that ran them")
    seconds: float = Field(description="Wall time of the search")
    backtests_per_second: float


class MeanHeatmapRow(ApiModel):
    """One combination's value averaged over the symbols where it has one."""

    params: dict[str, ParamValue]
    value: float | None = Field(description="Mean of the maximised statistic (NaN skipped)")
    symbols: int = Field(description="Symbols the mean is taken over")


class MultiOptimizeSummary(ApiModel):
    """What the per-symbol optimisations say together."""

    symbols: int
    succeeded: int
    failed: list[str]
    maximize: str
    best_params_by_symbol: dict[str, dict[str, ParamValue]]
    best_value_by_symbol: dict[str, float | None]
    common_best: MeanHeatmapRow | None = Field(
        description="The combination with the highest mean value over the symbols: one "
        "setting for all of them (null when no combination has a value)"
    )
    mean_heatmap: list[MeanHeatmapRow] = Field(
        description="Every combination tried on any symbol, its value averaged over the "
        "symbols (as `heatmap.mean(axis=1)` of backtesting.py's MultiBacktest); with sambo "
        "each symbol tries its own combinations, so `symbols` may be fewer than all"
    )
    metrics: dict[str, Any] = Field(
        description="Per metric of each symbol's best run: mean, median, min, max and count"
    )
    best_symbol: str | None
    worst_symbol: str | None


class MultiOptimizeResultPayload(ApiModel):
    """The body of a finished multi-asset ``optimize`` (``symbols: [...]``)."""

    results: dict[str, OptimizeResultPayload] = Field(description="One optimisation per symbol")
    summary: MultiOptimizeSummary


class WindowResult(ApiModel):
    """One walk-forward window: bounds (ISO, first and last bar inclusive) and its test."""

    index: int
    train_start: str | int
    train_end: str | int
    test_start: str | int
    test_end: str | int
    train_bars: int
    test_bars: int
    best_params: dict[str, ParamValue]
    train_value: float | None = Field(description="The maximised statistic on the train bars")
    tried: int
    test_stats: dict[str, Any]
    test_metrics: dict[str, Any]
    test_equity: list[EquityPoint]


class WalkForwardResultPayload(ApiModel):
    """The body of a finished ``walk_forward`` job."""

    strategy_id: int
    version: int
    symbol: str
    maximize: str
    anchored: bool
    windows: list[WindowResult]
    oos_return_pct: float = Field(description="Test windows chained (compounded), percent")
    oos_equity: list[EquityPoint] = Field(description="Stitched out-of-sample equity")
    note: str


class Percentiles(ApiModel):
    p5: float
    p50: float
    p95: float


class FanPoint(ApiModel):
    trade: int = Field(description="Trades replayed so far")
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float


class MonteCarloResultPayload(ApiModel):
    """The body of a finished ``monte_carlo`` job."""

    strategy_id: int
    execution_id: int | None
    runs: int
    method: str
    seed: int
    trades: int = Field(description="Trades resampled (the open one at the end included)")
    open_trade_closed: bool = Field(
        description="The run ended in a trade; its result at the last bar is the last trade"
    )
    return_pct: Percentiles
    max_drawdown: Percentiles = Field(description="Percent, negative; measured at trade closes")
    prob_loss: float = Field(description="Share of runs ending below the starting cash")
    original: dict[str, float] = Field(description="The run's own return and drawdown")
    fan: list[FanPoint] = Field(description="Equity percentiles after each trade")


class LookaheadCut(ApiModel):
    """One cut: the trades that differ between the full run and the run cut there."""

    cut_bars: int = Field(description="The run on the first cut_bars bars")
    cut_time: str = Field(description="Its last bar (ISO 8601)")
    differs: bool = Field(description="Trades or indicator values differ at this cut")
    first_difference_bar: int | None = Field(description="First bar where the trades differ")
    only_in_full_run: list[Any] = Field(description="[entry_bar, size, entry_price] or exits")
    only_in_cut_run: list[Any]
    indicators_differing: list[dict[str, Any]] | None = Field(
        description="[{name, first_difference_bar}] of the indicators whose values on the cut's "
        "bars differ from the full run's; null when indicators were not compared"
    )


class LookaheadResultPayload(ApiModel):
    """The body of a finished ``lookahead_check`` job."""

    strategy_id: int
    version: int
    symbol: str
    lookahead: bool = Field(
        description="Trades or indicator values differ when later bars are removed"
    )
    biased_indicators: list[str] | None = Field(
        description="Names of the self.I indicators whose values change when later bars are "
        "removed ([] when none); null when they could not be compared (see "
        "`indicators_not_compared`)"
    )
    indicators_not_compared: str | None = Field(
        description="Why indicator values were not compared (too many values ...), else null"
    )
    biased_signals: bool = Field(description="Trades differ when later bars are removed")
    checked: str = Field(description="What was compared")
    cuts_checked: int
    cuts_differing: int = Field(description="Cuts where trades or indicator values differ")
    first_difference_bar: int | None = Field(
        description="First bar where trades or an indicator differ"
    )
    first_difference_time: str | None
    details: list[LookaheadCut]
    cuts_failed: list[dict[str, Any]] = Field(
        description="Cuts the code could not run on (too few bars for it): no evidence"
    )
    warning: RunWarningModel | None = Field(
        description="The `lookahead` warning to show with the strategy's results"
    )
