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
