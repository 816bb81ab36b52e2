"""Small strategy sources for the fixer tests."""

from __future__ import annotations

import textwrap

HEADER = """\
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA
import numpy as np
import pandas as pd
import talib
"""

WORKING = (
    HEADER
    + """

class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
"""
)


def strategy(
    init: str = "pass", next_: str = "pass", *, header: str = HEADER, extra: str = ""
) -> str:
    """A strategy file with the given ``init``/``next`` bodies (dedented, re-indented)."""
    init_body = textwrap.indent(textwrap.dedent(init).strip("\n"), " " * 8)
    next_body = textwrap.indent(textwrap.dedent(next_).strip("\n"), " " * 8)
    return (
        f"{header}\n\nclass MyStrategy(Strategy):\n{extra}"
        f"    def init(self):\n{init_body}\n\n    def next(self):\n{next_body}\n"
    )
