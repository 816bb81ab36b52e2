from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class KellySizedCross(Strategy):
    """SMA crossover sized by a (capped) Kelly fraction from the closed trades so far."""

    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 30)

    def kelly_fraction(self):
        wins = [t.pl_pct for t in self.closed_trades if t.pl > 0]
        losses = [-t.pl_pct for t in self.closed_trades if t.pl <= 0]
        win_rate = len(wins) / len(self.closed_trades) if self.closed_trades else 0.5
        avg_win = sum(wins) / len(wins)
        avg_loss = sum(losses) / len(losses)
        payoff = avg_win / avg_loss if avg_loss else 1.0
        kelly = win_rate - (1 - win_rate) / payoff
        return min(max(kelly, 0.1), 0.9)

    def next(self):
        if crossover(self.fast, self.slow) and not self.position:
            self.buy(size=self.kelly_fraction())
        elif crossover(self.slow, self.fast) and self.position:
            self.position.close()
