"""Alpha and beta against another symbol, computed as backtesting.py computes its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from backtesting import Backtest, Strategy
from backtesting.test import GOOG, SMA

from Backtest.pipeline import BacktestRequest, InvalidRequest
from Backtest.pipeline.run import benchmark_against, first_trading_bar
from Backtest.sandbox import ExecutionResult


class Trend(Strategy):
    """Trusted test strategy (runs in this process, never user code)."""

    def init(self):
        self.ma = self.I(SMA, self.data.Close, 30)

    def next(self):
        if self.data.Close[-1] > self.ma[-1] and not self.position:
            self.buy()
        elif self.data.Close[-1] < self.ma[-1] and self.position:
            self.position.close()


def _result(stats) -> ExecutionResult:
    curve = stats["_equity_curve"]
    return ExecutionResult(
        success=True,
        stats={k: v for k, v in stats.items() if not k.startswith("_")},
        equity_curve=[
            {"time": t.isoformat(), "equity": float(e)} for t, e in curve["Equity"].items()
        ],
    )


def test_against_its_own_symbol_it_equals_backtesting_pys_alpha_and_beta():
    stats = Backtest(GOOG, Trend, cash=10_000, finalize_trades=True).run()
    request = BacktestRequest.build(symbol="GOOG", benchmark="SAME")
    found = benchmark_against(request, GOOG, _result(stats), GOOG)
    assert found.symbol == "SAME"
    assert found.return_pct == pytest.approx(stats["Buy & Hold Return [%]"])
    assert found.beta == pytest.approx(stats["Beta"])
    assert found.alpha_pct == pytest.approx(stats["Alpha [%]"])
    assert found.equity[-1]["equity"] == pytest.approx(10_000 * (1 + found.return_pct / 100))
    assert len(found.equity) == len(GOOG)


def test_a_slower_benchmark_is_aligned_on_the_last_close_before_each_bar():
    data = GOOG.loc["2012"]
    stats = Backtest(data, Trend, cash=10_000, finalize_trades=True).run()
    monthly = GOOG["Close"].resample("ME").last().to_frame()
    request = BacktestRequest.build(symbol="GOOG", benchmark="MONTHLY")
    found = benchmark_against(request, data, _result(stats), monthly)
    aligned = monthly["Close"].reindex(data.index, method="ffill")
    start = first_trading_bar(data["Close"].to_numpy(), stats["Buy & Hold Return [%]"])
    assert start == 29  # SMA(30): backtesting.py's buy & hold starts after the warm-up
    assert found.return_pct == pytest.approx((aligned.iloc[-1] / aligned.iloc[start] - 1) * 100)
    assert np.isfinite(found.beta)


def test_a_benchmark_without_a_price_at_the_first_bar_is_refused_naming_it():
    data = GOOG.loc["2012"]
    stats = Backtest(data, Trend, cash=10_000).run()
    later = GOOG.loc["2012-06":]
    request = BacktestRequest.build(symbol="GOOG", benchmark="LATER")
    with pytest.raises(InvalidRequest) as caught:
        benchmark_against(request, data, _result(stats), later)
    assert "LATER has no price" in caught.value.details["fields"]["benchmark"][0]


def test_the_request_normalises_the_benchmark_symbol():
    assert BacktestRequest.build(benchmark=" spy ").benchmark == "SPY"
    assert isinstance(pd.Timestamp("2020-01-01"), pd.Timestamp)


def test_a_long_run_against_another_symbol_is_stored_downsampled_with_its_benchmark():
    from Backtest.pipeline.run import STORED_EQUITY_POINTS, run_backtest

    stats = Backtest(GOOG, Trend, cash=10_000, finalize_trades=True).run()

    class FullEquityExecutor:
        """Answers like the sandbox asked for every bar's equity (a trusted in-process run)."""

        def execute_bot(self, *, max_equity_points=2000, **kwargs):
            assert max_equity_points == len(GOOG)
            result = _result(stats)
            for point, dd in zip(
                result.equity_curve, stats["_equity_curve"]["DrawdownPct"], strict=True
            ):
                point["drawdown_pct"] = float(dd)
            return result

    outcome = run_backtest(
        request=BacktestRequest.build(symbol="GOOG", benchmark="OTHER"),
        code="unused",
        data=GOOG,
        executor=FullEquityExecutor(),
        benchmark_data=GOOG,
    )
    assert len(outcome.result.equity_curve) <= STORED_EQUITY_POINTS < len(GOOG)
    assert len(outcome.benchmark.equity) == len(outcome.result.equity_curve)
    assert outcome.benchmark.beta == pytest.approx(stats["Beta"])
    times = [p["time"] for p in outcome.result.equity_curve]
    assert [p["time"] for p in outcome.benchmark.equity] == times
