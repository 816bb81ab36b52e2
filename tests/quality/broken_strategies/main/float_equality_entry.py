from backtesting import Strategy
import talib


class RsiLevelTouch(Strategy):
    """Enter when RSI reaches the oversold level, exit 10% higher or 5% lower."""

    oversold = 25

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=14)

    def next(self):
        if not self.position and self.rsi[-1] == self.oversold:
            price = self.data.Close[-1]
            self.buy(sl=price * 0.95, tp=price * 1.10)
