from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class ShortTheBreakdown(Strategy):
    """Short when the fast SMA crosses under the slow one, 2% stop, 4% target."""

    fast = 10
    slow = 40

    def init(self):
        self.fast_ma = self.I(SMA, self.data.Close, self.fast)
        self.slow_ma = self.I(SMA, self.data.Close, self.slow)

    def next(self):
        price = self.data.Close[-1]
        if not self.position and crossover(self.slow_ma, self.fast_ma):
            # stop loss 2%, take profit 4%
            self.sell(sl=price * 1.02, tp=price * 0.96)
        elif self.position and crossover(self.fast_ma, self.slow_ma):
            self.position.close()
