"""Chat edits of a moving average's kind: "use EMA instead of SMA", "switch the SMAs to EMAs".

Every average of the kind named becomes the other kind with the same period (a crossover of two
SMAs becomes one of two EMAs); its id follows ("sma_30" -> "ema_30") wherever the spec names it.
Only moving averages, whose one setting is their period, are swapped; any other pair of
indicators is refused, as a strategy without the kind named is.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.edit_types import EditNotUnderstood
from Backtest.llm.offline.lexer import lex

_KIND = r"(?:an?\s+|the\s+|all\s+(?:the\s+)?)?(?P<{}>[a-z][a-z\s-]*?)"
_SWAP = (
    # "use EMA instead of SMA", "try an EMA rather than the SMA"
    re.compile(
        r"^\s*(?:please\s+)?(?:use|try|switch to|change to)\s+"
        + _KIND.format("new")
        + r"\s+(?:instead of|rather than)\s+"
        + _KIND.format("old")
        + r"\s*$",
        re.IGNORECASE,
    ),
    # "switch sma to ema", "change the SMAs to EMAs", "replace the SMA with an EMA"
    re.compile(
        r"^\s*(?:please\s+)?(?:switch|change|convert|swap|replace|turn|make)\s+"
        + _KIND.format("old")
        + r"\s+(?:to|into|with|for)\s+"
        + _KIND.format("new")
        + r"\s*$",
        re.IGNORECASE,
    ),
)


def _indicator(words: str) -> str | None:
    """The one indicator the words name ("ema", "exponential moving averages"), and nothing
    else."""
    lexemes = [lx for lx in lex(words) if lx.kind != "FILLER"]
    if len(lexemes) != 1 or lexemes[0].kind != "IND":
        return None
    return str(lexemes[0].value[0])


def kind_request(text: str) -> tuple[str, str] | None:
    """(old kind, new kind) when the sentence asks to swap one average kind for another."""
    for pattern in _SWAP:
        if match := pattern.match(text):
            old, new = _indicator(match["old"]), _indicator(match["new"])
            if old is None or new is None:
                continue
            if {old, new} <= v.MOVING_AVERAGES:
                return old, new
            raise EditNotUnderstood(
                f"Only a moving average's kind can be swapped (SMA, EMA, WMA, ...); for {new} "
                f"instead of {old}, state the new rule, e.g. 'buy when ... instead'."
            )
    return None


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """The spec with every reference to a renamed id ("sma", "sma.real") renamed."""
    if isinstance(node, dict):
        return {k: _renamed(item, names) for k, item in node.items()}
    if isinstance(node, list):
        return [_renamed(item, names) for item in node]
    if isinstance(node, str):
        ident, dot, output = node.partition(".")
        if ident in names:
            return names[ident] + dot + output
    return node


def swap_kind(spec: dict[str, Any], old: str, new: str) -> tuple[dict[str, Any], list[str]]:
    """``spec`` with every ``old`` average made a ``new`` one, and the lines saying so."""
    items = [item for item in spec["indicators"] if item["indicator"] == old]
    if not items:
        raise EditNotUnderstood(f"This strategy has no {old}: nothing to change into {new}.")
    if old == new:
        return spec, [f"{old}: already {new}"]
    data = copy.deepcopy(spec)
    taken = {item["id"] for item in data["indicators"]}
    names: dict[str, str] = {}
    lines = []
    for item in data["indicators"]:
        if item["indicator"] != old:
            continue
        item["indicator"] = new
        period = item.get("params", {}).get("timeperiod")
        lines.append(f"{old}({period}) -> {new}({period})" if period else f"{old} -> {new}")
        if item["id"].startswith(old.lower()):
            renamed = new.lower() + item["id"][len(old) :]
            if renamed not in taken:
                names[item["id"]] = renamed
                taken.add(renamed)
    return _renamed(data, names), lines
