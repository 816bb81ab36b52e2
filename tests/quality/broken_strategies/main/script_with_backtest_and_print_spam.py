from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import GOOG, SMA


class SmaCrossover(Strategy):
    n1 = 10
    n2 = 30

    def init(self):
        self.sma1 = self.I(SMA, self.data.close, self.n1)
        self.sma2 = self.I(SMA, self.data.close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()


bt = Backtest(GOOG, SmaCrossover, cash=10_000, commission=0.002)
stats = bt.run()
print(stats)
print(stats["_trades"])
bt.plot()
