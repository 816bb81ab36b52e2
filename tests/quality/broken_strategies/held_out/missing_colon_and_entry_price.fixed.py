from backtesting import Strategy
import talib


class RsiWithPercentStop(Strategy):
    rsi_period = 14
    stop_pct = 5  # percent below entry

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_period)

    def next(self):
        if not self.position:
            if self.rsi[-1] < 30:
                self.buy()
        else:
            stop = self.trades[-1].entry_price * (1 - self.stop_pct / 100)
            if self.data.Close[-1] < stop or self.rsi[-1] > 70:
                self.position.close()
