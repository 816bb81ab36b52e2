from backtesting import Strategy
from backtesting.lib import crossover
from Backtest.indicators import EMA


class EmaRibbon(Strategy):
    """Long when the 8 EMA crosses above the 21 EMA."""

    short = 8
    long = 21

    def init(self):
        self.ema_short = self.I(EMA, self.data.Close, self.short)
        self.ema_long = self.I(EMA, self.data.Close, self.long)

    def next(self):
        if crossover(self.ema_short, self.ema_long):
            self.buy()
        elif crossover(self.ema_long, self.ema_short):
            self.position.close()
