from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class TabbedSmaCross(Strategy):
    n1 = 15
    n2 = 45

    def init(self):
	self.fast = self.I(SMA, self.data.Close, self.n1)
        self.slow = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.fast, self.slow):
	    self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
