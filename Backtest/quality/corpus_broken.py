"""Broken strategies in the style of real LLM output, for the fixer quality benchmark.

Each case is a complete strategy file with one or more of the mistakes LLMs make in
backtesting.py code, labelled with the error type the analyzer should report for its FIRST run
(under the sandboxed ``BotExecutor`` on GOOG).

``HELD_OUT_CASES`` were written first, before any fixer rule existed, and were never used to
tune rules: their rate is the honest estimate for strategies the fixer has not seen.
``MAIN_CASES`` were written afterwards and the rules were developed against them. Labels were
checked against real executor runs; the one held-out label that was corrected after that check
says so in ``note``. Cases whose original code already runs under an executor (e.g. TA-Lib on an
integer Volume column works in the sandbox, which stores prices as float64) are reported as
"not broken" by the benchmark and left out of its rates.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ALL_CASES", "HELD_OUT_CASES", "MAIN_CASES", "BrokenStrategy"]


@dataclass(frozen=True)
class BrokenStrategy:
    """One broken strategy file and what is wrong with it."""

    name: str
    code: str
    expected_error_type: str
    mistakes: tuple[str, ...] = ()
    #: The benchmark counts a fix only if the fixed strategy also trades.
    require_trades: bool = True
    note: str = ""


HELD_OUT_CASES: tuple[BrokenStrategy, ...] = (
    BrokenStrategy(
        name="ho_ema_lowercase_columns",
        expected_error_type="attribute_error",
        mistakes=("lowercase_columns",),
        code='''\
import talib
from backtesting import Strategy
from backtesting.lib import crossover


class EmaCrossStrategy(Strategy):
    """Dual EMA crossover: go long when the fast EMA crosses above the slow EMA."""

    fast_period = 12
    slow_period = 26

    def init(self):
        close = self.data.close
        self.ema_fast = self.I(talib.EMA, close, timeperiod=self.fast_period)
        self.ema_slow = self.I(talib.EMA, close, timeperiod=self.slow_period)

    def next(self):
        if crossover(self.ema_fast, self.ema_slow):
            self.buy()
        elif crossover(self.ema_slow, self.ema_fast):
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="ho_rsi_prose_and_missing_crossover",
        expected_error_type="syntax_error",
        mistakes=("markdown_prose", "missing_import"),
        code="""\
Here's a complete RSI mean-reversion strategy for backtesting.py:

```python
from backtesting import Strategy
from backtesting.test import SMA
import talib


class RsiReversion(Strategy):
    rsi_period = 14
    oversold = 30
    overbought = 70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, self.rsi_period)

    def next(self):
        # Enter when RSI crosses back above the oversold level
        if crossover(self.rsi, self.oversold):
            self.buy()
        # Exit when RSI crosses below the overbought level
        elif crossover(self.overbought, self.rsi):
            self.position.close()
```

This strategy buys oversold dips and exits when the market becomes overbought.
""",
    ),
    BrokenStrategy(
        name="ho_bbands_iloc",
        expected_error_type="attribute_error",
        mistakes=("pandas_on_array",),
        code='''\
from backtesting import Strategy
import talib


class BollingerBounce(Strategy):
    """Buy a close below the lower band, sell a close above the upper band."""

    bb_period = 20
    bb_std = 2

    def init(self):
        self.upper, self.middle, self.lower = self.I(
            talib.BBANDS,
            self.data.Close,
            timeperiod=self.bb_period,
            nbdevup=self.bb_std,
            nbdevdn=self.bb_std,
        )

    def next(self):
        price = self.data.Close.iloc[-1]
        if not self.position and price < self.lower.iloc[-1]:
            self.buy()
        elif self.position and price > self.upper.iloc[-1]:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="ho_macd_wrong_callbacks",
        expected_error_type="type_error",
        mistakes=("wrong_callback_names",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class MacdStrategy(Strategy):
    fast = 12
    slow = 26
    signal = 9

    def initialize(self):
        self.macd, self.macd_signal, self.macd_hist = self.I(
            talib.MACD, self.data.Close, self.fast, self.slow, self.signal
        )

    def on_bar(self):
        # MACD line crossing above signal line -> bullish
        if crossover(self.macd, self.macd_signal):
            if not self.position:
                self.buy()
        # MACD line crossing below signal line -> bearish
        elif crossover(self.macd_signal, self.macd):
            if self.position:
                self.position.close()
""",
    ),
    BrokenStrategy(
        name="ho_breakout_empty_window",
        expected_error_type="value_error",
        mistakes=("warmup",),
        code='''\
from backtesting import Strategy


class DonchianBreakout(Strategy):
    """Turtle-style breakout: buy a new 20-day high, exit on a new 10-day low."""

    entry_lookback = 20
    exit_lookback = 10

    def init(self):
        pass

    def next(self):
        highest_high = self.data.High[-self.entry_lookback - 1:-1].max()
        lowest_low = self.data.Low[-self.exit_lookback - 1:-1].min()
        price = self.data.Close[-1]

        if not self.position and price > highest_high:
            self.buy()
        elif self.position and price < lowest_low:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="ho_stoch_position_entry_price",
        expected_error_type="attribute_error",
        mistakes=("position_api",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class StochasticStrategy(Strategy):
    k_period = 14
    d_period = 3
    stop_loss_pct = 0.05

    def init(self):
        self.slowk, self.slowd = self.I(
            talib.STOCH,
            self.data.High,
            self.data.Low,
            self.data.Close,
            fastk_period=self.k_period,
            slowk_period=self.d_period,
            slowd_period=self.d_period,
        )

    def next(self):
        if not self.position:
            if crossover(self.slowk, self.slowd) and self.slowk[-1] < 30:
                self.buy()
        else:
            # stop loss
            if self.data.Close[-1] < self.position.entry_price * (1 - self.stop_loss_pct):
                self.position.close()
            elif crossover(self.slowd, self.slowk) and self.slowk[-1] > 70:
                self.position.close()
""",
    ),
    BrokenStrategy(
        name="ho_volume_talib_int",
        expected_error_type="type_error",
        mistakes=("talib_dtype",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class VolumeConfirmedCross(Strategy):
    """SMA crossover, taken only when volume is above its 20-bar average."""

    fast = 10
    slow = 30
    vol_period = 20

    def init(self):
        self.sma_fast = self.I(talib.SMA, self.data.Close, self.fast)
        self.sma_slow = self.I(talib.SMA, self.data.Close, self.slow)
        self.vol_avg = self.I(talib.SMA, self.data.Volume, self.vol_period)

    def next(self):
        high_volume = self.data.Volume[-1] > self.vol_avg[-1]
        if crossover(self.sma_fast, self.sma_slow) and high_volume:
            self.buy()
        elif crossover(self.sma_slow, self.sma_fast):
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="ho_full_script_yfinance",
        expected_error_type="security_violation",
        note=(
            "label corrected from import_error after the first executor run: importing "
            "yfinance opens a socket, which the sandbox reports as a security violation"
        ),
        mistakes=("top_level_execution",),
        code="""\
import yfinance as yf
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.sell()


if __name__ == "__main__":
    data = yf.download("AAPL", start="2020-01-01", end="2023-12-31")
    bt = Backtest(data, SmaCross, cash=10_000, commission=0.002)
    stats = bt.run()
    print(stats)
    bt.plot()
""",
    ),
    BrokenStrategy(
        name="ho_python2_print",
        expected_error_type="syntax_error",
        mistakes=("python2_print",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class MovingAverageStrategy(Strategy):
    short_window = 20
    long_window = 50

    def init(self):
        self.short_ma = self.I(SMA, self.data.Close, self.short_window)
        self.long_ma = self.I(SMA, self.data.Close, self.long_window)

    def next(self):
        if crossover(self.short_ma, self.long_ma):
            print "Golden cross at", self.data.Close[-1]
            self.buy()
        elif crossover(self.long_ma, self.short_ma):
            print "Death cross at", self.data.Close[-1]
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="ho_win_rate_zero_division",
        expected_error_type="zero_division_error",
        mistakes=("zero_division",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class AdaptiveSmaStrategy(Strategy):
    """SMA cross that stops trading when its running win rate falls below 30%."""

    n1 = 10
    n2 = 30
    min_win_rate = 0.3

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)
        self.wins = 0
        self.total = 0

    def next(self):
        for trade in self.closed_trades[self.total:]:
            self.total += 1
            if trade.pl > 0:
                self.wins += 1
        win_rate = self.wins / self.total
        if crossover(self.sma1, self.sma2) and (self.total < 5 or win_rate >= self.min_win_rate):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="ho_fractional_units",
        expected_error_type="value_error",
        mistakes=("order_size",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class RiskSizedEma(Strategy):
    """EMA crossover that invests 10% of equity per trade."""

    fast = 9
    slow = 21
    risk_fraction = 0.1

    def init(self):
        self.fast_ema = self.I(talib.EMA, self.data.Close, timeperiod=self.fast)
        self.slow_ema = self.I(talib.EMA, self.data.Close, timeperiod=self.slow)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.fast_ema, self.slow_ema) and not self.position:
            units = self.equity * self.risk_fraction / price
            self.buy(size=units)
        elif crossover(self.slow_ema, self.fast_ema) and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="ho_crossunder_import",
        expected_error_type="import_error",
        mistakes=("hallucinated_import",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover, crossunder
from backtesting.test import SMA


class GoldenCross(Strategy):
    fast = 50
    slow = 200

    def init(self):
        self.fast_sma = self.I(SMA, self.data.Close, self.fast)
        self.slow_sma = self.I(SMA, self.data.Close, self.slow)

    def next(self):
        if crossover(self.fast_sma, self.slow_sma):
            self.buy()
        elif crossunder(self.fast_sma, self.slow_sma):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="ho_missing_self_prefix",
        expected_error_type="name_error",
        mistakes=("missing_self",),
        code="""\
from backtesting import Strategy
from backtesting.test import SMA


class TrendFollower(Strategy):
    short_period = 15
    long_period = 45

    def init(self):
        self.sma_short = self.I(SMA, self.data.Close, self.short_period)
        self.sma_long = self.I(SMA, self.data.Close, self.long_period)

    def next(self):
        # Trend up: short SMA above long SMA and price above short SMA
        if sma_short[-1] > sma_long[-1] and self.data.Close[-1] > sma_short[-1]:
            if not self.position:
                self.buy()
        elif sma_short[-1] < sma_long[-1]:
            if self.position:
                self.position.close()
""",
    ),
    BrokenStrategy(
        name="ho_position_equals_zero",
        expected_error_type="no_trades",
        mistakes=("position_misuse",),
        code="""\
from backtesting import Strategy
import talib


class RsiDipBuyer(Strategy):
    rsi_period = 14
    buy_level = 35
    sell_level = 65

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        if self.position == 0 and self.rsi[-1] < self.buy_level:
            self.buy()
        elif self.position != 0 and self.rsi[-1] > self.sell_level:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="ho_shift_on_indicator",
        expected_error_type="attribute_error",
        mistakes=("pandas_on_array",),
        code="""\
from backtesting import Strategy
from backtesting.test import SMA


class SmaCrossShift(Strategy):
    n_fast = 10
    n_slow = 40

    def init(self):
        self.sma_fast = self.I(SMA, self.data.Close, self.n_fast)
        self.sma_slow = self.I(SMA, self.data.Close, self.n_slow)

    def next(self):
        prev_fast = self.sma_fast.shift(1)[-1]
        prev_slow = self.sma_slow.shift(1)[-1]
        crossed_up = prev_fast <= prev_slow and self.sma_fast[-1] > self.sma_slow[-1]
        crossed_down = prev_fast >= prev_slow and self.sma_fast[-1] < self.sma_slow[-1]
        if crossed_up:
            self.buy()
        elif crossed_down:
            self.position.close()
""",
    ),
)


_MAIN_1 = (
    BrokenStrategy(
        name="sma_cross_missing_crossover_import",
        expected_error_type="name_error",
        mistakes=("missing_import",),
        code='''\
from backtesting import Strategy
from backtesting.test import SMA


class SmaCross(Strategy):
    """Classic moving average crossover."""

    n1 = 10
    n2 = 20

    def init(self):
        close = self.data.Close
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()
''',
    ),
    BrokenStrategy(
        name="custom_indicator_missing_numpy",
        expected_error_type="name_error",
        mistakes=("missing_import",),
        code='''\
import pandas as pd
from backtesting import Strategy
from backtesting.lib import crossover


def zscore(values, window):
    """Rolling z-score of a price series."""
    series = pd.Series(values)
    mean = series.rolling(window).mean()
    std = series.rolling(window).std()
    return np.where(std > 0, (series - mean) / std, 0.0)


class ZScoreReversion(Strategy):
    window = 20
    entry_z = -1.5
    exit_z = 0.0

    def init(self):
        self.z = self.I(zscore, self.data.Close, self.window)

    def next(self):
        if not self.position and self.z[-1] < self.entry_z:
            self.buy()
        elif self.position and self.z[-1] > self.exit_z:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="fenced_code_only",
        expected_error_type="syntax_error",
        mistakes=("markdown_fences",),
        code="""\
```python
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class EmaTrend(Strategy):
    fast = 8
    slow = 21

    def init(self):
        self.ema_fast = self.I(talib.EMA, self.data.Close, timeperiod=self.fast)
        self.ema_slow = self.I(talib.EMA, self.data.Close, timeperiod=self.slow)

    def next(self):
        if crossover(self.ema_fast, self.ema_slow):
            self.buy()
        elif crossover(self.ema_slow, self.ema_fast):
            self.position.close()
```
""",
    ),
    BrokenStrategy(
        name="lowercase_subscript_columns",
        expected_error_type="key_error",
        mistakes=("lowercase_columns",),
        code="""\
from backtesting import Strategy
from backtesting.test import SMA


class PriceAboveSma(Strategy):
    period = 50

    def init(self):
        self.sma = self.I(SMA, self.data['Close'], self.period)

    def next(self):
        close = self.data['close'][-1]
        if close > self.sma[-1] and not self.position:
            self.buy()
        elif close < self.sma[-1] and self.position:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="rolling_mean_in_init",
        expected_error_type="attribute_error",
        mistakes=("pandas_on_array",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover


class RollingMeanCross(Strategy):
    """Price crossing its 30-day rolling mean."""

    lookback = 30

    def init(self):
        self.mean = self.data.Close.rolling(self.lookback).mean()

    def next(self):
        if crossover(self.data.Close, self.mean):
            self.buy()
        elif crossover(self.mean, self.data.Close):
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="values_on_indicator",
        expected_error_type="attribute_error",
        mistakes=("pandas_on_array",),
        code="""\
from backtesting import Strategy
import talib


class RsiThreshold(Strategy):
    rsi_period = 14
    lower = 30
    upper = 70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        current_rsi = self.rsi.values[-1]
        if current_rsi < self.lower and not self.position:
            self.buy()
        elif current_rsi > self.upper and self.position:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="init_override_with_super",
        expected_error_type="type_error",
        mistakes=("constructor_override",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class MaStrategy(Strategy):
    def __init__(self):
        super().__init__()
        self.fast_period = 10
        self.slow_period = 30
        self.fast_ma = self.I(SMA, self.data.Close, self.fast_period)
        self.slow_ma = self.I(SMA, self.data.Close, self.slow_period)

    def next(self):
        if crossover(self.fast_ma, self.slow_ma):
            self.buy()
        elif crossover(self.slow_ma, self.fast_ma):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="on_data_callback",
        expected_error_type="type_error",
        mistakes=("wrong_callback_names",),
        code='''\
from backtesting import Strategy
import talib


class MomentumStrategy(Strategy):
    """Buy strong momentum, sell when it fades."""

    period = 10

    def init(self):
        self.mom = self.I(talib.MOM, self.data.Close, timeperiod=self.period)

    def on_data(self):
        if self.mom[-1] > 0 and not self.position:
            self.buy()
        elif self.mom[-1] < 0 and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="momentum_warmup_index",
        expected_error_type="index_error",
        mistakes=("warmup",),
        code='''\
from backtesting import Strategy
from backtesting.test import SMA


class RateOfChange(Strategy):
    """Buy when price is 5% above where it was 60 bars ago and above its 20-day SMA."""

    roc_bars = 60
    threshold = 0.05

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)

    def next(self):
        roc = self.data.Close[-1] / self.data.Close[-self.roc_bars] - 1
        if roc > self.threshold and self.data.Close[-1] > self.sma[-1]:
            if not self.position:
                self.buy()
        elif roc < 0 and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="int_size_can_be_zero",
        expected_error_type="value_error",
        mistakes=("order_size",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class AtrRiskSizing(Strategy):
    """Risk 0.1% of equity per trade with a 2-ATR stop."""

    fast = 10
    slow = 40
    risk = 0.001

    def init(self):
        self.fast_ma = self.I(talib.SMA, self.data.Close, timeperiod=self.fast)
        self.slow_ma = self.I(talib.SMA, self.data.Close, timeperiod=self.slow)
        self.atr = self.I(talib.ATR, self.data.High, self.data.Low, self.data.Close, timeperiod=14)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.fast_ma, self.slow_ma) and not self.position:
            stop_distance = 2 * self.atr[-1]
            units = int(self.equity * self.risk / stop_distance)
            self.buy(size=units, sl=price - stop_distance)
        elif crossover(self.slow_ma, self.fast_ma) and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="tabs_and_spaces",
        expected_error_type="indentation_error",
        mistakes=("tabs",),
        code=(
            "from backtesting import Strategy\n"
            "from backtesting.lib import crossover\n"
            "from backtesting.test import SMA\n"
            "\n"
            "\n"
            "class TabbedStrategy(Strategy):\n"
            "    def init(self):\n"
            "        self.fast = self.I(SMA, self.data.Close, 10)\n"
            "\tself.slow = self.I(SMA, self.data.Close, 30)\n"
            "\n"
            "    def next(self):\n"
            "        if crossover(self.fast, self.slow):\n"
            "\t    self.buy()\n"
            "        elif crossover(self.slow, self.fast):\n"
            "            self.position.close()\n"
        ),
    ),
    BrokenStrategy(
        name="missing_self_in_init_and_next",
        expected_error_type="attribute_error",
        mistakes=("missing_self",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class MacdCross(Strategy):
    def init(self):
        macd, signal, hist = self.I(talib.MACD, self.data.Close, 12, 26, 9)
        self.hist = hist

    def next(self):
        if crossover(self.macd, self.signal):
            self.buy()
        elif crossover(self.signal, self.macd):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="python2_print_and_xrange",
        expected_error_type="syntax_error",
        mistakes=("python2_print", "python2_builtin"),
        code='''\
from backtesting import Strategy


class ThreeUpDays(Strategy):
    """Buy after three consecutive up closes, exit after three down closes."""

    streak = 3

    def init(self):
        print "Strategy initialised"

    def next(self):
        closes = self.data.Close
        if len(closes) <= self.streak:
            return
        ups = all(closes[-i] > closes[-i - 1] for i in xrange(1, self.streak + 1))
        downs = all(closes[-i] < closes[-i - 1] for i in xrange(1, self.streak + 1))
        if ups and not self.position:
            self.buy()
        elif downs and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="date_column",
        expected_error_type="attribute_error",
        mistakes=("date_column",),
        code='''\
from backtesting import Strategy
from backtesting.test import SMA


class MondayEffect(Strategy):
    """Buy Monday's open when above the 20-day SMA, exit on Friday."""

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)

    def next(self):
        weekday = self.data.Date[-1].weekday()
        if weekday == 0 and self.data.Close[-1] > self.sma[-1] and not self.position:
            self.buy()
        elif weekday == 4 and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="crossover_on_scalars",
        expected_error_type="no_trades",
        mistakes=("crossover_scalars",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class RsiCross(Strategy):
    rsi_period = 14
    buy_level = 30
    sell_level = 70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        # RSI crossing up through the oversold level
        if crossover(self.rsi[-1], self.buy_level):
            self.buy()
        # RSI crossing down through the overbought level
        elif crossover(self.sell_level, self.rsi[-1]):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="float_equality_entry",
        expected_error_type="no_trades",
        mistakes=("float_equality",),
        code='''\
from backtesting import Strategy
import talib


class RsiLevelTouch(Strategy):
    """Enter when RSI reaches the oversold level, exit 10% higher or 5% lower."""

    oversold = 25

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=14)

    def next(self):
        if not self.position and self.rsi[-1] == self.oversold:
            price = self.data.Close[-1]
            self.buy(sl=price * 0.95, tp=price * 1.10)
''',
    ),
    BrokenStrategy(
        name="position_compared_to_int",
        expected_error_type="type_error",
        mistakes=("position_misuse",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class LongOnlyCross(Strategy):
    def init(self):
        self.short = self.I(SMA, self.data.Close, 20)
        self.long = self.I(SMA, self.data.Close, 60)

    def next(self):
        if crossover(self.short, self.long) and self.position <= 0:
            self.buy()
        if crossover(self.long, self.short) and self.position > 0:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="strategy_close_method",
        expected_error_type="attribute_error",
        mistakes=("position_api",),
        code="""\
from backtesting import Strategy
import talib


class CciStrategy(Strategy):
    period = 20

    def init(self):
        self.cci = self.I(talib.CCI, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.period)

    def next(self):
        if self.cci[-1] < -100 and not self.position:
            self.buy()
        elif self.cci[-1] > 100 and self.position:
            self.close()
""",
    ),
    BrokenStrategy(
        name="order_qty_keyword",
        expected_error_type="type_error",
        mistakes=("order_kwargs",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class FixedQuantity(Strategy):
    qty = 10

    def init(self):
        self.ma_fast = self.I(SMA, self.data.Close, 15)
        self.ma_slow = self.I(SMA, self.data.Close, 45)

    def next(self):
        if crossover(self.ma_fast, self.ma_slow):
            self.buy(qty=self.qty)
        elif crossover(self.ma_slow, self.ma_fast):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="stop_loss_take_profit_keywords",
        expected_error_type="type_error",
        mistakes=("order_kwargs",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class BracketOrders(Strategy):
    """EMA crossover entries with a 3% stop-loss and 6% take-profit."""

    stop_pct = 0.03
    target_pct = 0.06

    def init(self):
        self.ema20 = self.I(talib.EMA, self.data.Close, timeperiod=20)
        self.ema50 = self.I(talib.EMA, self.data.Close, timeperiod=50)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.ema20, self.ema50) and not self.position:
            self.buy(
                stop_loss=price * (1 - self.stop_pct),
                take_profit=price * (1 + self.target_pct),
            )
''',
    ),
)

_MAIN_2 = (
    BrokenStrategy(
        name="pandas_ta_import",
        expected_error_type="import_error",
        mistakes=("unavailable_library",),
        code="""\
import pandas as pd
import pandas_ta as ta
from backtesting import Strategy


class PandasTaRsi(Strategy):
    def init(self):
        close = pd.Series(self.data.Close)
        self.rsi = self.I(ta.rsi, close, length=14)

    def next(self):
        if self.rsi[-1] < 30 and not self.position:
            self.buy()
        elif self.rsi[-1] > 70 and self.position:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="backtesting_indicators_module",
        expected_error_type="import_error",
        mistakes=("hallucinated_import",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.indicators import EMA, RSI


class EmaRsiFilter(Strategy):
    """EMA crossover confirmed by RSI above 50."""

    def init(self):
        self.ema_fast = self.I(EMA, self.data.Close, 12)
        self.ema_slow = self.I(EMA, self.data.Close, 26)
        self.rsi = self.I(RSI, self.data.Close, 14)

    def next(self):
        if crossover(self.ema_fast, self.ema_slow) and self.rsi[-1] > 50:
            self.buy()
        elif crossover(self.ema_slow, self.ema_fast):
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="numpy_float_alias",
        expected_error_type="attribute_error",
        mistakes=("numpy_removed_alias",),
        code='''\
import numpy as np
from backtesting import Strategy
from backtesting.test import SMA


class DistanceFromMean(Strategy):
    """Buy when price is 3% below its 20-day mean, sell when back above it."""

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)

    def next(self):
        distance = np.float(self.data.Close[-1]) / np.float(self.sma[-1]) - 1
        if distance < -0.03 and not self.position:
            self.buy()
        elif distance > 0 and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="pandas_series_minus_one",
        expected_error_type="key_error",
        mistakes=("series_positional",),
        code='''\
import pandas as pd
from backtesting import Strategy


class VolumeSpike(Strategy):
    """Buy on a volume spike with an up close; exit after a down close."""

    window = 20
    multiple = 2.0

    def init(self):
        pass

    def next(self):
        volume = pd.Series(self.data.Volume)
        avg_volume = volume.rolling(self.window).mean()
        up_close = self.data.Close[-1] > self.data.Open[-1]
        if volume[-1] > self.multiple * avg_volume[-1] and up_close and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < self.data.Open[-1]:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="df_lowercase_column",
        expected_error_type="key_error",
        mistakes=("lowercase_columns", "pandas_on_array"),
        code="""\
from backtesting import Strategy
from backtesting.test import SMA


class HighLowRange(Strategy):
    def init(self):
        self.sma = self.I(SMA, self.data.Close, 30)

    def next(self):
        df = self.data.df
        last_range = df['high'].iloc[-1] - df['low'].iloc[-1]
        avg_range = (df['high'] - df['low']).iloc[-20:].mean()
        if last_range > 1.5 * avg_range and df['close'].iloc[-1] > self.sma[-1]:
            if not self.position:
                self.buy()
        elif self.position and df['close'].iloc[-1] < self.sma[-1]:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="talib_period_keyword",
        expected_error_type="type_error",
        mistakes=("talib_keywords",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class WmaCross(Strategy):
    fast = 10
    slow = 30

    def init(self):
        self.wma_fast = self.I(talib.WMA, self.data.Close, period=self.fast)
        self.wma_slow = self.I(talib.WMA, self.data.Close, period=self.slow)

    def next(self):
        if crossover(self.wma_fast, self.wma_slow):
            self.buy()
        elif crossover(self.wma_slow, self.wma_fast):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="bollinger_std_keyword",
        expected_error_type="type_error",
        mistakes=("talib_keywords",),
        code="""\
from backtesting import Strategy
import talib


class BollingerReversion(Strategy):
    period = 20
    std = 2

    def init(self):
        self.upper, self.middle, self.lower = self.I(
            talib.BBANDS, self.data.Close, timeperiod=self.period, std=self.std
        )

    def next(self):
        if self.data.Close[-1] < self.lower[-1] and not self.position:
            self.buy()
        elif self.data.Close[-1] > self.middle[-1] and self.position:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="script_with_backtest_and_print_spam",
        expected_error_type="attribute_error",
        mistakes=("top_level_execution", "lowercase_columns"),
        code="""\
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import GOOG, SMA


class SmaCrossover(Strategy):
    n1 = 10
    n2 = 30

    def init(self):
        self.sma1 = self.I(SMA, self.data.close, self.n1)
        self.sma2 = self.I(SMA, self.data.close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()


bt = Backtest(GOOG, SmaCrossover, cash=10_000, commission=0.002)
stats = bt.run()
print(stats)
print(stats["_trades"])
bt.plot()
""",
    ),
    BrokenStrategy(
        name="while_position_close",
        expected_error_type="timeout",
        mistakes=("infinite_loop",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class ReverseOnCross(Strategy):
    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 50)

    def next(self):
        if crossover(self.slow, self.fast):
            # make sure we are flat before waiting for the next entry
            while self.position:
                self.position.close()
        elif crossover(self.fast, self.slow):
            self.buy()
""",
    ),
    BrokenStrategy(
        name="next_with_data_parameter",
        expected_error_type="type_error",
        mistakes=("callback_signature",),
        code="""\
from backtesting import Strategy
import talib


class AdxTrend(Strategy):
    adx_period = 14
    adx_threshold = 25

    def init(self):
        self.adx = self.I(talib.ADX, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.adx_period)
        self.plus_di = self.I(talib.PLUS_DI, self.data.High, self.data.Low, self.data.Close,
                              timeperiod=self.adx_period)
        self.minus_di = self.I(talib.MINUS_DI, self.data.High, self.data.Low, self.data.Close,
                               timeperiod=self.adx_period)

    def next(self, data):
        strong = self.adx[-1] > self.adx_threshold
        if strong and self.plus_di[-1] > self.minus_di[-1] and not self.position:
            self.buy()
        elif self.position and self.plus_di[-1] < self.minus_di[-1]:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="strategy_not_imported",
        expected_error_type="name_error",
        mistakes=("missing_import",),
        code='''\
from backtesting.lib import crossover
import talib


class KeltnerBreakout(Strategy):
    """Buy a close above the Keltner upper band, exit below the middle line."""

    period = 20
    atr_mult = 2.0

    def init(self):
        self.mid = self.I(talib.EMA, self.data.Close, timeperiod=self.period)
        self.atr = self.I(talib.ATR, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.period)

    def next(self):
        upper = self.mid[-1] + self.atr_mult * self.atr[-1]
        if self.data.Close[-1] > upper and not self.position:
            self.buy()
        elif self.data.Close[-1] < self.mid[-1] and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="math_not_imported",
        expected_error_type="name_error",
        mistakes=("missing_import",),
        code='''\
from backtesting import Strategy
from backtesting.test import SMA


class LogReturnTrend(Strategy):
    """Go long when the 10-day log return is positive and price is above the 50-day SMA."""

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 50)

    def next(self):
        if len(self.data) < 11:
            return
        log_ret = math.log(self.data.Close[-1] / self.data.Close[-11])
        if log_ret > 0 and self.data.Close[-1] > self.sma[-1] and not self.position:
            self.buy()
        elif log_ret < 0 and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="talib_direct_in_init_series_index",
        expected_error_type="key_error",
        mistakes=("indicator_without_self_i", "series_positional"),
        code="""\
import pandas as pd
import talib
from backtesting import Strategy


class StochRsi(Strategy):
    def init(self):
        close = pd.Series(self.data.Close, index=self.data.index)
        rsi = talib.RSI(close, timeperiod=14)
        lowest, highest = rsi.rolling(14).min(), rsi.rolling(14).max()
        self.stoch_rsi = (rsi - lowest) / (highest - lowest)

    def next(self):
        if self.stoch_rsi[-1] < 0.2 and not self.position:
            self.buy()
        elif self.stoch_rsi[-1] > 0.8 and self.position:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="self_i_with_computed_array",
        expected_error_type="type_error",
        mistakes=("self_i_misuse",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class DemaCross(Strategy):
    def init(self):
        self.dema_fast = self.I(talib.DEMA(self.data.Close, timeperiod=10))
        self.dema_slow = self.I(talib.DEMA(self.data.Close, timeperiod=30))

    def next(self):
        if crossover(self.dema_fast, self.dema_slow):
            self.buy()
        elif crossover(self.dema_slow, self.dema_fast):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="position_entry_price_trailing",
        expected_error_type="attribute_error",
        mistakes=("position_api",),
        code='''\
from backtesting import Strategy
from backtesting.test import SMA


class TrailingStopTrend(Strategy):
    """Trend entry with a 10% trailing stop from the highest close since entry."""

    trail = 0.10

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 50)
        self.highest = None

    def next(self):
        price = self.data.Close[-1]
        if not self.position:
            if price > self.sma[-1]:
                self.buy()
                self.highest = price
        else:
            self.highest = max(self.highest or price, price)
            if price < self.highest * (1 - self.trail) or price < self.position.entry_price * 0.9:
                self.position.close()
''',
    ),
    BrokenStrategy(
        name="prose_after_code",
        expected_error_type="syntax_error",
        mistakes=("markdown_prose",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class TripleEma(Strategy):
    def init(self):
        self.ema1 = self.I(talib.EMA, self.data.Close, timeperiod=5)
        self.ema2 = self.I(talib.EMA, self.data.Close, timeperiod=13)
        self.ema3 = self.I(talib.EMA, self.data.Close, timeperiod=34)

    def next(self):
        aligned = self.ema1[-1] > self.ema2[-1] > self.ema3[-1]
        if aligned and not self.position:
            self.buy()
        elif crossover(self.ema2, self.ema1) and self.position:
            self.position.close()

### How it works
1. Three EMAs (5, 13, 34) must be stacked in order for an entry.
2. The position is closed when the fastest EMA crosses below the middle one.
""",
    ),
    BrokenStrategy(
        name="whole_file_indented",
        expected_error_type="indentation_error",
        mistakes=("indentation",),
        code="""\
    from backtesting import Strategy
    from backtesting.lib import crossover
    from backtesting.test import SMA

    class IndentedCross(Strategy):
        def init(self):
            self.a = self.I(SMA, self.data.Close, 12)
            self.b = self.I(SMA, self.data.Close, 36)

        def next(self):
            if crossover(self.a, self.b):
                self.buy()
            elif crossover(self.b, self.a):
                self.position.close()
""",
    ),
    BrokenStrategy(
        name="shift_compare_previous_close",
        expected_error_type="attribute_error",
        mistakes=("pandas_on_array",),
        code='''\
from backtesting import Strategy
import talib


class GapAndGo(Strategy):
    """Buy a gap up (open 1% above the previous close) when RSI is not overbought."""

    gap = 0.01

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=14)

    def next(self):
        prev_close = self.data.Close.shift(1)[-1]
        gap_up = self.data.Open[-1] > prev_close * (1 + self.gap)
        if gap_up and self.rsi[-1] < 70 and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < prev_close:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="sell_reverses_instead_of_closing_and_missing_import",
        expected_error_type="name_error",
        mistakes=("missing_import", "sell_to_close"),
        code='''\
from backtesting import Strategy
import talib


class RsiLongOnly(Strategy):
    """Long-only RSI: buy oversold, exit when overbought."""

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, 14)

    def next(self):
        if not self.position and crossover(self.rsi, 30):
            self.buy()
        elif self.position.is_long and crossover(70, self.rsi):
            self.sell()
''',
    ),
    BrokenStrategy(
        name="missing_init_method",
        expected_error_type="type_error",
        mistakes=("missing_init",),
        code='''\
from backtesting import Strategy


class InsideBar(Strategy):
    """Buy the break of an inside bar's high; exit on the break of its low."""

    def next(self):
        if len(self.data) < 3:
            return
        high, low = self.data.High, self.data.Low
        inside = high[-2] < high[-3] and low[-2] > low[-3]
        if inside and self.data.Close[-1] > high[-2] and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < low[-2]:
            self.position.close()
''',
    ),
)

_MAIN_3 = (
    BrokenStrategy(
        name="two_mistakes_lowercase_and_iloc",
        expected_error_type="attribute_error",
        mistakes=("lowercase_columns", "pandas_on_array"),
        code='''\
from backtesting import Strategy
import talib


class AtrBreakout(Strategy):
    """Buy when the close jumps more than 1.5 ATR above the previous close."""

    atr_period = 14
    mult = 1.5

    def init(self):
        self.atr = self.I(talib.ATR, self.data.high, self.data.low, self.data.close,
                          timeperiod=self.atr_period)

    def next(self):
        move = self.data.close.iloc[-1] - self.data.close.iloc[-2]
        if move > self.mult * self.atr.iloc[-1] and not self.position:
            self.buy()
        elif move < -self.atr.iloc[-1] and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="initialize_and_handle_data",
        expected_error_type="type_error",
        mistakes=("wrong_callback_names",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class ZiplineStyle(Strategy):
    def initialize(self):
        self.short_mavg = self.I(talib.SMA, self.data.Close, timeperiod=20)
        self.long_mavg = self.I(talib.SMA, self.data.Close, timeperiod=100)

    def handle_data(self):
        if crossover(self.short_mavg, self.long_mavg):
            self.buy()
        elif crossover(self.long_mavg, self.short_mavg):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="position_size_attribute",
        expected_error_type="attribute_error",
        mistakes=("position_api",),
        code='''\
from backtesting import Strategy
from backtesting.test import SMA


class ScaleIn(Strategy):
    """Add to the position on pullbacks to the 20-day SMA, up to 3 entries."""

    max_entries = 3

    def init(self):
        self.sma20 = self.I(SMA, self.data.Close, 20)
        self.sma100 = self.I(SMA, self.data.Close, 100)

    def next(self):
        uptrend = self.sma20[-1] > self.sma100[-1]
        pullback = self.data.Low[-1] <= self.sma20[-1] <= self.data.Close[-1]
        if uptrend and pullback and len(self.trades) < self.max_entries:
            self.buy(size=0.2)
        if self.position and self.position.pnl_pct > 0.15:
            self.position.close()
        elif self.position and not uptrend:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="signal_array_in_init_lookahead",
        expected_error_type="no_trades",
        mistakes=("indicator_without_self_i", "position_misuse"),
        code="""\
import numpy as np
from backtesting import Strategy
from backtesting.test import SMA


class SignalArray(Strategy):
    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 40)
        self.signal = np.where(self.fast > self.slow, 1, -1)

    def next(self):
        if self.signal[-1] == 1 and self.position is None:
            self.buy()
        elif self.signal[-1] == -1 and self.position is not None:
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="kelly_sizing_zero_division",
        expected_error_type="zero_division_error",
        mistakes=("zero_division",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class KellySizedCross(Strategy):
    """SMA crossover sized by a (capped) Kelly fraction from the closed trades so far."""

    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 30)

    def kelly_fraction(self):
        wins = [t.pl_pct for t in self.closed_trades if t.pl > 0]
        losses = [-t.pl_pct for t in self.closed_trades if t.pl <= 0]
        win_rate = len(wins) / len(self.closed_trades) if self.closed_trades else 0.5
        avg_win = sum(wins) / len(wins)
        avg_loss = sum(losses) / len(losses)
        payoff = avg_win / avg_loss if avg_loss else 1.0
        kelly = win_rate - (1 - win_rate) / payoff
        return min(max(kelly, 0.1), 0.9)

    def next(self):
        if crossover(self.fast, self.slow) and not self.position:
            self.buy(size=self.kelly_fraction())
        elif crossover(self.slow, self.fast) and self.position:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="higher_lows_loop_index",
        expected_error_type="index_error",
        mistakes=("warmup",),
        code='''\
from backtesting import Strategy


class HigherLows(Strategy):
    """Buy after N consecutive higher lows; exit when the close breaks the previous low."""

    n_lows = 4

    def init(self):
        pass

    def next(self):
        lows = self.data.Low
        higher_lows = True
        for i in range(1, self.n_lows + 1):
            if lows[-i] <= lows[-i - 1]:
                higher_lows = False
        if higher_lows and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < lows[-2]:
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="buy_positional_size_and_crossunder",
        expected_error_type="import_error",
        mistakes=("hallucinated_import", "order_kwargs"),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover, crossunder
import talib


class KamaCross(Strategy):
    def init(self):
        self.kama = self.I(talib.KAMA, self.data.Close, timeperiod=30)

    def next(self):
        if crossover(self.data.Close, self.kama):
            self.buy(0.5)
        elif crossunder(self.data.Close, self.kama):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="global_params_without_self",
        expected_error_type="name_error",
        mistakes=("missing_self",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class ParamStrategy(Strategy):
    fast_period = 12
    slow_period = 26
    rsi_limit = 65

    def init(self):
        self.fast = self.I(talib.EMA, self.data.Close, timeperiod=fast_period)
        self.slow = self.I(talib.EMA, self.data.Close, timeperiod=slow_period)
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=14)

    def next(self):
        if crossover(self.fast, self.slow) and self.rsi[-1] < rsi_limit:
            self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="sl_above_price_for_long",
        expected_error_type="value_error",
        mistakes=("bracket_order_levels",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class PercentBracket(Strategy):
    """Long on a golden cross with a 4% stop and an 8% target."""

    def init(self):
        self.fast = self.I(SMA, self.data.Close, 20)
        self.slow = self.I(SMA, self.data.Close, 50)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.fast, self.slow) and not self.position:
            self.buy(sl=price * 1.04, tp=price * 0.92)
''',
    ),
    BrokenStrategy(
        name="trades_index_before_any_trade",
        expected_error_type="index_error",
        mistakes=("empty_trades",),
        code='''\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class CooldownCross(Strategy):
    """SMA cross that waits 5 bars after the last exit before re-entering."""

    cooldown = 5

    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 30)

    def next(self):
        bars_since_exit = len(self.data) - self.closed_trades[-1].exit_bar
        if crossover(self.fast, self.slow) and bars_since_exit > self.cooldown:
            self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
''',
    ),
    BrokenStrategy(
        name="adj_close_column",
        expected_error_type="attribute_error",
        mistakes=("lowercase_columns",),
        code="""\
from backtesting import Strategy
from backtesting.lib import crossover
import talib


class AdjCloseTrix(Strategy):
    def init(self):
        self.trix = self.I(talib.TRIX, self.data.Adj_Close, timeperiod=15)
        self.signal = self.I(talib.EMA, self.trix, timeperiod=9)

    def next(self):
        if crossover(self.trix, self.signal):
            self.buy()
        elif crossover(self.signal, self.trix):
            self.position.close()
""",
    ),
    BrokenStrategy(
        name="ewm_series_in_init",
        expected_error_type="key_error",
        mistakes=("indicator_without_self_i", "series_positional"),
        code='''\
from backtesting import Strategy


class EwmCross(Strategy):
    """Close crossing its 20-bar exponential moving average (pandas ewm)."""

    span = 20

    def init(self):
        self.ema = self.data.Close.s.ewm(span=self.span, adjust=False).mean()

    def next(self):
        if self.data.Close[-1] > self.ema[-1] and self.data.Close[-2] <= self.ema[-2]:
            self.buy()
        elif self.data.Close[-1] < self.ema[-1] and self.position:
            self.position.close()
''',
    ),
)

MAIN_CASES: tuple[BrokenStrategy, ...] = _MAIN_1 + _MAIN_2 + _MAIN_3
ALL_CASES: tuple[BrokenStrategy, ...] = MAIN_CASES + HELD_OUT_CASES
