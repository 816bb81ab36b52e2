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
