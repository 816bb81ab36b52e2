from backtesting import Strategy
from backtesting.lib import crossover


class RollingMeanCross(Strategy):
    """Price crossing its 30-day rolling mean."""

    lookback = 30

    def init(self):
        self.mean = self.data.Close.rolling(self.lookback).mean()

    def next(self):
        if crossover(self.data.Close, self.mean):
            self.buy()
        elif crossover(self.mean, self.data.Close):
            self.position.close()
