"""Walk-forward window arithmetic: full windows only, tests right after their own train."""

from __future__ import annotations

import pandas as pd
import pytest

from Backtest.research.walkforward import (
    WalkForwardError,
    Window,
    stitch_equity,
    window_bounds,
    windows,
)


def test_rolling_windows_step_by_the_test_length_and_drop_the_partial_tail():
    found = windows(n_bars=130, train_bars=50, test_bars=20, anchored=False)
    assert found == [
        Window(0, 0, 49, 50, 69),
        Window(1, 20, 69, 70, 89),
        Window(2, 40, 89, 90, 109),
        Window(3, 60, 109, 110, 129),
    ]
    # One bar fewer and the last test window is no longer full.
    assert len(windows(n_bars=129, train_bars=50, test_bars=20, anchored=False)) == 3


def test_anchored_windows_keep_the_start_and_grow():
    found = windows(n_bars=100, train_bars=40, test_bars=20, anchored=True)
    assert [(w.train_first, w.train_last, w.test_first, w.test_last) for w in found] == [
        (0, 39, 40, 59),
        (0, 59, 60, 79),
        (0, 79, 80, 99),
    ]


@pytest.mark.parametrize("anchored", [False, True])
@pytest.mark.parametrize(("n", "train", "test"), [(500, 100, 50), (251, 60, 21), (80, 40, 40)])
def test_tests_never_overlap_their_train_and_tile_the_oos_period(anchored, n, train, test):
    found = windows(n_bars=n, train_bars=train, test_bars=test, anchored=anchored)
    assert found
    for w in found:
        assert w.test_first == w.train_last + 1
        assert w.test_last - w.test_first + 1 == test
        assert w.train_last - w.train_first + 1 == (train + w.index * test if anchored else train)
        assert w.test_last <= n - 1
    for before, after in zip(found, found[1:], strict=False):
        assert after.test_first == before.test_last + 1
    assert found[-1].test_last + test > n - 1  # no further full window was left out


def test_bounds_are_the_iso_timestamps_of_the_first_and_last_bars_inclusive():
    index = pd.date_range("2020-01-01", periods=100, freq="D")
    bounds = window_bounds(Window(0, 0, 59, 60, 79), index)
    assert bounds == {
        "train_start": "2020-01-01T00:00:00Z",
        "train_end": "2020-02-29T00:00:00Z",
        "test_start": "2020-03-01T00:00:00Z",
        "test_end": "2020-03-20T00:00:00Z",
        "train_bars": 60,
        "test_bars": 20,
    }


def test_windows_that_do_not_fit_are_refused_naming_the_field():
    with pytest.raises(WalkForwardError) as caught:
        windows(n_bars=100, train_bars=90, test_bars=20, anchored=False)
    assert "train_bars" in caught.value.details["fields"]
    with pytest.raises(WalkForwardError) as caught:
        windows(n_bars=100, train_bars=10, test_bars=5, anchored=False)
    assert set(caught.value.details["fields"]) == {"train_bars", "test_bars"}
    with pytest.raises(WalkForwardError, match="more than 100 windows"):
        windows(n_bars=100_000, train_bars=100, test_bars=20, anchored=False)


def test_stitched_equity_compounds_each_window_from_where_the_last_ended():
    curves = [
        [{"time": "a", "equity": 1000.0}, {"time": "b", "equity": 1100.0}],
        [{"time": "c", "equity": 1000.0}, {"time": "d", "equity": 900.0}],
    ]
    stitched, total = stitch_equity(curves, cash=1000)
    assert [p["equity"] for p in stitched] == pytest.approx([1000, 1100, 1100, 990])
    assert total == pytest.approx(-1.0)
