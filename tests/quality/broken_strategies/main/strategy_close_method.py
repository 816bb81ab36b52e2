from backtesting import Strategy
import talib


class CciStrategy(Strategy):
    period = 20

    def init(self):
        self.cci = self.I(talib.CCI, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.period)

    def next(self):
        if self.cci[-1] < -100 and not self.position:
            self.buy()
        elif self.cci[-1] > 100 and self.position:
            self.close()
