from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class ReverseOnCross(Strategy):
    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 50)

    def next(self):
        if crossover(self.slow, self.fast):
            # make sure we are flat before waiting for the next entry
            while self.position:
                self.position.close()
        elif crossover(self.fast, self.slow):
            self.buy()
