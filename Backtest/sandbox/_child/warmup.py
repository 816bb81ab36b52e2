"""A representative backtest on bundled data, run before any job exists.

Called in the server at start-up (so the zygote it forks has every lazy import and cache
filled) and in each pre-spawned strategy process (so the pages a backtest touches are private
before the job arrives). Only trusted code and data: the strategy below and backtesting.py's
bundled GOOG prices (or the same prices read back through the data hand-over format).
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys
import warnings

from Backtest.sandbox._wire import datafiles, serialize


def warm_up(plot_dir: str | None, data_dir: str | None = None) -> None:
    """Run a tiny backtest (and plot, if ``plot_dir``) so lazy imports and caches are filled;
    read the data hand-over files in ``data_dir`` the way a run does."""
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover
    from backtesting.test import GOOG, SMA

    class _Warm(Strategy):  # type: ignore[misc]  # backtesting.py ships no type hints
        # Shaped like a typical generated strategy: indicators via self.I, crossovers, orders.
        def init(self) -> None:
            self.fast = self.I(SMA, self.data.Close, 10)
            self.slow = self.I(SMA, self.data.Close, 20)

        def next(self) -> None:
            if crossover(self.fast, self.slow):
                self.buy()
            elif crossover(self.slow, self.fast):
                self.sell()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = GOOG if data_dir is None else datafiles.read_dataset(data_dir)
        bt = Backtest(data, _Warm, commission=0.002, exclusive_orders=True, finalize_trades=True)
        stats = bt.run()
        serialize.stats_to_dict(stats)
        serialize.trades_columns(stats["_trades"], 10_000)
        serialize.equity_columns(stats["_equity_curve"], 2_000)
        if plot_dir is not None:
            # backtesting.py warns at the end of most runs; the warning is printed with its
            # source line, which the strategy process would otherwise read from disk each time.
            for module in ("backtesting.backtesting", "backtesting._stats", "backtesting._util"):
                linecache.getlines(sys.modules[module].__file__ or "")
            warm_file = os.path.join(plot_dir, f".warmup-{os.getpid()}.html")
            try:
                bt.plot(filename=warm_file, open_browser=False)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(warm_file)


def write_warm_data(directory: str) -> str:
    """The bundled GOOG prices in the hand-over format, in ``directory/warmup-data``."""
    from backtesting.test import GOOG

    path = os.path.join(directory, "warmup-data")
    os.mkdir(path, 0o700)
    datafiles.write_dataset(GOOG, path)
    return path
