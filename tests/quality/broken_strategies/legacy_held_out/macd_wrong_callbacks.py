from backtesting import Strategy
from backtesting.lib import crossover
import talib


class MacdStrategy(Strategy):
    fast = 12
    slow = 26
    signal = 9

    def initialize(self):
        self.macd, self.macd_signal, self.macd_hist = self.I(
            talib.MACD, self.data.Close, self.fast, self.slow, self.signal
        )

    def on_bar(self):
        # MACD line crossing above signal line -> bullish
        if crossover(self.macd, self.macd_signal):
            if not self.position:
                self.buy()
        # MACD line crossing below signal line -> bearish
        elif crossover(self.macd_signal, self.macd):
            if self.position:
                self.position.close()
