from backtesting import Strategy
from backtesting.lib import crossover
import talib


class ZiplineStyle(Strategy):
    def initialize(self):
        self.short_mavg = self.I(talib.SMA, self.data.Close, timeperiod=20)
        self.long_mavg = self.I(talib.SMA, self.data.Close, timeperiod=100)

    def handle_data(self):
        if crossover(self.short_mavg, self.long_mavg):
            self.buy()
        elif crossover(self.long_mavg, self.short_mavg):
            self.position.close()
