from backtesting import Strategy
from backtesting.lib import crossover
import talib


class AdjCloseTrix(Strategy):
    def init(self):
        self.trix = self.I(talib.TRIX, self.data.Adj_Close, timeperiod=15)
        self.signal = self.I(talib.EMA, self.trix, timeperiod=9)

    def next(self):
        if crossover(self.trix, self.signal):
            self.buy()
        elif crossover(self.signal, self.trix):
            self.position.close()
