from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class LongOnlyCross(Strategy):
    def init(self):
        self.short = self.I(SMA, self.data.Close, 20)
        self.long = self.I(SMA, self.data.Close, 60)

    def next(self):
        if crossover(self.short, self.long) and self.position <= 0:
            self.buy()
        if crossover(self.long, self.short) and self.position > 0:
            self.position.close()
