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
