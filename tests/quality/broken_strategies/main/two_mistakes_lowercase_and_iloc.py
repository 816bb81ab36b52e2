from backtesting import Strategy
import talib


class AtrBreakout(Strategy):
    """Buy when the close jumps more than 1.5 ATR above the previous close."""

    atr_period = 14
    mult = 1.5

    def init(self):
        self.atr = self.I(talib.ATR, self.data.high, self.data.low, self.data.close,
                          timeperiod=self.atr_period)

    def next(self):
        move = self.data.close.iloc[-1] - self.data.close.iloc[-2]
        if move > self.mult * self.atr.iloc[-1] and not self.position:
            self.buy()
        elif move < -self.atr.iloc[-1] and self.position:
            self.position.close()
