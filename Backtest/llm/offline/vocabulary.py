"""The words the offline parser knows, as tables (phrase -> meaning).

Phrases are written in normalised form (see :mod:`.normalize`): lower case, one space between
tokens, digits for numbers, ``pct_k``/``pct_d``/``pct_r`` for %K/%D/%R. The lexer matches the
longest phrase first, so "sell short" wins over "sell" and "close the position" over "close".

Documented defaults (also reported back to the caller as ``defaults_used``):

* periods come from the indicator registry (SMA/EMA 20, RSI 14, ATR 14, ADX 14, MACD 12/26/9,
  Bollinger 20/2, Stochastic 14/3/3 ...), except CCI, which defaults to Lambert's original 20;
* "fast"/"slow" moving averages without a period are 10/30 (SMA) and 12/26 (EMA);
* oversold/overbought: RSI 30/70, Stochastic 20/80, CCI -100/100, Williams %R -80/-20,
  MFI 20/80, Stochastic RSI 20/80, Ultimate Oscillator 30/70, CMO -50/50;
* "N-day high/low" is the highest high / lowest low of the N bars *before* the current one.
"""

from __future__ import annotations

# ---- indicators ---------------------------------------------------------------------------
INDICATOR_NAMES: dict[str, str] = {
    "sma": "SMA",
    "smas": "SMA",
    "simple moving average": "SMA",
    "simple moving averages": "SMA",
    "simple ma": "SMA",
    "moving average": "SMA",
    "moving averages": "SMA",
    "mov avg": "SMA",
    "ma": "SMA",
    "mas": "SMA",
    "dma": "SMA",
    "day average": "SMA",
    "ema": "EMA",
    "emas": "EMA",
    "exponential moving average": "EMA",
    "exponential moving averages": "EMA",
    "exponential ma": "EMA",
    "exp moving average": "EMA",
    "ewma": "EMA",
    "wma": "WMA",
    "weighted moving average": "WMA",
    "dema": "DEMA",
    "double exponential moving average": "DEMA",
    "tema": "TEMA",
    "triple exponential moving average": "TEMA",
    "trima": "TRIMA",
    "triangular moving average": "TRIMA",
    "kama": "KAMA",
    "kaufman adaptive moving average": "KAMA",
    "rsi": "RSI",
    "relative strength index": "RSI",
    "relative strength": "RSI",
    "macd": "MACD",
    "bollinger": "BBANDS",
    "bollinger band": "BBANDS",
    "bollinger bands": "BBANDS",
    "bollingers": "BBANDS",
    "bb": "BBANDS",
    "bbs": "BBANDS",
    "bbands": "BBANDS",
    "bands": "BBANDS",
    "band": "BBANDS",
    "atr": "ATR",
    "average true range": "ATR",
    "natr": "NATR",
    "stochastic": "STOCH",
    "stochastics": "STOCH",
    "stoch": "STOCH",
    "stochastic oscillator": "STOCH",
    "slow stochastic": "STOCH",
    "slow stochastics": "STOCH",
    "full stochastic": "STOCH",
    "fast stochastic": "STOCHF",
    "fast stochastics": "STOCHF",
    "stochf": "STOCHF",
    "stochastic rsi": "STOCHRSI",
    "stoch rsi": "STOCHRSI",
    "stochrsi": "STOCHRSI",
    "adx": "ADX",
    "average directional index": "ADX",
    "average directional movement index": "ADX",
    "adxr": "ADXR",
    "dmi": "ADX",
    "plus_di": "PLUS_DI",
    "plus di": "PLUS_DI",
    "positive directional indicator": "PLUS_DI",
    "minus_di": "MINUS_DI",
    "minus di": "MINUS_DI",
    "negative directional indicator": "MINUS_DI",
    "cci": "CCI",
    "commodity channel index": "CCI",
    "williams pct_r": "WILLR",
    "williams r": "WILLR",
    "williams percent r": "WILLR",
    "williams": "WILLR",
    "willr": "WILLR",
    "pct_r": "WILLR",
    "mfi": "MFI",
    "money flow index": "MFI",
    "money flow": "MFI",
    "roc": "ROC",
    "rate of change": "ROC",
    "momentum": "MOM",
    "mom": "MOM",
    "aroon": "AROON",
    "aroon oscillator": "AROONOSC",
    "obv": "OBV",
    "on balance volume": "OBV",
    "sar": "SAR",
    "psar": "SAR",
    "parabolic sar": "SAR",
    "parabolic": "SAR",
    "ultimate oscillator": "ULTOSC",
    "ultosc": "ULTOSC",
    "trix": "TRIX",
    "ppo": "PPO",
    "percentage price oscillator": "PPO",
    "apo": "APO",
    "cmo": "CMO",
    "chande momentum oscillator": "CMO",
    "bop": "BOP",
    "balance of power": "BOP",
    "chaikin oscillator": "ADOSC",
    "adosc": "ADOSC",
    "linear regression": "LINEARREG",
    "tsf": "TSF",
    "midpoint": "MIDPOINT",
}

# Registry groups whose function names may be used directly ("ultosc", "ht_trendline").
NAME_GROUPS = frozenset(
    {
        "Momentum Indicators",
        "Overlap Studies",
        "Volatility Indicators",
        "Volume Indicators",
        "Cycle Indicators",
        "Statistic Functions",
        "Pattern Recognition",
    }
)
# Registry names that are also everyday words or too vague to read as an indicator.
NAME_STOPLIST = frozenset({"MAX", "MIN", "SUM", "VAR", "AD", "BETA", "MA", "T3", "TSF", "DX"})

MOVING_AVERAGES = frozenset({"SMA", "EMA", "WMA", "DEMA", "TEMA", "TRIMA", "KAMA", "MA"})
# Indicators plotted on the price scale: a bare comparison with them means "price vs it".
PRICE_SCALE = MOVING_AVERAGES | {"BBANDS", "SAR", "MAX", "MIN", "MIDPOINT", "LINEARREG", "TSF"}
PARAM_OVERRIDES: dict[str, dict[str, int | float]] = {"CCI": {"timeperiod": 20}}
FAST_SLOW: dict[str, tuple[int, int]] = {"SMA": (10, 30), "EMA": (12, 26)}

# Which output an English word selects: role -> {indicator: output}.
OUTPUT_ROLES: dict[str, dict[str, str]] = {
    "main": {
        "MACD": "macd",
        "STOCH": "slowk",
        "STOCHF": "fastk",
        "STOCHRSI": "fastk",
        "AROON": "aroonup",
    },
    "signal": {"MACD": "macdsignal", "STOCH": "slowd", "STOCHF": "fastd", "STOCHRSI": "fastd"},
    "hist": {"MACD": "macdhist"},
    "k": {"STOCH": "slowk", "STOCHF": "fastk", "STOCHRSI": "fastk"},
    "d": {"STOCH": "slowd", "STOCHF": "fastd", "STOCHRSI": "fastd"},
    "upper": {"BBANDS": "upperband"},
    "middle": {"BBANDS": "middleband"},
    "lower": {"BBANDS": "lowerband"},
    "up": {"AROON": "aroonup"},
    "down": {"AROON": "aroondown"},
}
# The indicator a bare role word refers to when no indicator is in sight.
ROLE_DEFAULT = {
    "signal": "MACD",
    "hist": "MACD",
    "k": "STOCH",
    "d": "STOCH",
    "upper": "BBANDS",
    "middle": "BBANDS",
    "lower": "BBANDS",
    "up": "AROON",
    "down": "AROON",
}
# "X crosses above" with nothing after it: the line X is usually compared with.
PARTNER_OUTPUT = {
    ("MACD", "macd"): "macdsignal",
    ("STOCH", "slowk"): "slowd",
    ("STOCHF", "fastk"): "fastd",
    ("STOCHRSI", "fastk"): "fastd",
    ("AROON", "aroonup"): "aroondown",
    ("AROON", "aroondown"): "aroonup",
}
# Words after an indicator name that pick one of its outputs ("MACD histogram", "%K").
OUTPUT_WORDS: dict[str, str] = {
    "signal line": "signal",
    "signal": "signal",
    "signal lines": "signal",
    "trigger line": "signal",
    "histogram": "hist",
    "hist": "hist",
    "histo": "hist",
    "line": "main",
    "pct_k": "k",
    "k line": "k",
    "pct_d": "d",
    "d line": "d",
    "upper band": "upper",
    "upper bands": "upper",
    "top band": "upper",
    "upper bollinger band": "upper",
    "upper bb": "upper",
    "lower band": "lower",
    "lower bands": "lower",
    "bottom band": "lower",
    "lower bollinger band": "lower",
    "lower bb": "lower",
    "middle band": "middle",
    "mid band": "middle",
    "middle bollinger band": "middle",
    "middle line": "middle",
    "centre band": "middle",
    "center band": "middle",
    "basis": "middle",
    "basis line": "middle",
    "aroon up": "up",
    "aroon down": "down",
    "up": "up",
    "down": "down",
}

# Oscillator zones: indicator -> (oversold, overbought, output). Midpoint = mirror centre.
ZONES: dict[str, tuple[float, float]] = {
    "RSI": (30, 70),
    "STOCH": (20, 80),
    "STOCHF": (20, 80),
    "STOCHRSI": (20, 80),
    "CCI": (-100, 100),
    "WILLR": (-80, -20),
    "MFI": (20, 80),
    "ULTOSC": (30, 70),
    "CMO": (-50, 50),
}
# Where "the centre line"/"the midline" sits; anything else centres on 0.
CENTRE: dict[str, float] = {
    "RSI": 50,
    "STOCH": 50,
    "STOCHF": 50,
    "STOCHRSI": 50,
    "MFI": 50,
    "WILLR": -50,
    "ULTOSC": 50,
}
# Candlestick patterns (TA-Lib returns +100 bullish / -100 bearish): phrase -> (name, sign).
CANDLES: dict[str, tuple[str, int]] = {
    "engulfing": ("CDLENGULFING", 1),
    "engulfing candle": ("CDLENGULFING", 1),
    "hammer": ("CDLHAMMER", 1),
    "inverted hammer": ("CDLINVERTEDHAMMER", 1),
    "doji": ("CDLDOJI", 1),
    "dragonfly doji": ("CDLDRAGONFLYDOJI", 1),
    "gravestone doji": ("CDLGRAVESTONEDOJI", 1),
    "morning star": ("CDLMORNINGSTAR", 1),
    "evening star": ("CDLEVENINGSTAR", -1),
    "shooting star": ("CDLSHOOTINGSTAR", -1),
    "hanging man": ("CDLHANGINGMAN", -1),
    "3 white soldiers": ("CDL3WHITESOLDIERS", 1),
    "3 black crows": ("CDL3BLACKCROWS", -1),
    "piercing": ("CDLPIERCING", 1),
    "piercing line": ("CDLPIERCING", 1),
    "piercing pattern": ("CDLPIERCING", 1),
    "dark cloud cover": ("CDLDARKCLOUDCOVER", -1),
    "harami": ("CDLHARAMI", 1),
    "marubozu": ("CDLMARUBOZU", 1),
    "spinning top": ("CDLSPINNINGTOP", 1),
}

# ---- prices ----------------------------------------------------------------------------------
PRICE_WORDS: dict[str, str] = {
    "price": "Close",
    "prices": "Close",
    "the price": "Close",
    "close": "Close",
    "the close": "Close",
    "closing price": "Close",
    "closing prices": "Close",
    "last price": "Close",
    "stock": "Close",
    "market": "Close",
    "open": "Open",
    "opening price": "Open",
    "the open": "Open",
    "high": "High",
    "low": "Low",
    "volume": "Volume",
}
PREVIOUS_WORDS = frozenset(
    {"yesterday", "previous", "prior", "previous day", "prior day", "last bar", "prev"}
    | {"the previous", "the prior", "previous bar", "prior bar", "last day"}
)
TODAY_WORDS = frozenset({"today", "current", "this bar", "current bar", "the current"})
PRICE_VERBS = frozenset({"closes", "closed", "closing", "close"})  # "closes above" -> Close

# ---- things the spec cannot express, with the reason given to the user --------------------
UNSUPPORTED: dict[str, str] = {
    "vwap": "VWAP is not in the TA-Lib catalogue, so spec 1.0 cannot compute it",
    "keltner": "Keltner channels are not in the TA-Lib catalogue",
    "ichimoku": "Ichimoku is not in the TA-Lib catalogue",
    "kumo": "Ichimoku is not in the TA-Lib catalogue",
    "supertrend": "SuperTrend is not in the TA-Lib catalogue",
    "super trend": "SuperTrend is not in the TA-Lib catalogue",
    "hull": "the Hull moving average is not in the TA-Lib catalogue",
    "hma": "the Hull moving average is not in the TA-Lib catalogue",
    "pivot": "pivot points are not in the TA-Lib catalogue",
    "pivots": "pivot points are not in the TA-Lib catalogue",
    "fibonacci": "Fibonacci levels need swing detection, which spec 1.0 cannot express",
    "fib": "Fibonacci levels need swing detection, which spec 1.0 cannot express",
    "heikin": "Heikin-Ashi candles are not available",
    "renko": "Renko bricks are not available",
    "divergence": "divergences need peak detection, which spec 1.0 cannot express",
    "divergences": "divergences need peak detection, which spec 1.0 cannot express",
    "support": "support/resistance levels need swing detection, which spec 1.0 cannot express",
    "resistance": "support/resistance levels need swing detection, which spec 1.0 cannot express",
    "trendline": "trendlines need swing detection, which spec 1.0 cannot express",
    "squeeze": "a squeeze compares band width with its own history, which spec 1.0 cannot express",
    "earnings": "earnings data are not available to strategies (price and volume only)",
    "news": "news is not available to strategies (price and volume only)",
    "sentiment": "sentiment data are not available to strategies (price and volume only)",
    "moon": "only price and volume data are available to strategies",
    "vix": "strategies see one symbol's prices only, so another index cannot be used",
    "correlation": "strategies see one symbol's prices only",
    "hold for": "time-based exits (holding for N bars) cannot be expressed in spec 1.0",
    "holding period": "time-based exits (holding for N bars) cannot be expressed in spec 1.0",
    "time stop": "time-based exits (holding for N bars) cannot be expressed in spec 1.0",
    "end of day": "time-of-day rules cannot be expressed in spec 1.0",
    "end of the day": "time-of-day rules cannot be expressed in spec 1.0",
    "times": "arithmetic between values (multiples like '2x ATR') cannot be expressed in "
    "spec 1.0; compare values directly or use a percentage stop",
    "twice": "arithmetic between values (multiples) cannot be expressed in spec 1.0",
    "double": "arithmetic between values (multiples) cannot be expressed in spec 1.0",
    "plus": "arithmetic between values cannot be expressed in spec 1.0",
    "minus": "arithmetic between values cannot be expressed in spec 1.0",
    "difference": "arithmetic between values cannot be expressed in spec 1.0",
    "ratio": "arithmetic between values cannot be expressed in spec 1.0",
    "slope": "slopes other than rising/falling cannot be expressed in spec 1.0",
}
ARITHMETIC_MESSAGE = (
    "'{text}' needs arithmetic between operands (a percentage or multiple of another value), "
    "which spec 1.0 cannot express; compare the values directly, e.g. 'price above the 50 SMA'"
)
INDICATOR_OF_INDICATOR_MESSAGE = (
    "'{text}' needs an average of an indicator (an indicator of an indicator), which spec 1.0 "
    "cannot express; compare the indicator with a number or with price instead"
)
