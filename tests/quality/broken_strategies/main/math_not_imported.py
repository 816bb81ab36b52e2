from backtesting import Strategy
from backtesting.test import SMA


class LogReturnTrend(Strategy):
    """Go long when the 10-day log return is positive and price is above the 50-day SMA."""

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 50)

    def next(self):
        if len(self.data) < 11:
            return
        log_ret = math.log(self.data.Close[-1] / self.data.Close[-11])
        if log_ret > 0 and self.data.Close[-1] > self.sma[-1] and not self.position:
            self.buy()
        elif log_ret < 0 and self.position:
            self.position.close()
