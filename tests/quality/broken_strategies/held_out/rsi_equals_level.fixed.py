from backtesting import Strategy
from backtesting.lib import crossover
import talib


class RsiTouch(Strategy):
    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, 14)

    def next(self):
        if not self.position and crossover(30, self.rsi):
            self.buy()
        elif self.position and crossover(self.rsi, 70):
            self.position.close()
