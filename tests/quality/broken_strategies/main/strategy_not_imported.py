from backtesting.lib import crossover
import talib


class KeltnerBreakout(Strategy):
    """Buy a close above the Keltner upper band, exit below the middle line."""

    period = 20
    atr_mult = 2.0

    def init(self):
        self.mid = self.I(talib.EMA, self.data.Close, timeperiod=self.period)
        self.atr = self.I(talib.ATR, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.period)

    def next(self):
        upper = self.mid[-1] + self.atr_mult * self.atr[-1]
        if self.data.Close[-1] > upper and not self.position:
            self.buy()
        elif self.data.Close[-1] < self.mid[-1] and self.position:
            self.position.close()
