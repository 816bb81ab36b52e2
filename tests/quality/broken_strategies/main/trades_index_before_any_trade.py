from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class CooldownCross(Strategy):
    """SMA cross that waits 5 bars after the last exit before re-entering."""

    cooldown = 5

    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 30)

    def next(self):
        bars_since_exit = len(self.data) - self.closed_trades[-1].exit_bar
        if crossover(self.fast, self.slow) and bars_since_exit > self.cooldown:
            self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
