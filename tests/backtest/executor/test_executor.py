"""BotExecutor end to end: parity with in-process backtesting.py, errors, files, limits, pool."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backtesting.test import EURUSD, GOOG

from Backtest.bot_executor import BotExecutor
from tests.backtest.executor.strategies import NO_TRADES

pytestmark = pytest.mark.slow

# backtesting.py's README example, verbatim (including the module-level run and plot).
README_SMA_CROSS = """
from backtesting import Backtest, Strategy
from backtesting.lib import crossover

from backtesting.test import SMA, GOOG


class SmaCross(Strategy):
    def init(self):
        price = self.data.Close
        self.ma1 = self.I(SMA, price, 10)
        self.ma2 = self.I(SMA, price, 20)

    def next(self):
        if crossover(self.ma1, self.ma2):
            self.buy()
        elif crossover(self.ma2, self.ma1):
            self.sell()


bt = Backtest(GOOG, SmaCross, commission=.002,
              exclusive_orders=True)
stats = bt.run()
bt.plot()
"""

SL_TP_STRATEGY = """
import talib
from backtesting import Strategy


class Bracket(Strategy):
    n = 14

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close.astype(float), self.n)

    def next(self):
        price = self.data.Close[-1]
        if not self.position and self.rsi[-1] < 35:
            self.buy(size=0.5, sl=price * 0.95, tp=price * 1.08, tag="rsi-dip")
        elif self.position and self.rsi[-1] > 70:
            self.position.close()
"""


FAILS_IN_NEXT = """
from backtesting import Strategy


class Broken(Strategy):
    def init(self):
        self.count = 0

    def next(self):
        self.count += 1
        if self.count == 50:
            raise ValueError("bad bar")
"""


def assert_same_stats(sandboxed: dict, reference: dict) -> None:
    assert sandboxed.keys() == reference.keys()
    for key, expected in reference.items():
        got = sandboxed[key]
        if isinstance(expected, float):
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), key
        else:
            assert got == expected, key


def test_readme_sma_cross_matches_in_process_run(executor, reference):
    result = executor.execute_bot(
        code=README_SMA_CROSS, commission=0.002, exclusive_orders=True, data=GOOG
    )
    expected = reference(README_SMA_CROSS, GOOG, commission=0.002, exclusive_orders=True)
    assert result.success, result.traceback
    assert_same_stats(result.stats, expected["stats"])
    assert result.return_pct == expected["stats"]["Return [%]"]
    assert result.num_trades == expected["stats"]["# Trades"] == len(result.trades)
    assert result.win_rate == expected["stats"]["Win Rate [%]"]
    assert result.sharpe_ratio == expected["stats"]["Sharpe Ratio"]
    assert result.max_drawdown == expected["stats"]["Max. Drawdown [%]"]
    assert result.strategy_name == "SmaCross"
    assert not result.no_trades
    first = expected["trades"].iloc[0]
    assert result.trades[0]["entry_bar"] == first["EntryBar"]
    assert result.trades[0]["pnl"] == first["PnL"]
    assert result.trades[0]["entry_time"] == first["EntryTime"].isoformat()


def test_trading_options_are_passed_through_with_parity(executor, reference):
    options = {
        "cash": 25_000,
        "commission": (1.0, 0.001),
        "spread": 0.0005,
        "trade_on_close": True,
        "exclusive_orders": True,
        "finalize_trades": True,
        "margin": 0.5,
    }
    result = executor.execute_bot(code=SL_TP_STRATEGY, data=GOOG, plot=False, **options)
    expected = reference(SL_TP_STRATEGY, GOOG, **options)
    assert result.success, result.traceback
    assert_same_stats(result.stats, expected["stats"])
    assert result.num_trades is not None
    assert result.num_trades > 3
    trade = result.trades[0]
    assert trade["tag"] == "rsi-dip"
    assert trade["sl"] == pytest.approx(expected["trades"].iloc[0]["SL"])
    assert trade["tp"] == pytest.approx(expected["trades"].iloc[0]["TP"])
    assert set(trade) >= {
        "entry_bar",
        "exit_bar",
        "entry_time",
        "exit_time",
        "entry_price",
        "exit_price",
        "size",
        "pnl",
        "return_pct",
    }


def test_hedging_and_strategy_params_on_eurusd(executor, reference):
    options = {"cash": 100_000, "margin": 0.05, "hedging": True, "commission": 0.0002}
    result = executor.execute_bot(
        code=SL_TP_STRATEGY, data=EURUSD, plot=False, strategy_params={"n": 7}, **options
    )
    expected = reference(SL_TP_STRATEGY, EURUSD, params={"n": 7}, **options)
    assert result.success, result.traceback
    assert_same_stats(result.stats, expected["stats"])


def test_stats_are_json_safe(executor):
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert "_strategy" not in result.stats
    assert "_trades" not in result.stats
    assert isinstance(result.stats["Duration"], float)  # Timedelta -> seconds
    assert result.stats["Start"] == GOOG.index[0].isoformat()
    assert "NaN" not in text


def test_run_without_trades_is_a_success_flagged_no_trades(executor):
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert result.success
    assert result.no_trades
    assert result.num_trades == 0
    assert result.trades == []
    assert result.win_rate is None  # NaN in backtesting.py -> None


def test_runtime_error_reports_the_strategy_line(executor):
    result = executor.execute_bot(code=FAILS_IN_NEXT, data=GOOG, plot=False)
    assert not result.success
    assert result.error_type == "ValueError"
    assert result.error_message == "bad bar"
    assert result.error_line == 12
    assert 'File "strategy.py", line 12, in next' in result.traceback
    assert 'raise ValueError("bad bar")' in result.traceback


def test_syntax_error_reports_its_line(executor):
    result = executor.execute_bot(code="x = 1\ny = (\nclass", data=GOOG, plot=False)
    assert result.error_type == "SyntaxError"
    assert result.error_line in (2, 3)


def test_code_without_a_strategy_is_a_validation_error(executor):
    result = executor.execute_bot(code="x = 1", data=GOOG, plot=False)
    assert result.error_type == "validation_error"
    assert "no backtesting.Strategy subclass" in result.error_message


def test_two_unrelated_strategies_are_a_validation_error(executor):
    code = NO_TRADES + NO_TRADES.replace("Idle", "Other").split("\n\n\n", 1)[1]
    result = executor.execute_bot(code=code, data=GOOG, plot=False)
    assert result.error_type == "validation_error"
    assert "Idle" in result.error_message
    assert "Other" in result.error_message


def test_a_base_class_with_one_concrete_strategy_is_accepted(executor):
    code = NO_TRADES + "\n\nclass Concrete(Idle):\n    pass\n"
    result = executor.execute_bot(code=code, data=GOOG, plot=False)
    assert result.success
    assert result.strategy_name == "Concrete"


def test_unknown_backtest_option_is_rejected_before_running(executor):
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, leverage=3)
    assert result.error_type == "validation_error"
    assert "leverage" in result.error_message


def test_strategy_file_is_read(executor, tmp_path):
    path = tmp_path / "idle.py"
    path.write_text(NO_TRADES)
    assert executor.execute_bot(strategy_file=path, data=GOOG, plot=False).success
    both = executor.execute_bot(strategy_file=path, code=NO_TRADES, data=GOOG)
    assert both.error_type == "validation_error"


def test_unknown_symbol_is_a_data_error(executor):
    result = executor.execute_bot(code=NO_TRADES, test_symbol="NOPE_NOT_A_SYMBOL", plot=False)
    assert result.error_type == "data_error"


def test_default_data_is_loaded_for_the_test_symbol(executor):
    result = executor.execute_bot(code=NO_TRADES, test_symbol="GOOG", plot=False)
    assert result.success, result.error_message
    assert result.stats["Start"] == GOOG.index[0].isoformat()


def test_unsupported_data_is_a_data_error(executor):
    bad = GOOG.assign(Name="goog")
    result = executor.execute_bot(code=NO_TRADES, data=bad, plot=False)
    assert result.error_type == "data_error"
    assert "Name" in result.error_message


def test_plot_and_results_files_are_written(executor):
    result = executor.execute_bot(code=README_SMA_CROSS, data=GOOG, commission=0.002)
    assert result.success
    html = Path(result.plot_file).read_text()
    assert "Bokeh" in html
    assert len(html) > 10_000
    assert executor.wait_for_files(timeout=10)
    saved = json.loads(Path(result.results_file).read_text())
    assert saved["stats"] == result.stats
    assert saved["plot_file"] == result.plot_file
    assert Path(result.results_file).parent == Path(result.plot_file).parent


def test_long_minute_series_is_downsampled_and_matches(executor, reference):
    rng = np.random.default_rng(42)
    n = 60_000
    index = pd.date_range("2024-01-01", periods=n, freq="1min")
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.0005, n)))
    data = pd.DataFrame(
        {"Open": close, "High": close * 1.0005, "Low": close * 0.9995, "Close": close},
        index=index,
    )
    data["Volume"] = 1000.0
    code = README_SMA_CROSS.split("\n\nbt =")[0]
    result = executor.execute_bot(code=code, data=data, cash=1_000_000, plot=False)
    expected = reference(code, data, cash=1_000_000)
    assert result.success, result.traceback
    assert_same_stats(result.stats, expected["stats"])
    assert len(result.equity_curve) <= 2000
    assert result.equity_points_total == n
    assert result.equity_curve[0]["time"] == index[0].isoformat()
    assert result.equity_curve[-1]["time"] == index[-1].isoformat()
    curve = [p["equity"] for p in result.equity_curve]
    assert max(curve) == expected["equity"]["Equity"].max()
    assert min(curve) == expected["equity"]["Equity"].min()
    assert max(p["drawdown_pct"] for p in result.equity_curve) == pytest.approx(
        expected["equity"]["DrawdownPct"].max()
    )


def test_talib_and_the_indicator_helpers_are_importable(executor):
    helpers = Path(__file__).resolve().parents[3] / "Backtest" / "indicators.py"
    code = f"""
import talib
from talib import abstract
{"import Backtest.indicators" if helpers.exists() else ""}
from backtesting import Strategy


class UsesTalib(Strategy):
    def init(self):
        self.sma = self.I(talib.SMA, self.data.Close.astype(float), timeperiod=5)
        self.ema = self.I(abstract.EMA, self.data.Close.astype(float), timeperiod=5)

    def next(self):
        pass
"""
    result = executor.execute_bot(code=code, data=GOOG, plot=False)
    assert result.success, result.traceback


def test_memory_limit_too_small_for_the_runtime_is_rejected(work_base):
    with BotExecutor(work_root=work_base / "tiny", memory_mb=128) as tiny:
        result = tiny.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert result.error_type == "validation_error"
    assert "memory_mb=128 is too small" in result.error_message


def test_missing_required_layer_refuses_to_run(executor, monkeypatch):
    monkeypatch.setattr(executor, "require_layers", ("seccomp", "landlock"))
    info = executor.client.info
    monkeypatch.setattr(info, "layers", [x for x in info.layers if x != "landlock"])
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert result.error_type == "sandbox_error"
    assert "required sandbox layer(s) unavailable: ['landlock']" in result.error_message


def test_unknown_required_layer_is_a_configuration_error(work_base):
    with pytest.raises(ValueError, match="unknown sandbox layer"):
        BotExecutor(work_root=work_base / "x", require_layers=["magic"])


def test_concurrent_callers_share_the_executor_safely(executor):
    results = []

    def call() -> None:
        results.append(executor.execute_bot(code=FAILS_IN_NEXT, data=GOOG, plot=False))

    threads = [threading.Thread(target=call) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 5
    assert {r.error_line for r in results} == {12}


TIMED = """
import time
from backtesting import Strategy

print("START", time.time(), flush=True)
time.sleep(0.8)
print("END", time.time(), flush=True)


class Timed(Strategy):
    def init(self):
        pass

    def next(self):
        pass
"""


def test_pool_size_one_serialises_runs_and_a_killed_server_is_restarted(work_base):
    with BotExecutor(work_root=work_base / "pool1", pool_size=1) as ex:
        ex.start()
        results = []
        threads = [
            threading.Thread(
                target=lambda: results.append(ex.execute_bot(code=TIMED, data=GOOG, plot=False))
            )
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        spans = sorted(
            (
                float(r.stdout.split("START")[1].split()[0]),
                float(r.stdout.split("END")[1].split()[0]),
            )
            for r in results
        )
        assert len(spans) == 2
        assert spans[1][0] >= spans[0][1]  # the second run started after the first ended

        old_pid = ex.client.info.pid
        os.killpg(old_pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while ex.client.server_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        result = ex.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
        assert result.success, result.error_message
        assert ex.client.info.pid != old_pid
        assert ex.client.restarts >= 1


PARENT_SCRIPT = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from Backtest.bot_executor import BotExecutor
from tests.backtest.executor.strategies import NO_TRADES
ex = BotExecutor(work_root=Path(sys.argv[2]))
ex.start()
print(ex.client.info.pid, flush=True)
time.sleep(600)
"""


def test_server_dies_when_its_parent_dies(work_base):
    repo = str(Path(__file__).resolve().parents[3])
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_SCRIPT, repo, str(work_base / "orphan")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        server_pid = int(parent.stdout.readline())
        os.kill(server_pid, 0)  # alive
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        alive = True
        while alive and time.monotonic() < deadline:
            try:
                os.kill(server_pid, 0)
                status = Path(f"/proc/{server_pid}/status").read_text()
                alive = "State:\tZ" not in status
            except (ProcessLookupError, FileNotFoundError):
                alive = False
            time.sleep(0.05)
        assert not alive
    finally:
        parent.kill()
        parent.wait(10)


def test_execution_time_and_resource_usage_are_reported(executor):
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert 0 < result.execution_time < 30
    assert result.resource_usage["max_rss_mb"] > 10
    assert not math.isnan(result.resource_usage["wall_s"])


HUGE_OUTPUTS = """
from backtesting import Strategy

TAG = "x" * 1_000_000  # one shared 1 MB string on every trade


class Churn(Strategy):
    def init(self):
        pass

    def next(self):
        if self.position:
            self.position.close()
        else:
            self.buy(size=1, tag=TAG)
"""


def test_huge_trade_lists_and_tags_are_capped(executor):
    n = 25_000
    index = pd.date_range("2024-01-01", periods=n, freq="1min")
    close = 100 + np.sin(np.arange(n) / 50)
    data = pd.DataFrame(
        {"Open": close, "High": close + 0.1, "Low": close - 0.1, "Close": close}, index=index
    )
    result = executor.execute_bot(code=HUGE_OUTPUTS, data=data, plot=False)
    assert result.success, result.error_message
    assert result.trades_total > 10_000
    assert len(result.trades) == 10_000
    assert result.trades_truncated
    assert max(len(t["tag"]) for t in result.trades) == 200
    assert result.num_trades == result.trades_total


def test_an_idle_prewarmed_process_serves_the_next_run(executor):
    deadline = time.monotonic() + 20
    while not executor.client.ping().get("idle_ready") and time.monotonic() < deadline:
        time.sleep(0.05)
    result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert result.success
    assert result.resource_usage["prewarmed"] is True


def test_all_required_layers_present_allows_the_run(work_base):
    from Backtest.sandbox import available_layers

    with BotExecutor(work_root=work_base / "strict", require_layers=available_layers()) as ex:
        result = ex.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    assert result.success, result.error_message


def test_a_restrictive_caller_umask_does_not_hide_the_data_from_the_sandbox(executor):
    old = os.umask(0o077)
    try:
        result = executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False)
    finally:
        os.umask(old)
    assert result.success, result.error_message


def test_a_production_executor_refuses_to_switch_layers_off(executor):
    result = executor.execute_bot(
        code=NO_TRADES, data=GOOG, plot=False, _disable_layers=("seccomp",)
    )
    assert result.error_type == "sandbox_error"
    assert "does not allow disabling layers" in result.error_message


SOCKET_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from Backtest.sandbox import BotExecutor
with BotExecutor(work_root=Path(sys.argv[2]), pool_size=1) as ex:
    ex.start()
    print(ex.client.socket_path, flush=True)
    sys.stdin.readline()
"""


def test_executors_never_share_a_server_socket_even_with_one_work_root(work_base):
    # The web and the worker processes are configured with the same SANDBOX_WORK_DIR.
    shared = work_base / "one-root"
    repo = str(Path(__file__).resolve().parents[3])
    other = subprocess.Popen(
        [sys.executable, "-c", SOCKET_SCRIPT, repo, str(shared)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with (
            BotExecutor(work_root=shared, pool_size=1) as first,
            BotExecutor(work_root=shared, pool_size=1) as second,
        ):
            first.start()
            second.start()
            paths = {first.client.socket_path, second.client.socket_path}
            paths.add(other.stdout.readline().strip())
            assert len(paths) == 3
            assert all(Path(p).exists() for p in paths)
            for executor in (first, second):
                assert executor.execute_bot(code=NO_TRADES, data=GOOG, plot=False).success
            assert first.client.info.pid != second.client.info.pid
    finally:
        other.communicate("\n", timeout=60)
    assert other.returncode == 0


def test_trade_returns_and_drawdowns_are_fractions_as_documented(executor):
    """README and OpenAPI: a trade's return_pct and an equity point's drawdown_pct are fractions
    (backtesting.py's own), unlike the metrics' *_pct; the numbers must say the same."""
    code = README_SMA_CROSS.split("\n\nbt =")[0]
    result = executor.execute_bot(code=code, exclusive_orders=True, plot=False)
    assert result.success, result.traceback
    for trade in result.trades:
        growth = trade["exit_price"] / trade["entry_price"] - 1
        assert trade["return_pct"] == pytest.approx(growth if trade["size"] > 0 else -growth)
    deepest = max(p["drawdown_pct"] for p in result.equity_curve)
    assert 0 < deepest < 1
    assert -100 * deepest == pytest.approx(result.stats["Max. Drawdown [%]"])
