from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class FixedQuantity(Strategy):
    qty = 10

    def init(self):
        self.ma_fast = self.I(SMA, self.data.Close, 15)
        self.ma_slow = self.I(SMA, self.data.Close, 45)

    def next(self):
        if crossover(self.ma_fast, self.ma_slow):
            self.buy(qty=self.qty)
        elif crossover(self.ma_slow, self.ma_fast):
            self.position.close()
