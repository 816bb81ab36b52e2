from backtesting import Strategy
from backtesting.test import SMA


class ScaleIn(Strategy):
    """Add to the position on pullbacks to the 20-day SMA, up to 3 entries."""

    max_entries = 3

    def init(self):
        self.sma20 = self.I(SMA, self.data.Close, 20)
        self.sma100 = self.I(SMA, self.data.Close, 100)

    def next(self):
        uptrend = self.sma20[-1] > self.sma100[-1]
        pullback = self.data.Low[-1] <= self.sma20[-1] <= self.data.Close[-1]
        if uptrend and pullback and len(self.trades) < self.max_entries:
            self.buy(size=0.2)
        if self.position and self.position.pnl_pct > 0.15:
            self.position.close()
        elif self.position and not uptrend:
            self.position.close()
