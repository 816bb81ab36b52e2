from backtesting import Strategy
import talib


class RsiTouch(Strategy):
    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, 14)

    def next(self):
        if not self.position and self.rsi[-1] == 30:
            self.buy()
        elif self.position and self.rsi[-1] == 70:
            self.position.close()
