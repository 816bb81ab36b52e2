from backtesting import Strategy
from backtesting.lib import crossover
import talib


class AtrRiskSizing(Strategy):
    """Risk 0.1% of equity per trade with a 2-ATR stop."""

    fast = 10
    slow = 40
    risk = 0.001

    def init(self):
        self.fast_ma = self.I(talib.SMA, self.data.Close, timeperiod=self.fast)
        self.slow_ma = self.I(talib.SMA, self.data.Close, timeperiod=self.slow)
        self.atr = self.I(talib.ATR, self.data.High, self.data.Low, self.data.Close, timeperiod=14)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.fast_ma, self.slow_ma) and not self.position:
            stop_distance = 2 * self.atr[-1]
            units = int(self.equity * self.risk / stop_distance)
            self.buy(size=units, sl=price - stop_distance)
        elif crossover(self.slow_ma, self.fast_ma) and self.position:
            self.position.close()
