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
