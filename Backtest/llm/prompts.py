"""The prompt that asks an LLM for a backtesting.py strategy, stating the contract it must meet.

The contract mirrors what :func:`Backtest.validation.validate_code` checks and what the sandbox
runs: one ``Strategy`` subclass with ``init``/``next``, a short list of allowed imports,
capitalised OHLCV columns, no I/O or network, and the answer as a single fenced code block.
"""

from __future__ import annotations

import textwrap

from Backtest.indicator_registry import IndicatorInfo, get_indicator, list_indicators
from Backtest.llm.base import LLMRequest
from Backtest.validation import ALLOWED_MODULES

__all__ = ["SYSTEM_PROMPT", "build_generation_request", "indicators_for", "user_prompt"]

MAX_DESCRIPTION_CHARS = 5000
_EXTRA_EXAMPLES = ("ADX", "CCI", "WILLR", "MFI", "ROC", "AROON", "SAR", "OBV")
_IMPORTS = textwrap.fill(
    ", ".join(m for m in ALLOWED_MODULES if m != "__future__"),
    width=92,
    subsequent_indent="   ",
)
_SKELETON = """\
from backtesting import Strategy
from backtesting.lib import crossover

from Backtest.indicators import SMA


class SmaCross(Strategy):
    fast_period = 10
    slow_period = 30
    stop_loss_pct = 5.0

    def init(self):
        self.fast = self.I(SMA, self.data.Close, self.fast_period)
        self.slow = self.I(SMA, self.data.Close, self.slow_period)

    def next(self):
        price = self.data.Close[-1]
        if not self.position and crossover(self.fast, self.slow):
            self.buy(sl=price * (1 - self.stop_loss_pct / 100))
        elif self.position and crossover(self.slow, self.fast):
            self.position.close()
"""

SYSTEM_PROMPT = f"""\
You write trading strategies for backtesting.py (version 0.6). Reply with Python code only,
in exactly one ```python fenced block, and nothing else.

The code must:
1. Define exactly one class that subclasses `backtesting.Strategy`, with `def init(self):`
   (create every indicator there, through `self.I(...)`) and `def next(self):` (decide orders
   for the current bar).
2. Import only from: {_IMPORTS}.
   Prefer the indicator helpers in `Backtest.indicators`: SMA, EMA, RSI, MACD, BBANDS, ATR,
   STOCH, and every other TA-Lib function by its TA-Lib name (ADX, CCI, WILLR, MFI, ROC, AROON,
   SAR, OBV ...), taking TA-Lib parameter names (timeperiod, fastperiod, nbdevup ...).
   Use `from backtesting.lib import crossover` for crossings.
3. Read prices as `self.data.Open`, `self.data.High`, `self.data.Low`, `self.data.Close`,
   `self.data.Volume` (capitalised). Index the latest value with `[-1]`, the previous with `[-2]`.
   Indicators have NaN values during their warm-up: skip bars where a value you use is NaN.
4. Put every tunable number (periods, thresholds, stop and target percentages) in class
   attributes so they can be optimised.
5. Trade with `self.buy(...)`, `self.sell(...)` and `self.position.close()`. `sl=`/`tp=` are
   price levels, not percentages. `size=` is a fraction of equity between 0 and 1, or a whole
   number of units; leave it out to use (almost) all equity.
6. Never read or write files, open network connections, read environment variables, print
   secrets, or use eval/exec/compile/open/__import__/getattr tricks. No `if __name__ ==
   "__main__":` block; the platform runs the backtest itself.

The shape of a valid answer (an SMA crossover with a 5 % stop):
```python
{_SKELETON}```
"""


def _example_lines(info: IndicatorInfo) -> str:
    outputs = ", ".join(info.outputs)
    params = ", ".join(f"{p.name}={p.default!r}" for p in info.parameters)
    return (
        f"- {info.name} ({info.display_name}); inputs {', '.join(info.inputs)}; "
        f"parameters {params or 'none'}; outputs {outputs}\n  {info.example}"
    )


# Spec 2.0's own indicators: the offline parser knows them, the TA-Lib registry does not.
_NOT_IN_REGISTRY = frozenset({"DONCHIAN", "KELTNER", "VWAP", "SUPERTREND"})


def indicators_for(description: str) -> list[IndicatorInfo]:
    """Featured indicators plus every registry indicator the description names."""
    from Backtest.llm.offline import mentioned_indicators

    infos = list(list_indicators(featured=True))
    names = [n for n in mentioned_indicators(description) if n not in _NOT_IN_REGISTRY]
    for name in [*names, *_EXTRA_EXAMPLES]:
        info = get_indicator(name)
        if info not in infos:
            infos.append(info)
    return infos


def user_prompt(description: str, *, name: str | None = None) -> str:
    """The per-request part: the trader's description, the class name and indicator examples."""
    text = description.strip()
    if not text:
        raise ValueError("the strategy description is empty")
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise ValueError(f"the description is longer than {MAX_DESCRIPTION_CHARS} characters")
    from Backtest.spec import class_name_for

    class_line = f"Name the class `{class_name_for(name)}`.\n" if name else ""
    examples = "\n".join(_example_lines(info) for info in indicators_for(text))
    return (
        "Write the strategy described between the markers.\n"
        "<description>\n"
        f"{text}\n"
        "</description>\n"
        f"{class_line}"
        "If the description leaves out an exit, exit on the opposite of the entry signal; if it "
        "leaves out a period, use the indicator's standard default.\n\n"
        "Indicators available from `Backtest.indicators` (import the ones you use), with "
        "`self.I` examples:\n"
        f"{examples}\n\n"
        "Multi-output indicators return one array per output, in the order listed.\n"
        "Reply with one ```python fenced block containing the complete module."
    )


def build_generation_request(
    description: str,
    *,
    name: str | None = None,
    temperature: float = 0.2,
    max_output_tokens: int | None = None,
    timeout_s: float | None = None,
) -> LLMRequest:
    """The full request for :meth:`LLMProvider.complete`."""
    return LLMRequest(
        system_prompt=SYSTEM_PROMPT,
        user_prompt=user_prompt(description, name=name),
        temperature=temperature,
        max_output_tokens=max_output_tokens,
        timeout_s=timeout_s,
    )
