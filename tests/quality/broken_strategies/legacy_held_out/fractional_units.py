from backtesting import Strategy
from backtesting.lib import crossover
import talib


class RiskSizedEma(Strategy):
    """EMA crossover that invests 10% of equity per trade."""

    fast = 9
    slow = 21
    risk_fraction = 0.1

    def init(self):
        self.fast_ema = self.I(talib.EMA, self.data.Close, timeperiod=self.fast)
        self.slow_ema = self.I(talib.EMA, self.data.Close, timeperiod=self.slow)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.fast_ema, self.slow_ema) and not self.position:
            units = self.equity * self.risk_fraction / price
            self.buy(size=units)
        elif crossover(self.slow_ema, self.fast_ema) and self.position:
            self.position.close()
