Here's a complete RSI mean-reversion strategy for backtesting.py:

```python
from backtesting import Strategy
from backtesting.test import SMA
import talib


class RsiReversion(Strategy):
    rsi_period = 14
    oversold = 30
    overbought = 70

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, self.rsi_period)

    def next(self):
        # Enter when RSI crosses back above the oversold level
        if crossover(self.rsi, self.oversold):
            self.buy()
        # Exit when RSI crosses below the overbought level
        elif crossover(self.overbought, self.rsi):
            self.position.close()
```

This strategy buys oversold dips and exits when the market becomes overbought.
