from backtesting import Strategy


class EwmCross(Strategy):
    """Close crossing its 20-bar exponential moving average (pandas ewm)."""

    span = 20

    def init(self):
        self.ema = self.data.Close.s.ewm(span=self.span, adjust=False).mean()

    def next(self):
        if self.data.Close[-1] > self.ema[-1] and self.data.Close[-2] <= self.ema[-2]:
            self.buy()
        elif self.data.Close[-1] < self.ema[-1] and self.position:
            self.position.close()
