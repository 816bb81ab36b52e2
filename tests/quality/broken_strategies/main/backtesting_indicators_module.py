from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.indicators import EMA, RSI


class EmaRsiFilter(Strategy):
    """EMA crossover confirmed by RSI above 50."""

    def init(self):
        self.ema_fast = self.I(EMA, self.data.Close, 12)
        self.ema_slow = self.I(EMA, self.data.Close, 26)
        self.rsi = self.I(RSI, self.data.Close, 14)

    def next(self):
        if crossover(self.ema_fast, self.ema_slow) and self.rsi[-1] > 50:
            self.buy()
        elif crossover(self.ema_slow, self.ema_fast):
            self.position.close()
