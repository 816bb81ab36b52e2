from backtesting import Strategy
from backtesting.lib import crossover
import talib


class StochasticStrategy(Strategy):
    k_period = 14
    d_period = 3
    stop_loss_pct = 0.05

    def init(self):
        self.slowk, self.slowd = self.I(
            talib.STOCH,
            self.data.High,
            self.data.Low,
            self.data.Close,
            fastk_period=self.k_period,
            slowk_period=self.d_period,
            slowd_period=self.d_period,
        )

    def next(self):
        if not self.position:
            if crossover(self.slowk, self.slowd) and self.slowk[-1] < 30:
                self.buy()
        else:
            # stop loss
            if self.data.Close[-1] < self.position.entry_price * (1 - self.stop_loss_pct):
                self.position.close()
            elif crossover(self.slowd, self.slowk) and self.slowk[-1] > 70:
                self.position.close()
