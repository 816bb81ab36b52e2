import pandas as pd
from backtesting import Strategy


class EmaSlope(Strategy):
    span = 30

    def init(self):
        close = pd.Series(self.data.Close)
        self.ema = close.ewm(span=self.span, adjust=False).mean()

    def next(self):
        rising = self.ema[-1] > self.ema[-2]
        if not self.position and rising:
            self.buy()
        elif self.position and not rising:
            self.position.close()
