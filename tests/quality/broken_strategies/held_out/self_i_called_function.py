from backtesting import Strategy
from backtesting.lib import crossover
import talib


class EmaRsiFilter(Strategy):
    def init(self):
        close = self.data.Close
        self.ema = self.I(talib.EMA(close, timeperiod=50))
        self.rsi = self.I(talib.RSI(close, timeperiod=14))

    def next(self):
        if crossover(self.data.Close, self.ema) and self.rsi[-1] < 60:
            self.buy()
        elif crossover(self.ema, self.data.Close):
            self.position.close()
