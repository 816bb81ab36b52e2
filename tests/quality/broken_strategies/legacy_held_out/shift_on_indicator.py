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
