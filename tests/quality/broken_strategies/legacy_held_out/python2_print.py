from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class MovingAverageStrategy(Strategy):
    short_window = 20
    long_window = 50

    def init(self):
        self.short_ma = self.I(SMA, self.data.Close, self.short_window)
        self.long_ma = self.I(SMA, self.data.Close, self.long_window)

    def next(self):
        if crossover(self.short_ma, self.long_ma):
            print "Golden cross at", self.data.Close[-1]
            self.buy()
        elif crossover(self.long_ma, self.short_ma):
            print "Death cross at", self.data.Close[-1]
            self.position.close()
