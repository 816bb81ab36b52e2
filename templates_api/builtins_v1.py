"""Built-in strategy templates, version 1: FROZEN data loaded by migration 0002.

Never edit this module in place: migrations must replay the same way forever. To change or add
built-ins, copy it to ``builtins_v2.py``, edit the copy and add a data migration that loads it
(``update_or_create`` by slug keeps that idempotent).

The specs started from ``Backtest.spec.examples`` (same rules and defaults) with every indicator
parameter written out, so each template parameter's ``path`` addresses an existing value:
``indicators.<id>.params.<name>`` (indicator by id), ``rules.entry.conditions.0.right`` (list by
index) or a top-level key such as ``stop_loss_pct``.
"""

from __future__ import annotations

from typing import Any


def _param(
    name: str,
    path: str,
    type_: str,
    default: float,
    low: float,
    high: float,
    description: str,
) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "type": type_,
        "default": default,
        "min": low,
        "max": high,
        "description": description,
    }


BUILTIN_TEMPLATES: list[dict[str, Any]] = [
    {
        "slug": "sma-cross",
        "name": "SMA crossover",
        "category": "trend",
        "description": "Buy when the fast simple moving average crosses above the slow one; "
        "sell on the opposite cross.",
        "spec": {
            "version": "1.0",
            "name": "SMA crossover",
            "description": "Buy when the fast SMA crosses above the slow SMA; sell on the "
            "opposite cross.",
            "side": "long",
            "indicators": [
                {"id": "fast", "indicator": "SMA", "params": {"timeperiod": 10}},
                {"id": "slow", "indicator": "SMA", "params": {"timeperiod": 30}},
            ],
            "rules": {
                "entry": {"left": "fast", "op": "crosses_above", "right": "slow"},
                "exit": {"left": "fast", "op": "crosses_below", "right": "slow"},
            },
        },
        "parameters": [
            _param(
                "fast_period",
                "indicators.fast.params.timeperiod",
                "int",
                10,
                2,
                200,
                "Bars in the fast SMA.",
            ),
            _param(
                "slow_period",
                "indicators.slow.params.timeperiod",
                "int",
                30,
                3,
                400,
                "Bars in the slow SMA (longer than the fast one).",
            ),
        ],
    },
    {
        "slug": "ema-cross",
        "name": "EMA crossover with stop loss",
        "category": "trend",
        "description": "Trend following with a fast/slow exponential moving average cross and "
        "a fixed percentage stop loss.",
        "spec": {
            "version": "1.0",
            "name": "EMA crossover",
            "description": "Trend following with a 12/26 EMA cross and a 5 % stop loss.",
            "side": "long",
            "indicators": [
                {"id": "ema_fast", "indicator": "EMA", "params": {"timeperiod": 12}},
                {"id": "ema_slow", "indicator": "EMA", "params": {"timeperiod": 26}},
            ],
            "rules": {
                "entry": {
                    "logic": "all",
                    "conditions": [
                        {"left": "ema_fast", "op": "crosses_above", "right": "ema_slow"}
                    ],
                },
                "exit": {
                    "logic": "all",
                    "conditions": [
                        {"left": "ema_fast", "op": "crosses_below", "right": "ema_slow"}
                    ],
                },
            },
            "stop_loss_pct": 5.0,
        },
        "parameters": [
            _param(
                "fast_period",
                "indicators.ema_fast.params.timeperiod",
                "int",
                12,
                2,
                200,
                "Bars in the fast EMA.",
            ),
            _param(
                "slow_period",
                "indicators.ema_slow.params.timeperiod",
                "int",
                26,
                3,
                400,
                "Bars in the slow EMA.",
            ),
            _param(
                "stop_loss_pct",
                "stop_loss_pct",
                "float",
                5.0,
                0.5,
                50.0,
                "Stop loss, percent below the entry signal's close.",
            ),
        ],
    },
    {
        "slug": "rsi-reversion",
        "name": "RSI mean reversion",
        "category": "mean_reversion",
        "description": "Buy when RSI is oversold, sell once it has recovered.",
        "spec": {
            "version": "1.0",
            "name": "RSI mean reversion",
            "description": "Buy oversold (RSI below 30), sell once RSI recovers above 50.",
            "side": "long",
            "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}],
            "rules": {
                "entry": {"logic": "all", "conditions": [{"left": "rsi", "op": "<", "right": 30}]},
                "exit": {"logic": "all", "conditions": [{"left": "rsi", "op": ">", "right": 50}]},
            },
        },
        "parameters": [
            _param(
                "rsi_period",
                "indicators.rsi.params.timeperiod",
                "int",
                14,
                2,
                100,
                "Bars in the RSI.",
            ),
            _param(
                "oversold",
                "rules.entry.conditions.0.right",
                "float",
                30,
                5,
                50,
                "Buy when RSI falls below this level.",
            ),
            _param(
                "exit_level",
                "rules.exit.conditions.0.right",
                "float",
                50,
                30,
                95,
                "Sell when RSI rises above this level.",
            ),
        ],
    },
    {
        "slug": "macd-signal-cross",
        "name": "MACD signal cross",
        "category": "momentum",
        "description": "Buy when the MACD line crosses above its signal line, sell on the "
        "cross back below.",
        "spec": {
            "version": "1.0",
            "name": "MACD signal cross",
            "description": "Buy when the MACD line crosses above its signal line, sell on the "
            "cross back below.",
            "side": "long",
            "indicators": [
                {
                    "id": "macd",
                    "indicator": "MACD",
                    "params": {"fastperiod": 12, "slowperiod": 26, "signalperiod": 9},
                }
            ],
            "rules": {
                "entry": {"left": "macd.macd", "op": "crosses_above", "right": "macd.macdsignal"},
                "exit": {"left": "macd.macd", "op": "crosses_below", "right": "macd.macdsignal"},
            },
        },
        "parameters": [
            _param(
                "fast_period",
                "indicators.macd.params.fastperiod",
                "int",
                12,
                2,
                100,
                "Bars in the MACD's fast EMA.",
            ),
            _param(
                "slow_period",
                "indicators.macd.params.slowperiod",
                "int",
                26,
                3,
                200,
                "Bars in the MACD's slow EMA.",
            ),
            _param(
                "signal_period",
                "indicators.macd.params.signalperiod",
                "int",
                9,
                1,
                100,
                "Bars in the signal line's EMA.",
            ),
        ],
    },
    {
        "slug": "bollinger-reversion",
        "name": "Bollinger mean reversion",
        "category": "mean_reversion",
        "description": "Buy a close below the lower Bollinger band, sell when price is back "
        "above the middle band.",
        "spec": {
            "version": "1.0",
            "name": "Bollinger mean reversion",
            "description": "Buy a close below the lower band, sell when price is back above "
            "the middle band.",
            "side": "long",
            "indicators": [
                {
                    "id": "bb",
                    "indicator": "BBANDS",
                    "params": {"timeperiod": 20, "nbdevup": 2.0, "nbdevdn": 2.0},
                }
            ],
            "rules": {
                "entry": {
                    "logic": "all",
                    "conditions": [{"left": "Close", "op": "<", "right": "bb.lowerband"}],
                },
                "exit": {
                    "logic": "all",
                    "conditions": [{"left": "Close", "op": ">", "right": "bb.middleband"}],
                },
            },
        },
        "parameters": [
            _param(
                "period",
                "indicators.bb.params.timeperiod",
                "int",
                20,
                2,
                200,
                "Bars in the bands' moving average.",
            ),
            _param(
                "lower_deviations",
                "indicators.bb.params.nbdevdn",
                "float",
                2.0,
                0.5,
                5.0,
                "Standard deviations from the average to the lower band.",
            ),
        ],
    },
    {
        "slug": "bollinger-breakout",
        "name": "Bollinger breakout",
        "category": "breakout",
        "description": "Buy when the close breaks above the upper Bollinger band, exit when it "
        "falls back through the middle band.",
        "spec": {
            "version": "1.0",
            "name": "Bollinger breakout",
            "description": "Buy when the close breaks above the upper band, exit when it falls "
            "back through the middle band.",
            "side": "long",
            "indicators": [
                {
                    "id": "bb",
                    "indicator": "BBANDS",
                    "params": {"timeperiod": 20, "nbdevup": 2.0, "nbdevdn": 2.0},
                }
            ],
            "rules": {
                "entry": {"left": "Close", "op": "crosses_above", "right": "bb.upperband"},
                "exit": {"left": "Close", "op": "crosses_below", "right": "bb.middleband"},
            },
        },
        "parameters": [
            _param(
                "period",
                "indicators.bb.params.timeperiod",
                "int",
                20,
                2,
                200,
                "Bars in the bands' moving average.",
            ),
            _param(
                "upper_deviations",
                "indicators.bb.params.nbdevup",
                "float",
                2.0,
                0.5,
                5.0,
                "Standard deviations from the average to the upper band.",
            ),
        ],
    },
    {
        "slug": "donchian-breakout",
        "name": "Donchian channel breakout",
        "category": "breakout",
        "description": "Buy a close above the previous N-bar high, sell a close below the "
        "previous M-bar low (turtle-style).",
        "spec": {
            "version": "1.0",
            "name": "Donchian channel breakout",
            "description": "Buy a close above the previous 20-bar high, sell a close below "
            "the previous 10-bar low.",
            "side": "long",
            "indicators": [
                {
                    "id": "dc_high",
                    "indicator": "MAX",
                    "params": {"timeperiod": 20},
                    "source": "High",
                },
                {
                    "id": "dc_low",
                    "indicator": "MIN",
                    "params": {"timeperiod": 10},
                    "source": "Low",
                },
            ],
            "rules": {
                "entry": {"left": "Close", "op": ">", "right": {"ref": "dc_high", "bars_ago": 1}},
                "exit": {"left": "Close", "op": "<", "right": {"ref": "dc_low", "bars_ago": 1}},
            },
        },
        "parameters": [
            _param(
                "entry_period",
                "indicators.dc_high.params.timeperiod",
                "int",
                20,
                2,
                250,
                "Bars in the breakout high.",
            ),
            _param(
                "exit_period",
                "indicators.dc_low.params.timeperiod",
                "int",
                10,
                2,
                250,
                "Bars in the exit low.",
            ),
        ],
    },
    {
        "slug": "atr-trailing-stop",
        "name": "ATR volatility breakout with trailing stop",
        "category": "volatility",
        "description": "Buy a cross above the EMA while short-term ATR exceeds long-term ATR "
        "(volatility expanding); exit on the cross back below or at a trailing stop. The spec "
        "has no ATR-distance stop, so the trailing stop is a percentage of the close.",
        "spec": {
            "version": "1.0",
            "name": "ATR volatility breakout with trailing stop",
            "description": "Buy a cross above the 20-bar EMA while 5-bar ATR exceeds 20-bar "
            "ATR; exit on the cross back below or at a 6 % trailing stop.",
            "side": "long",
            "indicators": [
                {"id": "ema", "indicator": "EMA", "params": {"timeperiod": 20}},
                {"id": "atr_fast", "indicator": "ATR", "params": {"timeperiod": 5}},
                {"id": "atr_slow", "indicator": "ATR", "params": {"timeperiod": 20}},
            ],
            "rules": {
                "entry": {
                    "logic": "all",
                    "conditions": [
                        {"left": "Close", "op": "crosses_above", "right": "ema"},
                        {"left": "atr_fast", "op": ">", "right": "atr_slow"},
                    ],
                },
                "exit": {"left": "Close", "op": "crosses_below", "right": "ema"},
            },
            "trailing_stop_pct": 6.0,
        },
        "parameters": [
            _param(
                "ema_period",
                "indicators.ema.params.timeperiod",
                "int",
                20,
                2,
                200,
                "Bars in the trend EMA.",
            ),
            _param(
                "atr_fast_period",
                "indicators.atr_fast.params.timeperiod",
                "int",
                5,
                1,
                100,
                "Bars in the short-term ATR.",
            ),
            _param(
                "atr_slow_period",
                "indicators.atr_slow.params.timeperiod",
                "int",
                20,
                2,
                200,
                "Bars in the long-term ATR.",
            ),
            _param(
                "trailing_stop_pct",
                "trailing_stop_pct",
                "float",
                6.0,
                0.5,
                50.0,
                "Trailing stop distance, percent below the close.",
            ),
        ],
    },
    {
        "slug": "stochastic-turn",
        "name": "Stochastic turn with trend filter",
        "category": "momentum",
        "description": "Buy when %K crosses above %D and either %K is oversold or price is "
        "below its SMA; sell when %K crosses below %D while overbought.",
        "spec": {
            "version": "1.0",
            "name": "Stochastic turn with trend filter",
            "description": "Buy when %K crosses above %D and either %K is below 30 or price "
            "is below its 50-bar SMA; sell when %K crosses below %D above 80.",
            "side": "long",
            "indicators": [
                {
                    "id": "stoch",
                    "indicator": "STOCH",
                    "params": {"fastk_period": 14, "slowk_period": 3, "slowd_period": 3},
                },
                {"id": "sma", "indicator": "SMA", "params": {"timeperiod": 50}},
            ],
            "rules": {
                "entry": {
                    "logic": "all",
                    "conditions": [
                        {"left": "stoch.slowk", "op": "crosses_above", "right": "stoch.slowd"},
                        {
                            "logic": "any",
                            "conditions": [
                                {"left": "stoch.slowk", "op": "<", "right": 30},
                                {"left": "Close", "op": "<", "right": "sma"},
                            ],
                        },
                    ],
                },
                "exit": {
                    "logic": "all",
                    "conditions": [
                        {"left": "stoch.slowk", "op": "crosses_below", "right": "stoch.slowd"},
                        {"left": "stoch.slowk", "op": ">", "right": 80},
                    ],
                },
            },
        },
        "parameters": [
            _param(
                "fastk_period",
                "indicators.stoch.params.fastk_period",
                "int",
                14,
                1,
                100,
                "Bars in the raw %K.",
            ),
            _param(
                "oversold",
                "rules.entry.conditions.1.conditions.0.right",
                "float",
                30,
                5,
                50,
                "%K level counted as oversold.",
            ),
            _param(
                "overbought",
                "rules.exit.conditions.1.right",
                "float",
                80,
                50,
                95,
                "%K level counted as overbought.",
            ),
            _param(
                "trend_period",
                "indicators.sma.params.timeperiod",
                "int",
                50,
                2,
                400,
                "Bars in the trend SMA.",
            ),
        ],
    },
    {
        "slug": "rsi-dip-with-risk",
        "name": "RSI dip buy with risk management",
        "category": "mean_reversion",
        "description": "Buy when RSI crosses back above a level in an uptrend, with a stop "
        "loss, a take profit, a trailing stop and half of equity per trade.",
        "spec": {
            "version": "1.0",
            "name": "RSI dip buy with risk management",
            "description": "Buy when RSI crosses back above 35 in an uptrend, half of equity "
            "per trade, 3 % stop, 8 % target, 4 % trailing stop.",
            "side": "long",
            "indicators": [
                {"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}},
                {"id": "trend", "indicator": "EMA", "params": {"timeperiod": 100}},
            ],
            "rules": {
                "entry": {
                    "logic": "all",
                    "conditions": [
                        {"left": "rsi", "op": "crosses_above", "right": 35},
                        {"left": "Close", "op": ">", "right": "trend"},
                    ],
                },
            },
            "stop_loss_pct": 3.0,
            "take_profit_pct": 8.0,
            "trailing_stop_pct": 4.0,
            "position_size": 0.5,
        },
        "parameters": [
            _param(
                "entry_level",
                "rules.entry.conditions.0.right",
                "float",
                35,
                10,
                60,
                "Buy when RSI crosses back above this level.",
            ),
            _param(
                "trend_period",
                "indicators.trend.params.timeperiod",
                "int",
                100,
                10,
                400,
                "Bars in the trend EMA.",
            ),
            _param(
                "stop_loss_pct", "stop_loss_pct", "float", 3.0, 0.5, 50.0, "Stop loss, percent."
            ),
            _param(
                "take_profit_pct",
                "take_profit_pct",
                "float",
                8.0,
                0.5,
                200.0,
                "Take profit, percent.",
            ),
            _param(
                "trailing_stop_pct",
                "trailing_stop_pct",
                "float",
                4.0,
                0.5,
                50.0,
                "Trailing stop, percent.",
            ),
            _param(
                "position_size",
                "position_size",
                "float",
                0.5,
                0.05,
                1.0,
                "Fraction of available equity per trade.",
            ),
        ],
    },
]
