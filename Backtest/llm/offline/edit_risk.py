"""Chat edits of the risk settings: stop loss, take profit, trailing stop, position size.

Setting reuses the parser's risk table (:func:`.risk.extract_risk`), so every phrasing a
description may use ("2% stop", "take profit at 5%", "trail by 1.5%", "use 50% of equity",
"10 shares") works here too. Removing is "remove/drop/no/without ... stop loss | take profit |
trailing stop". Both cut their text out of the message, leaving the rest for the other edits.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from Backtest.llm.offline.edit_types import EditNotUnderstood
from Backtest.llm.offline.risk import extract_risk

_REMOVE = re.compile(
    r"\b(?:remove|delete|drop|disable|cancel|clear|no|without|get rid of|turn off|take off|"
    r"take away|ditch|scrap|kill)(?: the| a| an| my| any| its| that)?"
    r" (?P<what>trailing stop(?: loss)?|trailing|tsl|take profit|profit target|target|tp|"
    r"stop loss|stoploss|stop|sl)s?\b"
)
_REMOVE_KEYS = {
    "trailing": "trailing_stop_pct",
    "tsl": "trailing_stop_pct",
    "take": "take_profit_pct",
    "profit": "take_profit_pct",
    "target": "take_profit_pct",
    "tp": "take_profit_pct",
}
# "from 5% to 3%": the old value is only a pointer; the risk table reads "to 3%".
_FROM_PCT = re.compile(r"\bfrom (?:- )?\d+(?:\.\d+)? ?% (?=to )")
_ALL_EQUITY = re.compile(
    r"\b(?:use |using |with |invest |trade with |buy with )?(?:all|all of) (?:the |my )?"
    r"(?:equity|capital|cash|money|account)\b|\bfull (?:position )?size\b|\ball in\b"
)
_LABELS = {
    "stop_loss_pct": "Stop loss",
    "take_profit_pct": "Take profit",
    "trailing_stop_pct": "Trailing stop",
}


def _pct(value: float | None) -> str:
    return "none" if value is None else f"{value:g}%"


def size_text(value: float) -> str:
    """``50% of equity`` / ``all equity`` / ``10 units``."""
    if value > 1:
        return f"{int(value)} units"
    return "all equity" if value >= 1 else f"{value * 100:g}% of equity"


def edit_risk(spec: dict[str, Any], text: str) -> tuple[dict[str, Any], list[str], str]:
    """Apply risk phrases in ``text`` (normalised); return the spec, lines and the rest."""
    new = copy.deepcopy(spec)
    lines: list[str] = []
    while match := _REMOVE.search(text):
        key = _REMOVE_KEYS.get(match["what"].split(" ")[0], "stop_loss_pct")
        before = new.get(key)
        new[key] = None
        label = _LABELS[key]
        lines.append(f"{label}: {_pct(before)} -> none" if before else f"{label}: none set")
        text = text[: match.start()] + " , " + text[match.end() :]
    if match := _ALL_EQUITY.search(text):
        lines.append(f"Position size: {size_text(new['position_size'])} -> all equity")
        new["position_size"] = 1.0
        text = text[: match.start()] + " , " + text[match.end() :]
    risk, text = extract_risk(_FROM_PCT.sub("", text))
    if risk.problems:
        raise EditNotUnderstood(
            "; ".join(risk.problems) + ".",
            examples=["add a 2% stop loss", "set take profit to 5%", "trail by 1.5%"],
        )
    for key, label in _LABELS.items():
        value = getattr(risk, key)
        if value is not None:
            lines.append(f"{label}: {_pct(new.get(key))} -> {_pct(value)}")
            new[key] = value
    if any(line.startswith("Position size") for line in risk.understood):
        lines.append(
            f"Position size: {size_text(new['position_size'])} -> {size_text(risk.position_size)}"
        )
        new["position_size"] = risk.position_size
    lines += [f"Note: {warning}" for warning in risk.warnings]
    return new, lines, text
