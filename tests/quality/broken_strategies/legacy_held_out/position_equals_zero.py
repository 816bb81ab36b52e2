from backtesting import Strategy
import talib


class RsiDipBuyer(Strategy):
    rsi_period = 14
    buy_level = 35
    sell_level = 65

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        if self.position == 0 and self.rsi[-1] < self.buy_level:
            self.buy()
        elif self.position != 0 and self.rsi[-1] > self.sell_level:
            self.position.close()
