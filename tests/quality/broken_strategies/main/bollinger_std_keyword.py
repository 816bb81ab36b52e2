from backtesting import Strategy
import talib


class BollingerReversion(Strategy):
    period = 20
    std = 2

    def init(self):
        self.upper, self.middle, self.lower = self.I(
            talib.BBANDS, self.data.Close, timeperiod=self.period, std=self.std
        )

    def next(self):
        if self.data.Close[-1] < self.lower[-1] and not self.position:
            self.buy()
        elif self.data.Close[-1] > self.middle[-1] and self.position:
            self.position.close()
