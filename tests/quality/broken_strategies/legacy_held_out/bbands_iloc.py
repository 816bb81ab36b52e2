from backtesting import Strategy
import talib


class BollingerBounce(Strategy):
    """Buy a close below the lower band, sell a close above the upper band."""

    bb_period = 20
    bb_std = 2

    def init(self):
        self.upper, self.middle, self.lower = self.I(
            talib.BBANDS,
            self.data.Close,
            timeperiod=self.bb_period,
            nbdevup=self.bb_std,
            nbdevdn=self.bb_std,
        )

    def next(self):
        price = self.data.Close.iloc[-1]
        if not self.position and price < self.lower.iloc[-1]:
            self.buy()
        elif self.position and price > self.upper.iloc[-1]:
            self.position.close()
