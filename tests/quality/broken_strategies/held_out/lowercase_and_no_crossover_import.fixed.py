from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class GoldenCross(Strategy):
    short_window = 50
    long_window = 200

    def init(self):
        self.short_ma = self.I(SMA, self.data.Close, self.short_window)
        self.long_ma = self.I(SMA, self.data.Close, self.long_window)

    def next(self):
        if crossover(self.short_ma, self.long_ma):
            self.buy()
        elif crossover(self.long_ma, self.short_ma):
            self.position.close()
