"""Representative strategy specs, as the JSON a client (or the LLM) would send.

They double as documentation of the format, templates, and round-trip test cases: each one
validates, compiles, and runs on backtesting.py's bundled GOOG data. The 1.0 examples are kept
as 1.0 documents (stored strategies and templates use them); the 2.0 examples show every
construct spec 2.0 added.
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


def _ref(ref: str, bars_ago: int) -> dict[str, Any]:
    return {"ref": ref, "bars_ago": bars_ago}


def _times(left: Any, factor: float) -> dict[str, Any]:
    return {"left": left, "arith": "*", "right": factor}


_EXAMPLES_V2: dict[str, dict[str, Any]] = {
    "v2_ema_cross_atr_risk": {
        "version": "2.0",
        "name": "EMA cross with ATR exits and risk sizing",
        "description": "EMA 12/26 cross; stop 2 ATR, target 4 ATR, risk 1% of equity per trade.",
        "indicators": [
            {"id": "ema_fast", "indicator": "EMA", "params": {"timeperiod": 12}},
            {"id": "ema_slow", "indicator": "EMA", "params": {"timeperiod": 26}},
        ],
        "rules": {
            "entry": _cond("ema_fast", "crosses_above", "ema_slow"),
            "exit": _cond("ema_fast", "crosses_below", "ema_slow"),
        },
        "stop_loss": {"atr": 2, "atr_period": 14},
        "take_profit": {"atr": 4, "atr_period": 14},
        "sizing": {"mode": "risk_percent", "value": 1},
    },
    "v2_rsi_of_rsi_calendar": {
        "version": "2.0",
        "name": "RSI over its average, no Fridays",
        "description": "RSI crosses above its 9-bar SMA while below 50, not on Fridays; exit on "
        "the cross back or after 10 bars.",
        "indicators": [
            {"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}},
            {"id": "rsi_avg", "indicator": "SMA", "params": {"timeperiod": 9}, "source": "rsi"},
        ],
        "rules": {
            "entry": _all(
                _cond("rsi", "crosses_above", "rsi_avg"),
                _cond("rsi", "<", 50),
                {"negate": {"weekdays": ["fri"]}},
            ),
            "exit": _cond("rsi", "crosses_below", "rsi_avg"),
        },
        "exit_after_bars": 10,
    },
    "v2_donchian_trailing_atr": {
        "version": "2.0",
        "name": "Donchian breakout with ATR trailing stop",
        "description": "Buy a close above the previous bar's 20-bar Donchian high; exit below "
        "the previous 10-bar low or on a 3 ATR trailing stop.",
        "indicators": [
            {"id": "dc_entry", "indicator": "DONCHIAN", "params": {"timeperiod": 20}},
            {"id": "dc_exit", "indicator": "DONCHIAN", "params": {"timeperiod": 10}},
        ],
        "rules": {
            "entry": _cond("Close", ">", _ref("dc_entry.upper", 1)),
            "exit": _cond("Close", "<", _ref("dc_exit.lower", 1)),
        },
        "trailing_stop": {"atr": 3, "atr_period": 14},
    },
    "v2_keltner_limit": {
        "version": "2.0",
        "name": "Keltner dip with a limit order",
        "description": "Below the lower Keltner line, buy with a limit 1% under the close "
        "(valid 2 bars); exit above the middle line.",
        "indicators": [{"id": "kc", "indicator": "KELTNER"}],
        "rules": {
            "entry": _cond("Close", "<", "kc.lower"),
            "exit": _cond("Close", ">", "kc.middle"),
        },
        "entry_order": {"type": "limit", "price": _times("Close", 0.99), "valid_bars": 2},
    },
    "v2_supertrend_stop_order": {
        "version": "2.0",
        "name": "SuperTrend flip with a stop entry",
        "description": "When SuperTrend turns up, buy on a stop 0.5% above the signal bar's "
        "high; exit when it turns down.",
        "indicators": [{"id": "st", "indicator": "SUPERTREND"}],
        "rules": {
            "entry": _cond("st.direction", "crosses_above", 0),
            "exit": _cond("st.direction", "crosses_below", 0),
        },
        "entry_order": {"type": "stop", "price": _times("High", 1.005)},
    },
    "v2_pullback_arithmetic": {
        "version": "2.0",
        "name": "Pullback below the average in a rising trend",
        "description": "Buy 3% below the 20-bar SMA while the 50-bar SMA has risen for 3 bars; "
        "exit back above the 20-bar SMA; 50% of equity.",
        "indicators": [
            {"id": "sma_20", "indicator": "SMA", "params": {"timeperiod": 20}},
            {"id": "sma_50", "indicator": "SMA", "params": {"timeperiod": 50}},
        ],
        "rules": {
            "entry": _all(
                _cond("Close", "<", _times("sma_20", 0.97)),
                {"trend": "rising", "of": "sma_50", "bars": 3},
            ),
            "exit": _cond("Close", ">", "sma_20"),
        },
        "sizing": {"mode": "equity_fraction", "value": 0.5},
    },
    "v2_down_streak_seasonal": {
        "version": "2.0",
        "name": "Three down closes, winter months",
        "description": "Buy after 3 lower closes from November to April; sell after 2 higher "
        "closes; 5% stop.",
        "rules": {
            "entry": _all(
                {"trend": "falling", "of": "Close", "bars": 3},
                {"months": [11, 12, 1, 2, 3, 4]},
            ),
            "exit": {"trend": "rising", "of": "Close", "bars": 2},
        },
        "stop_loss": {"percent": 5},
    },
    "v2_vwap_volume": {
        "version": "2.0",
        "name": "Above rolling VWAP on heavy volume",
        "description": "Buy a close crossing above the 20-bar VWAP on volume over twice its "
        "20-bar average; exit below the VWAP.",
        "indicators": [
            {"id": "vwap", "indicator": "VWAP", "params": {"timeperiod": 20}},
            {"id": "vol_avg", "indicator": "SMA", "params": {"timeperiod": 20}, "source": "Volume"},
        ],
        "rules": {
            "entry": _all(
                _cond("Close", "crosses_above", "vwap"),
                _cond("Volume", ">", _times("vol_avg", 1.5)),
            ),
            "exit": _cond("Close", "<", "vwap"),
        },
    },
    "v2_momentum_units_time_exit": {
        "version": "2.0",
        "name": "Five-day drop, fixed units, time exit",
        "description": "Buy 10 units after a 5-bar fall of more than 5%; exit after 5 bars.",
        "rules": {"entry": _cond({"change_pct": "Close", "bars": 5}, "<", -5)},
        "exit_after_bars": 5,
        "sizing": {"mode": "units", "value": 10},
    },
    "v2_held_above_long_short": {
        "version": "2.0",
        "name": "Three closes beyond the EMA, both directions",
        "description": "Long after 3 closes above the 30-bar EMA, short after 3 below it.",
        "side": "both",
        "indicators": [{"id": "ema", "indicator": "EMA", "params": {"timeperiod": 30}}],
        "rules": {
            "entry": {"held_for": 3, "condition": _cond("Close", ">", "ema")},
            "short_entry": {"held_for": 3, "condition": _cond("Close", "<", "ema")},
        },
        "short_entry_order": {"type": "limit", "price": _times("Close", 1.005)},
    },
}
_EXAMPLES.update(_EXAMPLES_V2)


def example_names() -> list[str]:
    """Names of the bundled example specs, in a stable order."""
    return list(_EXAMPLES)


def example_spec_data(name: str) -> dict[str, Any]:
    """A fresh deep copy of an example's JSON data (callers may mutate it freely)."""
    try:
        return copy.deepcopy(_EXAMPLES[name])
    except KeyError:
        raise KeyError(f"no example spec {name!r}; available: {', '.join(_EXAMPLES)}") from None
