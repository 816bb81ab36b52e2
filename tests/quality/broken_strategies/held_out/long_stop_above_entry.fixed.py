from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaBreakoutWithStops(Strategy):
    fast = 10
    slow = 30
    stop_pct = 0.03  # 3% stop loss
    target_pct = 0.06  # 6% take profit

    def init(self):
        self.sma_fast = self.I(SMA, self.data.Close, self.fast)
        self.sma_slow = self.I(SMA, self.data.Close, self.slow)

    def next(self):
        price = self.data.Close[-1]
        if not self.position and crossover(self.sma_fast, self.sma_slow):
            self.buy(
                sl=price * (1 - self.stop_pct),
                tp=price * (1 + self.target_pct),
            )
