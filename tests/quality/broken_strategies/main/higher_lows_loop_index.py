from backtesting import Strategy


class HigherLows(Strategy):
    """Buy after N consecutive higher lows; exit when the close breaks the previous low."""

    n_lows = 4

    def init(self):
        pass

    def next(self):
        lows = self.data.Low
        higher_lows = True
        for i in range(1, self.n_lows + 1):
            if lows[-i] <= lows[-i - 1]:
                higher_lows = False
        if higher_lows and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < lows[-2]:
            self.position.close()
