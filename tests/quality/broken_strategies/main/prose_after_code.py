from backtesting import Strategy
from backtesting.lib import crossover
import talib


class TripleEma(Strategy):
    def init(self):
        self.ema1 = self.I(talib.EMA, self.data.Close, timeperiod=5)
        self.ema2 = self.I(talib.EMA, self.data.Close, timeperiod=13)
        self.ema3 = self.I(talib.EMA, self.data.Close, timeperiod=34)

    def next(self):
        aligned = self.ema1[-1] > self.ema2[-1] > self.ema3[-1]
        if aligned and not self.position:
            self.buy()
        elif crossover(self.ema2, self.ema1) and self.position:
            self.position.close()

### How it works
1. Three EMAs (5, 13, 34) must be stacked in order for an entry.
2. The position is closed when the fastest EMA crosses below the middle one.
