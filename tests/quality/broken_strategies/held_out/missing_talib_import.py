from backtesting import Strategy


class AtrChannelBreakout(Strategy):
    """Buy a close above the prior close + 1.5 ATR; exit below prior close - 1 ATR."""

    atr_period = 14
    up_mult = 1.5
    down_mult = 1.0

    def init(self):
        self.atr = self.I(talib.ATR, self.data.High, self.data.Low, self.data.Close,
                          timeperiod=self.atr_period)

    def next(self):
        prev_close = self.data.Close[-2]
        if not self.position and self.data.Close[-1] > prev_close + self.up_mult * self.atr[-1]:
            self.buy()
        elif self.position and self.data.Close[-1] < prev_close - self.down_mult * self.atr[-1]:
            self.position.close()
