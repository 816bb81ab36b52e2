from backtesting import Strategy
from backtesting.lib import crossover
import talib


class MacdTrend(Strategy):
    fast, slow, signal_period = 12, 26, 9

    def init(self):
        # MACD line and its signal line
        self.macd, self.signal = self.I(
            talib.MACD, self.data.Close, self.fast, self.slow, self.signal_period
        )

    def next(self):
        if crossover(self.macd, self.signal):
            self.buy()
        elif crossover(self.signal, self.macd):
            self.position.close()
