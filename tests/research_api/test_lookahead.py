"""POST lookahead_check/: a strategy that peeks at the next bar is caught; an honest one not."""

from __future__ import annotations

import pytest

from Backtest.research.lookahead import compare_indicators, compare_trades, cut_points
from tests.factories import make_strategy
from tests.research_api.conftest import post

pytestmark = pytest.mark.django_db

PEEKING = """import pandas as pd
from backtesting import Strategy


class Peek(Strategy):
    def init(self):
        close = pd.Series(self.data.Close)
        self.tomorrow = self.I(lambda: close.shift(-1).to_numpy(), name="tomorrow")

    def next(self):
        if self.tomorrow[-1] > self.data.Close[-1] and not self.position:
            self.buy()
        elif self.tomorrow[-1] < self.data.Close[-1] and self.position:
            self.position.close()
"""
# Trades on the past only, but draws a centred average (it reads 5 bars ahead) on the chart.
CENTRED = """import pandas as pd
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class Centred(Strategy):
    def init(self):
        close = pd.Series(self.data.Close)
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 20)
        self.centred = self.I(
            lambda: close.rolling(11, center=True).mean().to_numpy(), name="centred"
        )

    def next(self):
        if crossover(self.fast, self.slow):
            self.position.close()
            self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
"""
PERIOD = {"test_symbol": "GOOG", "start": "2010-01-01", "end": "2012-12-31"}


@pytest.mark.slow
def test_a_strategy_peeking_at_the_next_bar_is_flagged(api_client, user):
    strategy = make_strategy(user, name="peek", code=PEEKING)
    body = post(api_client, f"/api/strategies/{strategy.pk}/lookahead_check/", PERIOD)
    assert body["lookahead"] is True
    assert body["biased_signals"] is True
    assert body["cuts_differing"] >= 1
    assert body["warning"]["code"] == "lookahead"
    trading = [d for d in body["details"] if d["first_difference_bar"] is not None]
    assert trading[0]["only_in_full_run"]  # the full run bought on the cut's last bar
    assert body["biased_indicators"] == ["tomorrow"]
    # The shifted close differs on every cut's last real bar, where the copy stands in for it.
    assert body["cuts_differing"] == 20
    assert all(
        d["indicators_differing"]
        == [{"name": "tomorrow", "first_difference_bar": d["cut_bars"] - 1}]
        for d in body["details"]
    )


@pytest.mark.slow
def test_an_indicator_that_reads_ahead_is_flagged_even_when_no_trade_uses_it(api_client, user):
    strategy = make_strategy(user, name="centred", code=CENTRED)
    body = post(api_client, f"/api/strategies/{strategy.pk}/lookahead_check/", PERIOD)
    assert body["biased_signals"] is False  # the trades only use the two SMAs
    assert body["biased_indicators"] == ["centred"]
    assert body["lookahead"] is True
    assert body["cuts_differing"] == body["cuts_checked"] == 20
    assert "computes centred differently" in body["warning"]["message"]
    cut = body["details"][0]
    assert cut["indicators_differing"] == [
        {"name": "centred", "first_difference_bar": cut["cut_bars"] - 5}
    ]


@pytest.mark.slow
def test_an_honest_strategy_is_not_flagged(api_client, user):
    strategy = make_strategy(user)  # the SMA cross: only past closes
    body = post(api_client, f"/api/strategies/{strategy.pk}/lookahead_check/", PERIOD)
    assert body["lookahead"] is False
    assert body["cuts_checked"] == 20
    assert body["cuts_differing"] == 0
    assert body["warning"] is None
    assert body["biased_indicators"] == []  # both SMAs compared on every cut
    assert body["indicators_not_compared"] is None
    assert all(d["indicators_differing"] == [] for d in body["details"])
    assert "signals" in body["checked"]
    assert "indicators" in body["checked"]


def test_cut_points_leave_warm_up_and_stop_short_of_the_end():
    points = cut_points(1000, 5)
    assert points == [250, 437, 624, 812, 999]
    assert cut_points(20) == []


def test_compare_trades_looks_at_entries_up_to_the_last_bar_and_exits_before_it():
    full = [
        {"entry_bar": 3, "size": 10, "entry_price": 1.0, "exit_bar": 8, "exit_price": 2.0},
        {"entry_bar": 9, "size": 5, "entry_price": 3.0, "exit_bar": 15, "exit_price": 2.5},
    ]
    # Cut at 10 bars: the second trade's entry (bar 9) is on the cut's last bar.
    same = [full[0], {**full[1], "exit_bar": 9, "exit_price": 3.0}]  # closed by finalize
    assert not compare_trades(full, same, 10).differs
    missed = [full[0]]
    report = compare_trades(full, missed, 10)
    assert report.differs
    assert report.first_bar == 9
    assert report.full == [[9, 5, 3.0]]


def test_compare_indicators_finds_the_first_bar_where_a_prefix_changes():
    full = [
        {"name": "past", "rows": [[None, 1.0, 2.0, 3.0, 4.0]]},
        {"name": "ahead", "rows": [[1.0, 2.0, 3.0, 4.0, 5.0], [0.0, 0.0, 0.0, 0.0, 0.0]]},
    ]
    cut = [  # cut at 3 bars plus the appended copy (not compared)
        {"name": "past", "rows": [[None, 1.0, 2.0 + 1e-12, 9.0]]},
        {"name": "ahead", "rows": [[1.0, 2.0, 3.5, 3.5], [0.0, 0.0, 0.0, 0.0]]},
    ]
    (difference,) = compare_indicators(full, cut, 3)
    assert (difference.index, difference.name, difference.first_bar) == (1, "ahead", 2)
    assert compare_indicators(full[:1], cut[:1], 3) == []
