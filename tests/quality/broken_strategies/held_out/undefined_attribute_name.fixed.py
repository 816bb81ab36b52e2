from backtesting import Strategy
from backtesting.lib import crossover
import talib


class DualEma(Strategy):
    fast = 9
    slow = 21

    def init(self):
        self.ema_fast = self.I(talib.EMA, self.data.Close, timeperiod=self.fast)
        self.ema_slow = self.I(talib.EMA, self.data.Close, timeperiod=self.slow)

    def next(self):
        # enter on a golden cross of the two EMAs
        if crossover(self.ema_fast, self.ema_slow):
            self.buy()
        elif crossover(self.ema_slow, self.ema_fast):
            self.position.close()
