from backtesting import Strategy
from backtesting.lib import crossover
import talib


class RsiCross(Strategy):
    rsi_period = 14
    buy_level = 30
    sell_level = 70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        # RSI crossing up through the oversold level
        if crossover(self.rsi[-1], self.buy_level):
            self.buy()
        # RSI crossing down through the overbought level
        elif crossover(self.sell_level, self.rsi[-1]):
            self.position.close()
