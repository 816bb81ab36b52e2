from backtesting import Strategy
from backtesting.test import SMA


class MondayEffect(Strategy):
    """Buy Monday's open when above the 20-day SMA, exit on Friday."""

    def init(self):
        self.sma = self.I(SMA, self.data.Close, 20)

    def next(self):
        weekday = self.data.Date[-1].weekday()
        if weekday == 0 and self.data.Close[-1] > self.sma[-1] and not self.position:
            self.buy()
        elif weekday == 4 and self.position:
            self.position.close()
