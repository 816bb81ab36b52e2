from backtesting import Strategy
from backtesting.lib import crossover, crossunder
import talib


class KamaCross(Strategy):
    def init(self):
        self.kama = self.I(talib.KAMA, self.data.Close, timeperiod=30)

    def next(self):
        if crossover(self.data.Close, self.kama):
            self.buy(0.5)
        elif crossunder(self.data.Close, self.kama):
            self.position.close()
