from backtesting import Strategy
import talib


class AdxTrend(Strategy):
    adx_period = 14
    adx_threshold = 25

    def init(self):
        self.adx = self.I(talib.ADX, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.adx_period)
        self.plus_di = self.I(talib.PLUS_DI, self.data.High, self.data.Low, self.data.Close,
                              timeperiod=self.adx_period)
        self.minus_di = self.I(talib.MINUS_DI, self.data.High, self.data.Low, self.data.Close,
                               timeperiod=self.adx_period)

    def next(self, data):
        strong = self.adx[-1] > self.adx_threshold
        if strong and self.plus_di[-1] > self.minus_di[-1] and not self.position:
            self.buy()
        elif self.position and self.plus_di[-1] < self.minus_di[-1]:
            self.position.close()
