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
