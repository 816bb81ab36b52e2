from backtesting import Strategy
import talib


class RsiThreshold(Strategy):
    rsi_period = 14
    lower = 30
    upper = 70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        current_rsi = self.rsi.values[-1]
        if current_rsi < self.lower and not self.position:
            self.buy()
        elif current_rsi > self.upper and self.position:
            self.position.close()
