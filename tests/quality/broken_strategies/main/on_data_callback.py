from backtesting import Strategy
import talib


class MomentumStrategy(Strategy):
    """Buy strong momentum, sell when it fades."""

    period = 10

    def init(self):
        self.mom = self.I(talib.MOM, self.data.Close, timeperiod=self.period)

    def on_data(self):
        if self.mom[-1] > 0 and not self.position:
            self.buy()
        elif self.mom[-1] < 0 and self.position:
            self.position.close()
