"""The runner's observations (warnings, progress) and the data checks, without a sandbox."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from backtesting import Backtest, Strategy
from backtesting.test import GOOG

from Backtest.sandbox._child.observe import Progress, WarningCollector, warning_code
from Backtest.sandbox._host.datachecks import data_gaps
from Backtest.sandbox._host.results import InvalidPayload
from Backtest.sandbox._host.validate import validate_warnings
from Backtest.sandbox._server.runstate import progress_frame
from Backtest.sandbox._wire.protocol import checked_progress


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "time=75: Broker canceled the relative-sized order due to insufficient margin "
            "(equity=9571.07, margin_available=0.00).",
            "insufficient_cash",
        ),
        (
            "Some prices are larger than initial cash value. Note that fractional ...",
            "insufficient_cash",
        ),
        ("Some trades remain open at the end of backtest. Use ...", "open_trades_at_end"),
        ("Data index is not datetime. Assuming simple periods", "backtesting_warning"),
    ],
)
def test_warning_texts_map_to_codes(text, code):
    assert warning_code(text) == code


def test_repeated_warnings_are_counted_once_and_library_deprecations_dropped():
    collector = WarningCollector("strategy.py")
    with collector.capturing():
        for _ in range(1000):
            warnings.warn("Broker canceled the order due to insufficient margin", stacklevel=1)
        warnings.warn("old API", DeprecationWarning, stacklevel=1)  # from this file: a library
        warnings.warn_explicit("mine", DeprecationWarning, "strategy.py", 3)
    items = collector.items()
    assert [i["code"] for i in items] == ["insufficient_cash", "backtesting_warning"]
    assert "(and 999 more like it)" in items[0]["message"]
    assert items[1]["message"] == "DeprecationWarning: mine"


def test_an_open_trade_at_the_end_names_the_run_setting_not_library_code():
    collector = WarningCollector("strategy.py")
    with collector.capturing():
        warnings.warn(
            "Some trades remain open at the end of backtest. Use "
            "`Backtest(..., finalize_trades=True)` to close them and include them in stats.",
            stacklevel=1,
        )
    [item] = collector.items()
    assert item["code"] == "open_trades_at_end"
    assert "'finalize_trades': true" in item["message"]
    assert "Backtest(" not in item["message"]


def test_warnings_are_bounded_in_number_and_length():
    collector = WarningCollector("strategy.py")
    with collector.capturing():
        for i in range(100):
            warnings.warn(f"distinct {i} " + "x" * 1000, stacklevel=1)
    items = collector.items()
    assert len(items) == 20
    assert all(len(i["message"]) <= 500 for i in items)
    assert validate_warnings(items) == items


def test_bars_are_reported_in_about_ten_steps_and_a_short_run_at_the_end():
    class Idle(Strategy):
        def init(self):
            pass

        def next(self):
            pass

    frames = []
    progress = Progress(frames.append)
    with progress.counting_bars(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Backtest(GOOG, Idle).run()
    stages = [f["stage"] for f in frames]
    assert stages[0] == "indicators_computed"
    assert 1 <= stages.count("simulating") <= 10
    assert frames[-1] == {
        "type": "progress",
        "stage": "simulating",
        "bars_done": len(GOOG) - 1,
        "bars_total": len(GOOG) - 1,
    }


def test_without_a_listener_nothing_is_patched_or_sent():
    import backtesting.backtesting as bt

    original = bt._tqdm
    progress = Progress(None)
    with progress.counting_bars():
        assert bt._tqdm is original
    progress.stage("data_loaded", bars=1)  # no error, no frame


@pytest.mark.parametrize(
    ("stage", "data", "ok"),
    [
        ("simulating", {"bars_done": 5, "bars_total": 9}, True),
        ("simulating", {"bars_done": 10, "bars_total": 9}, False),
        ("simulating", {"bars_done": True, "bars_total": 9}, False),
        ("simulating", {"bars_done": 5}, False),
        ("stats_computed", {}, True),
        ("stats_computed", {"x": 1}, False),
        ("param_sets", {"sets_done": 1, "sets_total": 10**10}, False),
        ("exec", {}, False),
        (None, {}, False),
    ],
)
def test_progress_is_checked_by_stage_fields_and_ranges(stage, data, ok):
    assert (checked_progress(stage, data) is not None) is ok
    frame = progress_frame({"type": "progress", "stage": stage, **data})
    assert (frame is not None) is ok


def test_unknown_warning_codes_and_shapes_are_invalid():
    with pytest.raises(InvalidPayload):
        validate_warnings([{"code": "rm -rf", "message": "x"}])
    with pytest.raises(InvalidPayload):
        validate_warnings([{"code": "no_trades"}])
    with pytest.raises(InvalidPayload):
        validate_warnings([{"code": "no_trades", "message": "x" * 501}])
    with pytest.raises(InvalidPayload):
        validate_warnings([{"code": "no_trades", "message": "x"}] * 21)


# ---- data gaps --------------------------------------------------------------------------------
def test_weekends_and_holidays_are_not_gaps():
    assert data_gaps(GOOG.index) is None
    minutes = pd.date_range("2024-01-01", periods=5000, freq="1min")
    assert data_gaps(minutes.delete(slice(100, 160))) is None  # an hour in minute bars: < 4 days


def test_a_missing_stretch_is_reported_with_its_place():
    daily = GOOG.index.delete(slice(500, 560))
    found = data_gaps(daily)
    assert found is not None
    assert found["code"] == "data_gaps"
    assert "1 gap(s)" in found["message"]
    assert daily[499].isoformat() in found["message"]


def test_non_time_and_unsorted_indexes_are_left_alone():
    assert data_gaps(pd.RangeIndex(100)) is None
    assert data_gaps(GOOG.index[::-1]) is None


def test_gaps_are_found_whatever_the_index_unit_and_zone():
    index = pd.date_range("2024-01-01", periods=300, freq="h", tz="America/New_York")
    assert data_gaps(index.delete(slice(10, 60)).as_unit("s")) is None  # 2 days: short
    found = data_gaps(index.delete(slice(10, 130)).as_unit("s"))  # 5 days of hourly bars
    assert found is not None
    assert "the largest is 5.04 days" in found["message"]
