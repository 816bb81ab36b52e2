from backtesting import Strategy
import talib


class BandBreakout(Strategy):
    def init(self):
        self.upper, _, self.lower = self.I(talib.BBANDS, self.data.Close, timeperiod=20)

    def next(self):
        if not self.position and self.data.Close[-1] > self.upper[-1]:
            self.buy()
        elif self.position and self.data.Close[-1] < self.lower[-1]:
            self.position.close()
