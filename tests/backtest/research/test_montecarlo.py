"""Monte Carlo of a run's trades: they add up to the run's result; seeded runs repeat exactly."""

from __future__ import annotations

import pytest
from backtesting import Backtest, Strategy
from backtesting.test import GOOG, SMA

from Backtest.research.montecarlo import MonteCarloError, run_trades, simulate


class BuyDips(Strategy):
    """Trusted test strategy: trades often and is still in a trade on the last bar."""

    def init(self):
        self.ma = self.I(SMA, self.data.Close, 5)

    def next(self):
        if not self.position and self.data.Close[-1] < self.ma[-1]:
            self.buy()
        elif self.position and self.data.Close[-1] > self.ma[-1] * 1.02:
            self.position.close()


@pytest.fixture(scope="module")
def stats():
    with pytest.warns(UserWarning, match="remain open"):
        result = Backtest(GOOG, BuyDips, cash=10_000, commission=0.002).run()
    assert result._strategy.position  # the run ends inside a trade
    return result


def _trades(stats):
    return [{"pnl": float(p)} for p in stats["_trades"]["PnL"]]


def test_trades_with_the_open_one_closed_add_up_to_the_runs_return(stats):
    run = run_trades(
        trades=_trades(stats),
        trades_total=len(stats["_trades"]),
        cash=10_000,
        equity_final=stats["Equity Final [$]"],
    )
    assert run.open_trade_closed
    assert len(run.pnl) == len(stats["_trades"]) + 1
    result = simulate(run, runs=50, method="trade_shuffle", seed=1)
    assert result.original["return_pct"] == pytest.approx(stats["Return [%]"], abs=1e-9)
    # Shuffling reorders the same trades: every run ends at the same return.
    assert result.return_pct["p5"] == pytest.approx(stats["Return [%]"], abs=1e-9)
    assert result.return_pct["p95"] == pytest.approx(stats["Return [%]"], abs=1e-9)
    assert result.max_drawdown["p5"] <= result.max_drawdown["p95"] <= 0


def test_the_same_seed_gives_the_same_result_and_another_seed_does_not(stats):
    run = run_trades(
        trades=_trades(stats),
        trades_total=len(stats["_trades"]),
        cash=10_000,
        equity_final=stats["Equity Final [$]"],
    )
    first = simulate(run, runs=300, method="bootstrap", seed=42).to_dict()
    again = simulate(run, runs=300, method="bootstrap", seed=42).to_dict()
    other = simulate(run, runs=300, method="bootstrap", seed=43).to_dict()
    assert first == again
    assert first["return_pct"] != other["return_pct"]
    assert first["return_pct"]["p5"] < first["return_pct"]["p50"] < first["return_pct"]["p95"]
    assert 0 <= first["prob_loss"] <= 1
    fan = first["fan"]
    assert fan[0]["trade"] == 0
    assert fan[-1]["trade"] == len(run.pnl)
    assert fan[0]["p5"] == fan[0]["p95"] == 10_000
    assert all(p["p5"] <= p["p25"] <= p["p50"] <= p["p75"] <= p["p95"] for p in fan)


def test_a_closed_run_gets_no_extra_trade_and_losses_are_counted():
    run = run_trades(
        trades=[{"pnl": 100.0}, {"pnl": -300.0}], trades_total=2, cash=1_000, equity_final=800
    )
    assert not run.open_trade_closed
    assert run.pnl == [100.0, -300.0]
    result = simulate(run, runs=20, method="trade_shuffle", seed=0)
    assert result.prob_loss == 1.0
    assert result.return_pct["p50"] == pytest.approx(-20.0)
    # Growth factors 1.1 and 800/1,100: -27.27 % from the peak in either order.
    assert result.max_drawdown["p5"] == pytest.approx(-300 / 1_100 * 100)
    assert result.max_drawdown["p95"] == pytest.approx(-300 / 1_100 * 100)


def test_trades_are_replayed_as_growth_factors_so_no_order_goes_below_zero():
    # 1,000 -> 2,000 -> 4,000 -> 2,000: factors 2, 2 and 0.5. Replaying the -2,000 first as
    # money would take the account to -1,000; as a factor it halves it, in any order.
    run = run_trades(
        trades=[{"pnl": 1_000.0}, {"pnl": 2_000.0}, {"pnl": -2_000.0}],
        trades_total=3,
        cash=1_000,
        equity_final=2_000,
    )
    result = simulate(run, runs=200, method="trade_shuffle", seed=3)
    assert result.return_pct["p5"] == pytest.approx(100.0)
    assert result.return_pct["p95"] == pytest.approx(100.0)
    assert result.original["max_drawdown"] == pytest.approx(-50.0)
    assert result.max_drawdown["p5"] == pytest.approx(-50.0)
    assert min(point["p5"] for point in result.fan) >= 500 - 1e-9
    boot = simulate(run, runs=500, method="bootstrap", seed=3)
    assert min(point["p5"] for point in boot.fan) > 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"trades": [], "trades_total": 0, "cash": 100, "equity_final": 100}, "no_trades"),
        ({"trades": [{"pnl": 1}], "trades_total": 5, "cash": 100, "equity_final": 101}, None),
        ({"trades": [{"pnl": None}], "trades_total": 1, "cash": 100, "equity_final": 100}, None),
    ],
)
def test_unusable_trades_are_refused(kwargs, code):
    with pytest.raises(MonteCarloError) as caught:
        run_trades(**kwargs)
    if code:
        assert caught.value.code == code


def test_bad_settings_are_refused():
    run = run_trades(trades=[{"pnl": 1.0}], trades_total=1, cash=100, equity_final=101)
    with pytest.raises(MonteCarloError):
        simulate(run, runs=0, method="bootstrap", seed=1)
    with pytest.raises(MonteCarloError):
        simulate(run, runs=10, method="permute", seed=1)
