"""POST lookahead_check/: a strategy that peeks at the next bar is caught; an honest one not."""

from __future__ import annotations

import pytest

from Backtest.research.lookahead import compare_trades, cut_points
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
PERIOD = {"test_symbol": "GOOG", "start": "2010-01-01", "end": "2012-12-31"}


@pytest.mark.slow
def test_a_strategy_peeking_at_the_next_bar_is_flagged(api_client, user):
    strategy = make_strategy(user, name="peek", code=PEEKING)
    body = post(api_client, f"/api/strategies/{strategy.pk}/lookahead_check/", PERIOD)
    assert body["lookahead"] is True
    assert body["biased_signals"] is True
    assert body["cuts_differing"] >= 1
    assert body["warning"]["code"] == "lookahead"
    differing = [d for d in body["details"] if d["differs"]]
    assert differing[0]["only_in_full_run"]  # the full run bought on the cut's last bar


@pytest.mark.slow
def test_an_honest_strategy_is_not_flagged(api_client, user):
    strategy = make_strategy(user)  # the SMA cross: only past closes
    body = post(api_client, f"/api/strategies/{strategy.pk}/lookahead_check/", PERIOD)
    assert body["lookahead"] is False
    assert body["cuts_checked"] == 20
    assert body["cuts_differing"] == 0
    assert body["warning"] is None
    assert body["biased_indicators"] is None  # not compared; said so in `checked`
    assert "signals" in body["checked"]


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
