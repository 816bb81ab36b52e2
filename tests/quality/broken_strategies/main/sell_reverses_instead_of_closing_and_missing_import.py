from backtesting import Strategy
import talib


class RsiLongOnly(Strategy):
    """Long-only RSI: buy oversold, exit when overbought."""

    def init(self):
        self.rsi = self.I(talib.RSI, self.data.Close, 14)

    def next(self):
        if not self.position and crossover(self.rsi, 30):
            self.buy()
        elif self.position.is_long and crossover(70, self.rsi):
            self.sell()
