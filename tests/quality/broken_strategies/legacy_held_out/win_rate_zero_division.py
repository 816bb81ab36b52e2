from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class AdaptiveSmaStrategy(Strategy):
    """SMA cross that stops trading when its running win rate falls below 30%."""

    n1 = 10
    n2 = 30
    min_win_rate = 0.3

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)
        self.wins = 0
        self.total = 0

    def next(self):
        for trade in self.closed_trades[self.total:]:
            self.total += 1
            if trade.pl > 0:
                self.wins += 1
        win_rate = self.wins / self.total
        if crossover(self.sma1, self.sma2) and (self.total < 5 or win_rate >= self.min_win_rate):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
