from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class FlatOnlyEntries(Strategy):
    def init(self):
        self.fast = self.I(SMA, self.data.Close, 5)
        self.slow = self.I(SMA, self.data.Close, 25)

    def next(self):
        if self.position == None and crossover(self.fast, self.slow):
            self.buy()
        elif self.position != None and crossover(self.slow, self.fast):
            self.position.close()
