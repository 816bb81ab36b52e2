import numpy as np
from backtesting import Strategy
from backtesting.test import SMA


class DistanceFromMean(Strategy):
    """Buy when price is 3% below its 20-day mean, sell when back above it."""

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)

    def next(self):
        distance = np.float(self.data.Close[-1]) / np.float(self.sma[-1]) - 1
        if distance < -0.03 and not self.position:
            self.buy()
        elif distance > 0 and self.position:
            self.position.close()
