"""Strategy sources shared by the executor tests (one copy of each)."""

from __future__ import annotations

NO_TRADES = """
from backtesting import Strategy


class Idle(Strategy):
    def init(self):
        pass

    def next(self):
        pass
"""

SMA_CROSS = """
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.a = self.I(SMA, self.data.Close, self.n1)
        self.b = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.a, self.b):
            self.buy()
        elif crossover(self.b, self.a):
            self.sell()
"""

#: The options of backtesting.py's README example (GOOG, commission, one position at a time).
README_OPTIONS = {"commission": 0.002, "exclusive_orders": True}
