from backtesting import Strategy
from backtesting.lib import crossover
import talib


class StochasticCross(Strategy):
    """%K crossing %D inside the oversold / overbought zones."""

    k_period = 14
    oversold = 20
    overbought = 80

    def init(self):
        self.stoch = self.I(
            talib.STOCH, self.data.High, self.data.Low, self.data.Close, self.k_period
        )

    def next(self):
        k, d = self.stoch.slowk, self.stoch.slowd
        if crossover(k, d) and k[-1] < self.oversold:
            self.buy()
        elif crossover(d, k) and k[-1] > self.overbought:
            self.position.close()
