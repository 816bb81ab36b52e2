from backtesting import Strategy
from backtesting.test import SMA


class PriceAboveSma(Strategy):
    period = 50

    def init(self):
        self.sma = self.I(SMA, self.data['Close'], self.period)

    def next(self):
        close = self.data['close'][-1]
        if close > self.sma[-1] and not self.position:
            self.buy()
        elif close < self.sma[-1] and self.position:
            self.position.close()
