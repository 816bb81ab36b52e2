"""What a run reports besides its numbers: structured warnings and real progress."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from backtesting.test import GOOG

from tests.backtest.executor.strategies import NO_TRADES, README_OPTIONS, SMA_CROSS

pytestmark = pytest.mark.slow

ALWAYS_BUYS_TOO_MUCH = """
from backtesting import Strategy


class Greedy(Strategy):
    def init(self):
        pass

    def next(self):
        self.buy(size=0.01)  # 1% of equity: less than one GOOG share with this little cash
"""

BUYS_AND_HOLDS = """
from backtesting import Strategy


class Holder(Strategy):
    def init(self):
        pass

    def next(self):
        if not self.position:
            self.buy(size=1)
"""


WARNS_ITSELF = """
import warnings
from backtesting import Strategy

warnings.warn("the strategy's own warning")


class Idle(Strategy):
    def init(self):
        pass

    def next(self):
        pass
"""


def _codes(result) -> list[str]:
    return [w["code"] for w in result.warnings]


def test_cancelled_orders_for_lack_of_cash_become_one_counted_warning(executor):
    result = executor.execute_bot(code=ALWAYS_BUYS_TOO_MUCH, data=GOOG, cash=1_000, plot=False)
    assert result.success, result.error_message
    cash = [w for w in result.warnings if w["code"] == "insufficient_cash"]
    assert len(cash) == 1
    assert "more like it" in cash[0]["message"]
    assert "insufficient margin" in cash[0]["message"]
    assert "insufficient margin" not in result.stderr  # reported, not printed


def test_prices_above_the_starting_cash_are_an_insufficient_cash_warning(executor):
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, cash=100, plot=False)
    assert "insufficient_cash" in _codes(result)


def test_trades_still_open_at_the_end_are_reported(executor):
    result = executor.execute_bot(code=BUYS_AND_HOLDS, data=GOOG, plot=False)
    assert result.success
    assert "open_trades_at_end" in _codes(result)
    closed = executor.execute_bot(code=BUYS_AND_HOLDS, data=GOOG, plot=False, finalize_trades=True)
    assert "open_trades_at_end" not in _codes(closed)


def test_a_run_without_trades_says_so(executor):
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert result.no_trades
    # Only that: backtesting.py's own deprecation notices (pandas 3) are not the author's news.
    assert _codes(result) == ["no_trades"]
    traded = executor.execute_bot(code=SMA_CROSS, data=GOOG, plot=False)
    assert "no_trades" not in _codes(traded)


def test_other_warnings_keep_their_text(executor):
    result = executor.execute_bot(code=WARNS_ITSELF, data=GOOG, plot=False)
    other = [w for w in result.warnings if w["code"] == "backtesting_warning"]
    assert any("the strategy's own warning" in w["message"] for w in other)


def test_gaps_in_the_data_are_found_before_the_run(executor):
    gappy = pd.concat([GOOG.iloc[:500], GOOG.iloc[560:]])  # about three months missing
    result = executor.execute_bot(code=NO_TRADES, data=gappy, plot=False)
    gaps = [w for w in result.warnings if w["code"] == "data_gaps"]
    assert len(gaps) == 1
    assert "1 gap(s)" in gaps[0]["message"]
    assert gappy.index[499].isoformat() in gaps[0]["message"]
    assert "data_gaps" not in _codes(executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False))


def test_warnings_are_in_the_results_file(executor):
    import json
    from pathlib import Path

    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert executor.wait_for_files(timeout=10)
    saved = json.loads(Path(result.results_file).read_text())
    assert saved["warnings"] == result.warnings


# ---- progress -----------------------------------------------------------------------------------
def test_progress_reports_the_real_stages_in_the_callers_thread(executor):
    seen: list[tuple[str, dict, str]] = []

    def on_progress(stage, data):
        seen.append((stage, data, threading.current_thread().name))

    result = executor.execute_bot(
        code=SMA_CROSS, data=GOOG, plot=False, on_progress=on_progress, **README_OPTIONS
    )
    assert result.success
    stages = [stage for stage, _, _ in seen]
    assert stages[0] == "data_loaded"
    assert seen[0][1] == {"bars": len(GOOG)}
    assert stages.index("indicators_computed") < stages.index("simulating")
    assert stages[-1] == "stats_computed"
    simulating = [data for stage, data, _ in seen if stage == "simulating"]
    assert 1 <= len(simulating) <= 10
    assert simulating[-1]["bars_done"] == simulating[-1]["bars_total"]
    total = simulating[-1]["bars_total"]
    assert len(GOOG) - 30 < total < len(GOOG)  # the bars after the indicators' warm-up
    assert [d["bars_done"] for d in simulating] == sorted(d["bars_done"] for d in simulating)
    assert {thread for _, _, thread in seen} == {threading.current_thread().name}


def test_a_long_run_reports_bars_at_most_about_ten_times(executor):
    n = 50_000
    rng = np.random.default_rng(3)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
    data = pd.DataFrame(
        {"Open": close, "High": close * 1.001, "Low": close * 0.999, "Close": close},
        index=pd.date_range("2024-01-01", periods=n, freq="1min"),
    )
    bars = []
    result = executor.execute_bot(
        code=SMA_CROSS,
        data=data,
        cash=1_000_000,
        plot=False,
        on_progress=lambda stage, d: bars.append(d) if stage == "simulating" else None,
    )
    assert result.success, result.error_message
    assert 2 <= len(bars) <= 10
    assert bars[-1]["bars_done"] == bars[-1]["bars_total"] > 49_000


def test_a_simulation_that_runs_out_of_money_reports_where_it_stopped(executor):
    bars = []
    result = executor.execute_bot(  # no exclusive orders: it flips with all its cash and busts
        code=SMA_CROSS,
        data=GOOG,
        plot=False,
        on_progress=lambda stage, d: bars.append(d) if stage == "simulating" else None,
    )
    assert result.success
    assert result.stats["Equity Final [$]"] == 0
    assert 0 < bars[-1]["bars_done"] < bars[-1]["bars_total"]


def test_a_failing_progress_callback_does_not_fail_the_run(executor):
    calls = []

    def broken(stage, data):
        calls.append(stage)
        raise RuntimeError("the job table is locked")

    result = executor.execute_bot(
        code=SMA_CROSS, data=GOOG, plot=False, on_progress=broken, **README_OPTIONS
    )
    assert result.success
    assert calls == ["data_loaded"]  # called once, then left alone


FORGES_PROGRESS = """
import json, os, struct
raw = json.dumps({frame!r}).encode()
os.write(3, struct.pack(">I", len(raw)) + raw)
"""


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "progress", "stage": "simulating", "bars_done": 10**12, "bars_total": 10**12},
        {"type": "progress", "stage": "rm -rf"},
        {"type": "progress", "stage": "simulating", "bars_done": 9, "bars_total": 5},
        {"type": "progress", "stage": "stats_computed", "html": "<script>"},
    ],
    ids=["huge", "unknown-stage", "done>total", "extra-field"],
)
def test_forged_progress_is_refused_and_never_reaches_the_callback(executor, frame):
    seen = []
    result = executor.execute_bot(
        code=FORGES_PROGRESS.format(frame=frame) + NO_TRADES,
        data=GOOG,
        plot=False,
        on_progress=lambda stage, data: seen.append(stage),
    )
    assert result.error_type == "security_violation"
    assert "malformed progress frame" in result.error_message
    assert seen == ["data_loaded"]
