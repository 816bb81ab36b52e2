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
