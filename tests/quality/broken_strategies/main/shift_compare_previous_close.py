from backtesting import Strategy
import talib


class GapAndGo(Strategy):
    """Buy a gap up (open 1% above the previous close) when RSI is not overbought."""

    gap = 0.01

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=14)

    def next(self):
        prev_close = self.data.Close.shift(1)[-1]
        gap_up = self.data.Open[-1] > prev_close * (1 + self.gap)
        if gap_up and self.rsi[-1] < 70 and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < prev_close:
            self.position.close()
