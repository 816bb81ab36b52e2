"""Representative strategy specs, as the JSON a client (or the LLM) would send.

They double as documentation of the format, templates, and round-trip test cases: each one
validates, compiles, and runs on backtesting.py's bundled GOOG data.
"""

from __future__ import annotations

import copy
from typing import Any


def _cond(left: Any, op: str, right: Any) -> dict[str, Any]:
    return {"left": left, "op": op, "right": right}


def _all(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"logic": "all", "conditions": list(conditions)}


def _any(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"logic": "any", "conditions": list(conditions)}


_SMA_PAIR = [
    {"id": "fast", "indicator": "SMA", "params": {"timeperiod": 10}},
    {"id": "slow", "indicator": "SMA", "params": {"timeperiod": 30}},
]

_EXAMPLES: dict[str, dict[str, Any]] = {
    "sma_cross": {
        "version": "1.0",
        "name": "SMA crossover",
        "description": "Buy when the 10-bar SMA crosses above the 30-bar SMA; sell on the "
        "opposite cross.",
        "side": "long",
        "indicators": _SMA_PAIR,
        "rules": {
            "entry": _cond("fast", "crosses_above", "slow"),
            "exit": _cond("fast", "crosses_below", "slow"),
        },
    },
    "ema_cross": {
        "version": "1.0",
        "name": "EMA crossover",
        "description": "Trend following with a 12/26 EMA cross and a 5 % stop loss.",
        "indicators": [
            {"id": "ema_fast", "indicator": "EMA", "params": {"timeperiod": 12}},
            {"id": "ema_slow", "indicator": "EMA", "params": {"timeperiod": 26}},
        ],
        "rules": {
            "entry": _all(_cond("ema_fast", "crosses_above", "ema_slow")),
            "exit": _all(_cond("ema_fast", "crosses_below", "ema_slow")),
        },
        "stop_loss_pct": 5.0,
    },
    "rsi_reversion": {
        "version": "1.0",
        "name": "RSI mean reversion",
        "description": "Buy oversold (RSI below 30), sell once RSI recovers above 50.",
        "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}],
        "rules": {
            "entry": _all(_cond("rsi", "<", 30)),
            "exit": _all(_cond("rsi", ">", 50)),
        },
    },
    "macd_signal_cross": {
        "version": "1.0",
        "name": "MACD signal cross",
        "description": "Buy when the MACD line crosses above its signal line, sell on the "
        "cross back below.",
        "indicators": [
            {
                "id": "macd",
                "indicator": "MACD",
                "params": {"fastperiod": 12, "slowperiod": 26, "signalperiod": 9},
            }
        ],
        "rules": {
            "entry": _cond("macd.macd", "crosses_above", "macd.macdsignal"),
            "exit": _cond("macd.macd", "crosses_below", "macd.macdsignal"),
        },
    },
    "macd_histogram": {
        "version": "1.0",
        "name": "MACD histogram sign change",
        "description": "Buy when the MACD histogram turns positive, sell when it turns negative.",
        "indicators": [{"id": "macd", "indicator": "MACD"}],
        "rules": {
            "entry": _cond("macd.macdhist", "crosses_above", 0),
            "exit": _cond("macd.macdhist", "crosses_below", 0),
        },
    },
    "bollinger_reversion": {
        "version": "1.0",
        "name": "Bollinger mean reversion",
        "description": "Buy a close below the lower band, sell when price is back above the "
        "middle band.",
        "indicators": [
            {
                "id": "bb",
                "indicator": "BBANDS",
                "params": {"timeperiod": 20, "nbdevup": 2.0, "nbdevdn": 2.0},
            }
        ],
        "rules": {
            "entry": _all(_cond("Close", "<", "bb.lowerband")),
            "exit": _all(_cond("Close", ">", "bb.middleband")),
        },
    },
    "bollinger_breakout": {
        "version": "1.0",
        "name": "Bollinger breakout",
        "description": "Buy when the close breaks above the upper band, exit when it falls "
        "back through the middle band.",
        "indicators": [{"id": "bb", "indicator": "Bollinger", "params": {"timeperiod": 20}}],
        "rules": {
            "entry": _cond("Close", "crosses_above", "bb.upperband"),
            "exit": _cond("Close", "crosses_below", "bb.middleband"),
        },
    },
    "donchian_breakout": {
        "version": "1.0",
        "name": "Donchian channel breakout",
        "description": "Buy a close above the previous 20-bar high, sell a close below the "
        "previous 10-bar low.",
        "indicators": [
            {"id": "dc_high", "indicator": "MAX", "params": {"timeperiod": 20}, "source": "High"},
            {"id": "dc_low", "indicator": "MIN", "params": {"timeperiod": 10}, "source": "Low"},
        ],
        "rules": {
            "entry": _cond("Close", ">", {"ref": "dc_high", "bars_ago": 1}),
            "exit": _cond("Close", "<", {"ref": "dc_low", "bars_ago": 1}),
        },
    },
    "atr_volatility_breakout": {
        "version": "1.0",
        "name": "ATR volatility expansion",
        "description": "Buy a cross above the 20-bar EMA while short-term ATR exceeds "
        "long-term ATR (volatility expanding); exit on the cross back below.",
        "indicators": [
            {"id": "ema", "indicator": "EMA", "params": {"timeperiod": 20}},
            {"id": "atr_fast", "indicator": "ATR", "params": {"timeperiod": 5}},
            {"id": "atr_slow", "indicator": "ATR", "params": {"timeperiod": 20}},
        ],
        "rules": {
            "entry": _all(
                _cond("Close", "crosses_above", "ema"),
                _cond("atr_fast", ">", "atr_slow"),
            ),
            "exit": _cond("Close", "crosses_below", "ema"),
        },
        "stop_loss_pct": 4.0,
    },
    "stochastic_nested": {
        "version": "1.0",
        "name": "Stochastic turn with trend filter",
        "description": "Buy when %K crosses above %D and either %K is oversold or price is "
        "below its 50-bar SMA; sell when %K crosses below %D above 80.",
        "indicators": [
            {"id": "stoch", "indicator": "STOCH"},
            {"id": "sma", "indicator": "SMA", "params": {"timeperiod": 50}},
        ],
        "rules": {
            "entry": _all(
                _cond("stoch.slowk", "crosses_above", "stoch.slowd"),
                _any(_cond("stoch.slowk", "<", 30), _cond("Close", "<", "sma")),
            ),
            "exit": _all(
                _cond("stoch.slowk", "crosses_below", "stoch.slowd"),
                _cond("stoch.slowk", ">", 80),
            ),
        },
    },
    "short_only": {
        "version": "1.0",
        "name": "Short the breakdown",
        "description": "Short when the 10-bar SMA crosses below the 30-bar SMA, cover on the "
        "cross back above; 5 % stop.",
        "side": "short",
        "indicators": _SMA_PAIR,
        "rules": {
            "short_entry": _cond("fast", "crosses_below", "slow"),
            "short_exit": _cond("fast", "crosses_above", "slow"),
        },
        "stop_loss_pct": 5.0,
    },
    "both_sides": {
        "version": "1.0",
        "name": "SMA stop and reverse",
        "description": "Always in the market: long after a golden cross, short after a death "
        "cross.",
        "side": "both",
        "indicators": _SMA_PAIR,
        "rules": {
            "entry": _cond("fast", "crosses_above", "slow"),
            "short_entry": _cond("fast", "crosses_below", "slow"),
        },
    },
    "rsi_with_risk": {
        "version": "1.0",
        "name": "RSI dip buy with risk management",
        "description": "Buy when RSI crosses back above 35 in an uptrend, half of equity per "
        "trade, 3 % stop, 8 % target, 4 % trailing stop.",
        "indicators": [
            {"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}},
            {"id": "trend", "indicator": "EMA", "params": {"timeperiod": 100}},
        ],
        "rules": {
            "entry": _all(_cond("rsi", "crosses_above", 35), _cond("Close", ">", "trend")),
        },
        "stop_loss_pct": 3.0,
        "take_profit_pct": 8.0,
        "trailing_stop_pct": 4.0,
        "position_size": 0.5,
    },
    "fixed_units": {
        "version": "1.0",
        "name": "EMA trend with fixed units",
        "description": "Ten shares per trade while the close is above the 50-bar EMA.",
        "indicators": [{"id": "ema", "indicator": "EMA", "params": {"timeperiod": 50}}],
        "rules": {
            "entry": _cond("Close", "crosses_above", "ema"),
            "exit": _cond("Close", "crosses_below", "ema"),
        },
        "position_size": 10,
    },
}


def example_names() -> list[str]:
    """Names of the bundled example specs, in a stable order."""
    return list(_EXAMPLES)


def example_spec_data(name: str) -> dict[str, Any]:
    """A fresh deep copy of an example's JSON data (callers may mutate it freely)."""
    try:
        return copy.deepcopy(_EXAMPLES[name])
    except KeyError:
        raise KeyError(f"no example spec {name!r}; available: {', '.join(_EXAMPLES)}") from None
