import pandas as pd
from backtesting import Strategy


class EmaSlope(Strategy):
    span = 30

    def init(self):
        close = pd.Series(self.data.Close)
        self.ema = self.I(lambda: close.ewm(span=self.span, adjust=False).mean(), name='ema')

    def next(self):
        rising = self.ema[-1] > self.ema[-2]
        if not self.position and rising:
            self.buy()
        elif self.position and not rising:
            self.position.close()
