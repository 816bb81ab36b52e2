from backtesting import Strategy
from backtesting.lib import crossover
import talib


class DemaCross(Strategy):
    def init(self):
        self.dema_fast = self.I(talib.DEMA(self.data.Close, timeperiod=10))
        self.dema_slow = self.I(talib.DEMA(self.data.Close, timeperiod=30))

    def next(self):
        if crossover(self.dema_fast, self.dema_slow):
            self.buy()
        elif crossover(self.dema_slow, self.dema_fast):
            self.position.close()
