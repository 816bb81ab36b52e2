from backtesting import Strategy
from backtesting.lib import crossover
import talib


class ParamStrategy(Strategy):
    fast_period = 12
    slow_period = 26
    rsi_limit = 65

    def init(self):
        self.fast = self.I(talib.EMA, self.data.Close, timeperiod=fast_period)
        self.slow = self.I(talib.EMA, self.data.Close, timeperiod=slow_period)
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=14)

    def next(self):
        if crossover(self.fast, self.slow) and self.rsi[-1] < rsi_limit:
            self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
