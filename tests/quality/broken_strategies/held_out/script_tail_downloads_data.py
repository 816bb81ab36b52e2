import yfinance as yf
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 20
    n2 = 60

    def init(self):
        self.a = self.I(SMA, self.data.Close, self.n1)
        self.b = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.a, self.b):
            self.buy()
        elif crossover(self.b, self.a):
            self.position.close()


data = yf.download("AAPL", start="2018-01-01", end="2023-01-01")
bt = Backtest(data, SmaCross, cash=10_000, commission=0.002)
stats = bt.run()
print(stats)
bt.plot()
