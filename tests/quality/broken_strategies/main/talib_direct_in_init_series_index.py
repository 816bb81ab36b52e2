import pandas as pd
import talib
from backtesting import Strategy


class StochRsi(Strategy):
    def init(self):
        close = pd.Series(self.data.Close, index=self.data.index)
        rsi = talib.RSI(close, timeperiod=14)
        lowest, highest = rsi.rolling(14).min(), rsi.rolling(14).max()
        self.stoch_rsi = (rsi - lowest) / (highest - lowest)

    def next(self):
        if self.stoch_rsi[-1] < 0.2 and not self.position:
            self.buy()
        elif self.stoch_rsi[-1] > 0.8 and self.position:
            self.position.close()
