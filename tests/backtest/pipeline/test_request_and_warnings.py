"""``BacktestRequest`` validation and the pipeline's own warnings (no sandbox needed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from backtesting.test import GOOG

from Backtest.pipeline import BacktestRequest, InvalidRequest, check_cash, run_backtest
from Backtest.sandbox import ExecutionResult


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"cash": 0}, "cash", "more than 0"),
        ({"commission": 0.2}, "commission", "below 0.2"),
        ({"commission": -0.001}, "commission", "at least 0"),
        ({"spread": 1}, "spread", "below 0.2"),
        ({"margin": 0}, "margin", "more than 0"),
        ({"margin": 2}, "margin", "at most 1"),
        ({"last_bars": 5}, "last_bars", "at least 20"),
        ({"start": dt.date(2012, 1, 2), "end": dt.date(2011, 1, 1)}, "end", "before start"),
    ],
)
def test_out_of_range_values_name_the_field_and_the_range(values, field, words):
    with pytest.raises(InvalidRequest) as caught:
        BacktestRequest.build(**values)
    messages = caught.value.details["fields"][field]
    assert words in messages[0]
    assert field in messages[0] or field == "end"


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(InvalidRequest) as caught:
        BacktestRequest.build(cash=-1, commission=5, margin=3)
    assert set(caught.value.details["fields"]) == {"cash", "commission", "margin"}


def test_unknown_fields_are_refused_not_ignored():
    with pytest.raises(InvalidRequest) as caught:
        BacktestRequest.build(comission=0.01)
    assert "comission" in caught.value.details["fields"]


def test_symbol_is_normalised_and_defaults_are_backtesting_py_defaults():
    request = BacktestRequest.build(symbol=" goog ")
    assert request.symbol == "GOOG"
    assert request.broker_options() == {
        "cash": 10_000.0,
        "commission": 0.0,
        "spread": 0.0,
        "margin": 1.0,
        "trade_on_close": False,
        "hedging": False,
        "exclusive_orders": False,
        "finalize_trades": False,
    }


def test_cash_below_every_price_is_refused_naming_cash():
    frame = GOOG.loc["2012"]
    low, high = frame.Close.min(), frame.Close.max()
    with pytest.raises(InvalidRequest) as caught:
        check_cash(BacktestRequest.build(cash=low / 2), frame)
    assert "not one unit" in caught.value.details["fields"]["cash"][0]
    check_cash(BacktestRequest.build(cash=(low + high) / 2), frame)  # some bars: the run warns
    # Leverage raises buying power: the same cash at 10:1 buys a unit everywhere.
    check_cash(BacktestRequest.build(cash=low / 5, margin=0.1), frame)


class _Executor:
    """Stands in for the sandbox: returns a canned result (the pipeline's bookkeeping only)."""

    def __init__(self, result: ExecutionResult) -> None:
        self.result = result
        self.calls: list[dict] = []

    def execute_bot(self, **kwargs):
        self.calls.append(kwargs)
        return self.result


def test_a_run_without_trades_is_not_a_success_and_keeps_one_warning_per_code():
    reported = {"code": "no_trades", "message": "The strategy placed no trades."}
    result = ExecutionResult(
        success=True, num_trades=0, no_trades=True, stats={}, warnings=[reported, reported]
    )
    outcome = run_backtest(
        request=BacktestRequest.build(), code="...", data=GOOG, executor=_Executor(result)
    )
    assert outcome.status == "no_trades"
    (warning,) = outcome.warnings_json()
    assert warning["code"] == "no_trades"
    # Said in the data's own terms: how many bars, which dates, and why.
    assert f"{len(GOOG):,} bars, 2004-08-19 to 2013-03-01" in warning["message"]
    assert "entry conditions were never met" in warning["message"]


def test_a_run_without_trades_for_lack_of_cash_says_so():
    warnings = [
        {"code": "insufficient_cash", "message": "Some prices are larger than initial cash."},
        {"code": "no_trades", "message": "The strategy placed no trades."},
    ]
    result = ExecutionResult(
        success=True, num_trades=0, no_trades=True, stats={}, warnings=warnings
    )
    outcome = run_backtest(
        request=BacktestRequest.build(), code="...", data=GOOG, executor=_Executor(result)
    )
    message = {w["code"]: w["message"] for w in outcome.warnings_json()}["no_trades"]
    assert "cash could not buy one unit" in message


def test_benchmark_is_buy_and_hold_of_the_same_bars():
    frame = GOOG.iloc[-100:]
    times = [ts.isoformat() for ts in frame.index[::10]]
    result = ExecutionResult(
        success=True,
        num_trades=3,
        stats={"Buy & Hold Return [%]": 12.5, "Alpha [%]": 1.0, "Beta": 0.5},
        equity_curve=[{"time": t, "equity": 1.0} for t in times],
    )
    executor = _Executor(result)
    request = BacktestRequest.build(cash=1000, last_bars=50, commission=0.001)
    outcome = run_backtest(request=request, code="x", data=frame, executor=executor)
    assert outcome.bars == 50
    assert len(executor.calls[0]["data"]) == 50
    assert executor.calls[0]["commission"] == 0.001
    bench = outcome.benchmark
    assert (bench.return_pct, bench.alpha_pct, bench.beta) == (12.5, 1.0, 0.5)
    window = frame.iloc[-50:]
    first_point = next(p for p in bench.equity if p["time"] == window.index[0].isoformat())
    assert first_point["equity"] == pytest.approx(1000)
    last = bench.equity[-1]
    close = window.Close.loc[pd.Timestamp(last["time"])]
    assert last["equity"] == pytest.approx(1000 * close / window.Close.iloc[0])


def test_benchmark_starts_where_backtesting_py_starts_buy_and_hold():
    """backtesting.py measures buy & hold from the first tradable bar (after indicator warm-up);
    the benchmark curve is flat cash until then and ends exactly on the reported return."""
    frame = GOOG.iloc[:300]
    close = frame.Close.to_numpy()
    warmup = 14
    reported = (close[-1] - close[warmup]) / close[warmup] * 100
    times = [ts.isoformat() for ts in frame.index]
    result = ExecutionResult(
        success=True,
        num_trades=2,
        stats={"Buy & Hold Return [%]": reported},
        equity_curve=[{"time": t, "equity": 1.0} for t in times],
    )
    request = BacktestRequest.build(cash=10_000)
    outcome = run_backtest(request=request, code="x", data=frame, executor=_Executor(result))
    equity = [p["equity"] for p in outcome.benchmark.equity]
    assert equity[: warmup + 1] == [pytest.approx(10_000)] * (warmup + 1)
    assert equity[-1] == pytest.approx(10_000 * (1 + reported / 100))
