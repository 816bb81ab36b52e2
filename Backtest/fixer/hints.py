"""Type-specific hints: short, concrete advice that goes into the LLM fix prompt.

Each hint names the backtesting.py 0.6 idiom to use instead of the mistake, because a model
told *what to write* fixes far more reliably than one told only what failed.
"""

from __future__ import annotations

import re
from typing import Protocol

from Backtest.validation.rules import KNOWN_IMPORTS


class Classified(Protocol):
    """What the hints read of an ``ErrorAnalysis`` (the analyzer imports this module)."""

    @property
    def error_type(self) -> str: ...

    @property
    def message(self) -> str | None: ...


__all__ = ["KNOWN_IMPORTS", "hints_for"]

_GENERAL = {
    "syntax_error": (
        "Return plain Python only: no markdown fences, no prose before or after the code, "
        "Python 3 syntax (print() is a function)."
    ),
    "indentation_error": (
        "Indent with 4 spaces only (no tabs); class body one level in, method bodies two."
    ),
    "import_error": (
        "Strategies may import only backtesting, backtesting.lib (crossover, cross, barssince, "
        "resample_apply, SignalStrategy, TrailingStrategy), backtesting.test (SMA, GOOG), talib, "
        "Backtest.indicators (SMA, EMA, RSI, MACD, BBANDS, ATR, STOCH, ...), numpy, pandas, "
        "math. backtesting.lib has no crossunder: use crossover(b, a). Do not download data "
        "(no yfinance); the platform supplies self.data."
    ),
    "name_error": (
        "Every name must be imported or defined; indicators created in init() are attributes: "
        "use self.sma, not sma."
    ),
    "attribute_error": (
        "self.data columns are capitalised (self.data.Close, .Open, .High, .Low, .Volume) and are "
        "numpy arrays, not pandas Series: use [-1] for the current bar, [-2] for the previous "
        "one, and compute rolling/shift logic inside a function passed to self.I(). "
        "self.position has only size, pl, pl_pct, is_long, is_short and close(); the entry "
        "price is self.trades[-1].entry_price."
    ),
    "type_error": (
        "backtesting.py calls init(self) and next(self) with no other arguments; buy()/sell() "
        "accept only size, limit, stop, sl, tp and tag; TA-Lib parameters are keywords such as "
        "timeperiod, fastperiod, nbdevup (floats as 2.0) and inputs must be float64 arrays."
    ),
    "value_error": (
        "Compare the latest values (self.sma[-1] > self.data.Close[-1]) rather than whole "
        "arrays; order size is either a fraction of equity in (0, 1) or a whole number of "
        "units >= 1."
    ),
    "index_error": (
        "Early bars have little history: return from next() until len(self.data) exceeds the "
        "longest look-back, and check self.trades / self.closed_trades are not empty before "
        "indexing them."
    ),
    "key_error": (
        "Use capitalised column names (Close, not close); index pandas Series by position "
        "with .iloc[-1], or better keep indicators as self.I() arrays and use [-1]."
    ),
    "zero_division_error": (
        "Guard every division whose denominator can be zero (no closed trades yet, flat "
        "prices, zero volatility)."
    ),
    "io_error": (
        "Strategy code cannot read or write files: remove data loading (read_csv, yfinance) "
        "and saving; the platform supplies the prices as self.data."
    ),
    "recursion_error": (
        "Remove the recursion (a method calling itself, e.g. next() calling next())."
    ),
    "timeout": (
        "The backtest took too long: compute indicators once in init() with self.I() instead "
        "of per bar in next(), and make sure no loop can run forever (orders only execute "
        "after next() returns, so `while self.position:` never ends)."
    ),
    "memory_limit": (
        "The strategy used too much memory: avoid building large lists or frames per bar; "
        "compute indicators once in init() with self.I()."
    ),
    "output_limit": "Remove print() calls from next(); the platform reports the results.",
    "no_trades": (
        "The strategy never completed a trade. Check that entry conditions can become true: "
        "crossover(self.a, self.b) takes the arrays, not a[-1]; never compare floats with ==; "
        "test `if not self.position:` instead of `self.position == 0`; make sure there is an "
        "exit (an open position at the end is not counted as a trade); a whole-unit size such "
        "as size=500 that costs more than the cash is silently cancelled: use a fraction of "
        "equity such as size=0.5."
    ),
    "validation_error": (
        "Define exactly one Strategy subclass with init(self) and next(self); no file or "
        "network access, no eval/exec, no dunder attributes."
    ),
    "security_violation": (
        "The sandbox blocked a forbidden operation; this is reported, not fixed automatically."
    ),
    "data_error": "The market data could not be loaded; this is not a problem in the code.",
    "sandbox_error": "The sandbox failed to run the code; this is not a problem in the code.",
}

_SPECIFIC: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "attribute_error",
        re.compile(r"Column '(\w+)' not in data"),
        "Column {0!r} does not exist: the columns are Open, High, Low, Close, Volume; the "
        "timestamps are self.data.index.",
    ),
    (
        "attribute_error",
        re.compile(r"'(?:_Array|_Indicator)' object has no attribute '(\w+)'"),
        "`.{0}` is a pandas method but self.data columns and self.I() indicators are numpy "
        "arrays: replace .iloc[-1] with [-1], .shift(1)[-1] with [-2], .values with the array "
        "itself, and rolling/ewm computations with an indicator function passed to self.I().",
    ),
    (
        "attribute_error",
        re.compile(r"'Position' object has no attribute '(\w+)'"),
        "Position has no `{0}`: use size, pl, pl_pct, is_long, is_short, close(); the entry "
        "price is self.trades[-1].entry_price.",
    ),
    (
        "attribute_error",
        re.compile(r"module 'numpy' has no attribute '(\w+)'"),
        "numpy 2 removed np.{0}: use the builtin (float, int, bool) or np.nan / np.inf.",
    ),
    (
        "type_error",
        re.compile(r"(?:buy|sell)\(\) got an unexpected keyword argument '(\w+)'"),
        "buy()/sell() have no `{0}` argument: use size=, limit=, stop=, sl= (stop-loss price) "
        "or tp= (take-profit price).",
    ),
    (
        "type_error",
        re.compile(r"without an implementation for abstract method '(\w+)'"),
        "The strategy must define `def {0}(self):` (backtesting.py calls init() once and "
        "next() on every bar; names like on_bar/initialize are never called).",
    ),
    (
        "type_error",
        re.compile(r"input array type is not double"),
        "TA-Lib needs float64 inputs: pass self.data.Volume.astype(float) (Volume is integer).",
    ),
    (
        "type_error",
        re.compile(r"__init__\(\) takes \d+ positional argument"),
        "Do not override __init__: put the setup in init(self).",
    ),
    (
        "value_error",
        re.compile(r"size must be a positive fraction of equity"),
        "size must be a fraction of equity in (0, 1) or a positive whole number of units: use "
        "size=0.5 or size=max(1, int(units)).",
    ),
    (
        "value_error",
        re.compile(r"truth value of an array"),
        "Compare single values: self.sma[-1] > self.data.Close[-1], not the whole arrays.",
    ),
    (
        "value_error",
        re.compile(r"zero-size array"),
        "The look-back window is empty on the first bars: return from next() while "
        "len(self.data) is shorter than the window.",
    ),
    (
        "value_error",
        re.compile(r"Indicators must return"),
        "self.I(func, *args) needs a function that returns an array as long as the data, e.g. "
        "self.I(talib.SMA, self.data.Close, 20), not a scalar.",
    ),
    (
        "value_error",
        re.compile(r"(?:Long|Short) orders require"),
        "For a long order sl < price < tp; for a short order tp < price < sl.",
    ),
    (
        "key_error",
        re.compile(r"^'?-\d+'?$"),
        "pandas 3 Series are indexed by label: use .iloc[-1], or keep the values as a self.I() "
        "indicator and index it with [-1].",
    ),
)


def hints_for(analysis: Classified, code: str | None) -> list[str]:
    """General advice for the error type, then message-specific advice."""
    hints = []
    message = analysis.message or ""
    for error_type, pattern, template in _SPECIFIC:
        if error_type != analysis.error_type:
            continue
        match = pattern.search(message)
        if match:
            hints.append(template.format(*match.groups()))
    if analysis.error_type == "name_error":
        missing = re.search(r"name '(\w+)' is not defined", message)
        if missing and missing.group(1) in KNOWN_IMPORTS:
            hints.append(f"Add `{KNOWN_IMPORTS[missing.group(1)]}`.")
        elif missing and code and re.search(rf"self\.{re.escape(missing.group(1))}\s*=", code):
            hints.append(f"`{missing.group(1)}` is set in init() as self.{missing.group(1)}.")
    general = _GENERAL.get(analysis.error_type)
    if general:
        hints.append(general)
    return hints
