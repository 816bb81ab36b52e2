from backtesting import Strategy
from backtesting.test import SMA


class HighLowRange(Strategy):
    def init(self):
        self.sma = self.I(SMA, self.data.Close, 30)

    def next(self):
        df = self.data.df
        last_range = df['high'].iloc[-1] - df['low'].iloc[-1]
        avg_range = (df['high'] - df['low']).iloc[-20:].mean()
        if last_range > 1.5 * avg_range and df['close'].iloc[-1] > self.sma[-1]:
            if not self.position:
                self.buy()
        elif self.position and df['close'].iloc[-1] < self.sma[-1]:
            self.position.close()
