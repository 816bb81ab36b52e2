from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA
import talib


class AtrRiskSizing(Strategy):
    """Risk 1% of equity per trade with a 2 ATR stop."""

    risk = 0.01

    def init(self):
        self.sma_fast = self.I(SMA, self.data.Close, 10)
        self.sma_slow = self.I(SMA, self.data.Close, 30)
        self.atr = self.I(talib.ATR, self.data.High, self.data.Low, self.data.Close, 14)

    def next(self):
        if not self.position and crossover(self.sma_fast, self.sma_slow):
            stop_distance = 2 * self.atr[-1]
            units = self.equity * self.risk / stop_distance
            self.buy(size=units, sl=self.data.Close[-1] - stop_distance)
        elif self.position and crossover(self.sma_slow, self.sma_fast):
            self.position.close()
