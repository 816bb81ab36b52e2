"""POST walk_forward/: windows as specified, the winner of each train window tested after it."""

from __future__ import annotations

import pytest
from backtesting.test import GOOG

from Backtest.market_data import iso_utc
from Backtest.research.walkforward import windows
from jobs.models import JobEvent
from tests.research_api.conftest import post

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEARCH = {
    "symbol": "GOOG",
    "params": {"n1": [5, 10], "n2": [20, 40]},
    "maximize": "Return [%]",
}


@pytest.mark.parametrize("anchored", [False, True])
def test_windows_bounds_and_stitched_oos_equity(api_client, strategy, anchored):
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/walk_forward/",
        {**SEARCH, "train_bars": 500, "test_bars": 400, "anchored": anchored},
    )
    expected = windows(n_bars=len(GOOG), train_bars=500, test_bars=400, anchored=anchored)
    assert len(body["windows"]) == len(expected) == 4
    index = GOOG.index
    for got, want in zip(body["windows"], expected, strict=True):
        assert got["train_start"] == iso_utc(index[want.train_first])
        assert got["train_end"] == iso_utc(index[want.train_last])
        assert got["test_start"] == iso_utc(index[want.test_first])
        assert got["test_end"] == iso_utc(index[want.test_last])
        assert got["test_start"] > got["train_end"]  # never overlapping its own train
        assert got["test_bars"] == 400
        assert got["tried"] == 4
        assert got["best_params"] in [{"n1": a, "n2": b} for a in (5, 10) for b in (20, 40)]
        assert got["test_stats"]["Start"].startswith(got["test_start"][:10])
        assert got["test_stats"]["End"].startswith(got["test_end"][:10])
    compounded = 1.0
    for window in body["windows"]:
        compounded *= 1 + window["test_stats"]["Return [%]"] / 100
    assert body["oos_return_pct"] == pytest.approx((compounded - 1) * 100)
    assert body["oos_equity"][0]["equity"] == pytest.approx(10_000)
    assert body["oos_equity"][-1]["equity"] == pytest.approx(10_000 * compounded)
    done = JobEvent.objects.filter(kind="window_done").order_by("seq")
    assert len(done) == 4
    for event, window in zip(done, body["windows"], strict=True):
        exact = window["test_stats"]["Return [%]"]
        assert event.data["test_return_pct"] == pytest.approx(exact)
        assert event.message.endswith(f"test return {exact:+.2f}%")  # rounded for people


def test_windows_that_do_not_fit_are_refused_before_queueing(api_client, strategy):
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/walk_forward/",
        {**SEARCH, "train_bars": 2000, "test_bars": 400},
        format="json",
    )
    assert response.status_code == 400
    assert "train_bars" in response.json()["error"]["details"]["fields"]
