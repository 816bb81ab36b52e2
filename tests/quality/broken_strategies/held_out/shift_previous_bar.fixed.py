from backtesting import Strategy


class InsideBarBreakout(Strategy):
    """Buy when today's close breaks above yesterday's high; exit below yesterday's low."""

    def init(self):
        pass

    def next(self):
        high, low = self.data.High, self.data.Low
        if not self.position and self.data.Close[-1] > high[-2]:
            self.buy()
        elif self.position and self.data.Close[-1] < low[-2]:
            self.position.close()
