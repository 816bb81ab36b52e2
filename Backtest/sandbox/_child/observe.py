"""What the runner reports besides the result: real progress, and the run's warnings.

Progress frames name real stages (``data_loaded``, ``indicators_computed``, ``simulating`` with
``bars_done``/``bars_total``, ``stats_computed``; ``param_sets`` with ``sets_done``/``sets_total``
for a batch). Bars are counted by replacing backtesting.py's progress-bar hook (``_tqdm``, called
once per ``Backtest.run`` with the range of bars it will simulate) for the duration of the run:
one generator step per bar, a frame every tenth of the bars (at most one per 20 ms), and the
exact bar where a simulation stopped early.

Warnings are collected instead of printed: backtesting.py warns once per cancelled order (there
can be thousands), so repeats are counted under one item, and every item is a structured
``{"code", "message"}`` the caller can show.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import backtesting.backtesting as _bt

PROGRESS_CHUNKS = 10
MIN_INTERVAL_S = 0.02  # short runs: fewer frames than chunks
MAX_WARNINGS = 20
MAX_WARNING_CHARS = 500

Send = Callable[[dict[str, Any]], None]


class Progress:
    """Progress frames for one job (a no-op when the caller did not ask for them)."""

    def __init__(self, send: Send | None) -> None:
        self._send = send
        self._last = 0.0

    @property
    def enabled(self) -> bool:
        """Whether frames are sent at all."""
        return self._send is not None

    def stage(self, name: str, *, throttle: bool = False, **data: int) -> None:
        """Report a stage (``throttle``: skip it if the last frame was very recent)."""
        if self._send is None:
            return
        now = time.monotonic()
        if throttle and now - self._last < MIN_INTERVAL_S:
            return
        self._last = now
        self._send({"type": "progress", "stage": name, **data})

    @contextmanager
    def counting_bars(self) -> Iterator[None]:
        """Count the bars of the ``Backtest.run`` calls inside this block."""
        if self._send is None:
            yield
            return
        original = _bt._tqdm
        _bt._tqdm = self._bars
        try:
            yield
        finally:
            _bt._tqdm = original
            if self._stopped is not None:  # the simulation ended early (out of money)
                done, total = self._stopped
                self._stopped = None
                self.stage("simulating", bars_done=done, bars_total=total)

    _stopped: tuple[int, int] | None = None  # (bars simulated, total) of a run cut short

    def _bars(self, seq: Iterable[int], **_: Any) -> Iterator[int]:
        bars = seq if isinstance(seq, range) else list(seq)
        total = len(bars)
        self.stage("indicators_computed", bars_total=total)  # init() has just run
        step = max(1, -(-total // PROGRESS_CHUNKS))
        done = 0
        try:
            for done, bar in enumerate(bars, 1):
                yield bar
                if done % step == 0 or done == total:
                    self.stage(
                        "simulating", throttle=done < total, bars_done=done, bars_total=total
                    )
        finally:
            # Abandoned by backtesting.py's loop (it breaks when the money runs out): the last
            # bar handed out was not simulated to the end.
            if done < total:
                self._stopped = (max(done - 1, 0), total)


# ---- warnings --------------------------------------------------------------------------------
_INSUFFICIENT_CASH = (
    "insufficient margin",  # "Broker canceled the (relative-sized) order due to ..."
    "larger than initial cash value",  # Backtest(): prices above the starting cash
)
_OPEN_AT_END = "Some trades remain open at the end of backtest"
_OPEN_AT_END_SAID = (
    "A trade was still open at the end of the data, so it is not in the statistics; run with "
    "the setting 'finalize_trades': true to close it on the last bar and count it."
)
_LIBRARY_NOISE = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def warning_code(text: str) -> str:
    """The structured code for a warning's text."""
    if any(marker in text for marker in _INSUFFICIENT_CASH):
        return "insufficient_cash"
    if _OPEN_AT_END in text:
        return "open_trades_at_end"
    return "backtesting_warning"


class WarningCollector:
    """Collects warnings (``warnings.showwarning``'s signature) into bounded, counted items."""

    def __init__(self, strategy_file: str) -> None:
        self.strategy_file = strategy_file
        self._items: dict[tuple[str, str], dict[str, Any]] = {}

    def show(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        """Record one warning (repeats of one kind are counted, not stored)."""
        if issubclass(category, _LIBRARY_NOISE) and filename != self.strategy_file:
            return  # a library's own deprecation: nothing the strategy's author can act on
        text = str(message)
        code = warning_code(text)
        key = (code, "" if code != "backtesting_warning" else f"{category.__name__}: {text}")
        item = self._items.get(key)
        if item is not None:
            item["count"] += 1
        elif len(self._items) < MAX_WARNINGS:
            first = text if code != "backtesting_warning" else key[1]
            self._items[key] = {"code": code, "first": first, "count": 1}

    @contextmanager
    def capturing(self) -> Iterator[None]:
        """Route every warning raised inside the block here (none is lost to a filter)."""
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = self.show
            yield

    def items(self) -> list[dict[str, str]]:
        """``[{"code", "message"}]``, bounded in number and length."""
        out = []
        for item in self._items.values():
            message = item["first"]
            if item["count"] > 1:
                message = f"{message} (and {item['count'] - 1} more like it)"
            if item["code"] == "open_trades_at_end":
                # backtesting.py says "Use `Backtest(..., finalize_trades=True)`", which only a
                # script can do; here it is a run setting
                message = _OPEN_AT_END_SAID
            if item["code"] == "insufficient_cash" and "canceled" in message:
                message = "orders were cancelled: not enough cash or margin. " + message
            out.append({"code": item["code"], "message": message[:MAX_WARNING_CHARS]})
        return out
