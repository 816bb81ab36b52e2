from backtesting import Strategy
from backtesting.lib import crossover
import talib


class BracketOrders(Strategy):
    """EMA crossover entries with a 3% stop-loss and 6% take-profit."""

    stop_pct = 0.03
    target_pct = 0.06

    def init(self):
        self.ema20 = self.I(talib.EMA, self.data.Close, timeperiod=20)
        self.ema50 = self.I(talib.EMA, self.data.Close, timeperiod=50)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.ema20, self.ema50) and not self.position:
            self.buy(
                stop_loss=price * (1 - self.stop_pct),
                take_profit=price * (1 + self.target_pct),
            )
