from backtesting import Strategy
from backtesting.lib import crossover
import talib


class MacdCross(Strategy):
    def init(self):
        macd, signal, hist = self.I(talib.MACD, self.data.Close, 12, 26, 9)
        self.hist = hist

    def next(self):
        if crossover(self.macd, self.signal):
            self.buy()
        elif crossover(self.signal, self.macd):
            self.position.close()
