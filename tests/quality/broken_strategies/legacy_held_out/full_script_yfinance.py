import yfinance as yf
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.sell()


if __name__ == "__main__":
    data = yf.download("AAPL", start="2020-01-01", end="2023-12-31")
    bt = Backtest(data, SmaCross, cash=10_000, commission=0.002)
    stats = bt.run()
    print(stats)
    bt.plot()
