from backtesting import Strategy
from backtesting.test import SMA


class TrendFollower(Strategy):
    short_period = 15
    long_period = 45

    def init(self):
        self.sma_short = self.I(SMA, self.data.Close, self.short_period)
        self.sma_long = self.I(SMA, self.data.Close, self.long_period)

    def next(self):
        # Trend up: short SMA above long SMA and price above short SMA
        if sma_short[-1] > sma_long[-1] and self.data.Close[-1] > sma_short[-1]:
            if not self.position:
                self.buy()
        elif sma_short[-1] < sma_long[-1]:
            if self.position:
                self.position.close()
