from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class LeveragedSmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy(size=1.5)  # 1.5x position
        elif crossover(self.sma2, self.sma1):
            self.position.close()
