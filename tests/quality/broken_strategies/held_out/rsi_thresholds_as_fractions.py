from backtesting import Strategy
import talib


class RsiMeanReversion(Strategy):
    rsi_period = 14
    oversold = 0.30
    overbought = 0.70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        if not self.position and self.rsi[-1] < self.oversold:
            self.buy()
        elif self.position and self.rsi[-1] > self.overbought:
            self.position.close()
