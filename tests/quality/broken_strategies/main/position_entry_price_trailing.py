from backtesting import Strategy
from backtesting.test import SMA


class TrailingStopTrend(Strategy):
    """Trend entry with a 10% trailing stop from the highest close since entry."""

    trail = 0.10

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 50)
        self.highest = None

    def next(self):
        price = self.data.Close[-1]
        if not self.position:
            if price > self.sma[-1]:
                self.buy()
                self.highest = price
        else:
            self.highest = max(self.highest or price, price)
            if price < self.highest * (1 - self.trail) or price < self.position.entry_price * 0.9:
                self.position.close()
