"""Run generated code in-process on GOOG (the tests' stand-in for the sandboxed executor)."""

from __future__ import annotations

import warnings
from typing import Any

from backtesting import Backtest, Strategy
from backtesting.test import GOOG


def run_on_goog(code: str, cash: float = 100_000) -> Any:
    """Exec the module, pick its Strategy subclass and return backtesting.py's stats."""
    namespace: dict[str, Any] = {"__name__": "generated"}
    exec(compile(code, "<generated>", "exec"), namespace)
    (strategy,) = [
        value
        for value in namespace.values()
        if isinstance(value, type) and issubclass(value, Strategy) and value is not Strategy
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "trades remain open at the end" is expected
        return Backtest(GOOG, strategy, cash=cash).run()
