"""The LLM side of a fix: the prompt, and getting code back out of the reply."""

from __future__ import annotations

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.llm import LLMRequest, replies
from Backtest.validation import ALLOWED_MODULES

__all__ = ["SYSTEM_PROMPT", "build_fix_request", "extract_code"]

SYSTEM_PROMPT = f"""\
You repair Python trading strategies written for backtesting.py 0.6.6 (pandas 3, numpy 2).
Answer with the COMPLETE corrected file in ONE ```python code block and nothing else.

Rules:
- Fix the reported error (and any other obvious error) but keep the strategy's idea, its
  entry/exit logic, parameters and class name. Never replace it with a different strategy.
- Keep every number, threshold, period, order size, stop and target exactly as written unless
  the error itself makes it impossible; every change of meaning is detected, listed to the user,
  and refused unless the user allowed it.
- The file defines exactly one `Strategy` subclass with `def init(self):` and `def next(self):`
  and nothing that runs at import time: no Backtest(...), bt.run(), plotting, data downloads,
  file access or print().
- Allowed imports only: {", ".join(ALLOWED_MODULES)}.
- self.data.Open/High/Low/Close/Volume and self.I(...) results are numpy arrays revealed bar by
  bar: [-1] is the current bar, [-2] the previous one; no .iloc/.shift/.rolling on them (compute
  those inside a function passed to self.I). Create every indicator in init() with
  self.I(func, *args), e.g. self.I(talib.RSI, self.data.Close, timeperiod=14).
- crossover(a, b) / cross(a, b) come from backtesting.lib and take whole arrays or numbers.
- Orders: self.buy()/self.sell() accept size (fraction of equity in (0, 1) or whole units),
  limit, stop, sl, tp, tag. Close with self.position.close(). Test `if not self.position:`;
  the entry price of the open trade is self.trades[-1].entry_price.
- TA-Lib float parameters are floats (nbdevup=2.0) and inputs must be float64
  (self.data.Volume.astype(float)).
"""

MAX_PREVIOUS = 3


def build_fix_request(
    code: str,
    analysis: ErrorAnalysis,
    *,
    previous: list[str] | None = None,
    temperature: float = 0.2,
) -> LLMRequest:
    """Prompt with the error, the strategy-only traceback, the offending line and the hints."""
    parts = [
        f"The strategy below fails with a {analysis.error_type} ({analysis.severity} severity).",
        f"Error: {analysis.message}",
    ]
    if analysis.frames or analysis.exception:
        parts.append("Traceback (strategy lines only):\n" + analysis.strategy_traceback())
    if analysis.line is not None:
        shown = (analysis.source_line or "").strip()
        parts.append(f"Offending line {analysis.line}: {shown}")
    if analysis.hints:
        parts.append("How to fix it:\n" + "\n".join(f"- {hint}" for hint in analysis.hints))
    if previous:
        tail = previous[-MAX_PREVIOUS:]
        parts.append(
            "Earlier fix attempts did not work:\n" + "\n".join(f"- {item}" for item in tail)
        )
    parts.append(f"Code:\n```python\n{code.rstrip()}\n```")
    return LLMRequest(
        system_prompt=SYSTEM_PROMPT, user_prompt="\n\n".join(parts), temperature=temperature
    )


def extract_code(text: str) -> str | None:
    """The code in an LLM reply (``Backtest.llm.replies``); None when it holds no code."""
    return replies.extract_code(text) or None
