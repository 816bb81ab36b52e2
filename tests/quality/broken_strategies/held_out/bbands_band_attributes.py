import talib
from backtesting import Strategy


class BollingerReversion(Strategy):
    """Mean reversion on Bollinger Bands (20, 2)."""

    period = 20
    width = 2.0

    def init(self):
        # one indicator holding all three bands
        self.bb = self.I(talib.BBANDS, self.data.Close, self.period, self.width, self.width)

    def next(self):
        close = self.data.Close[-1]
        if not self.position and close < self.bb.lower[-1]:
            self.buy()
        elif self.position and close > self.bb.upper[-1]:
            self.position.close()
