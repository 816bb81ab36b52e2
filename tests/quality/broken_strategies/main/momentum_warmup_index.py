from backtesting import Strategy
from backtesting.test import SMA


class RateOfChange(Strategy):
    """Buy when price is 5% above where it was 60 bars ago and above its 20-day SMA."""

    roc_bars = 60
    threshold = 0.05

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)

    def next(self):
        roc = self.data.Close[-1] / self.data.Close[-self.roc_bars] - 1
        if roc > self.threshold and self.data.Close[-1] > self.sma[-1]:
            if not self.position:
                self.buy()
        elif roc < 0 and self.position:
            self.position.close()
