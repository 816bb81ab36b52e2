from backtesting import Strategy


class InsideBar(Strategy):
    """Buy the break of an inside bar's high; exit on the break of its low."""

    def next(self):
        if len(self.data) < 3:
            return
        high, low = self.data.High, self.data.Low
        inside = high[-2] < high[-3] and low[-2] > low[-3]
        if inside and self.data.Close[-1] > high[-2] and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < low[-2]:
            self.position.close()
