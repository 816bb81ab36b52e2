from backtesting import Strategy
from backtesting.lib import crossover
import talib


class VolumeConfirmedCross(Strategy):
    """SMA crossover, taken only when volume is above its 20-bar average."""

    fast = 10
    slow = 30
    vol_period = 20

    def init(self):
        self.sma_fast = self.I(talib.SMA, self.data.Close, self.fast)
        self.sma_slow = self.I(talib.SMA, self.data.Close, self.slow)
        self.vol_avg = self.I(talib.SMA, self.data.Volume, self.vol_period)

    def next(self):
        high_volume = self.data.Volume[-1] > self.vol_avg[-1]
        if crossover(self.sma_fast, self.sma_slow) and high_volume:
            self.buy()
        elif crossover(self.sma_slow, self.sma_fast):
            self.position.close()
