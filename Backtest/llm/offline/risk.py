"""Step 2 of the pipeline: pull risk settings out of the normalised text.

Stops, targets, trailing stops and position size are read with a table of patterns and their
text is cut out (replaced by a soft separator) so the numbers in them cannot be mistaken for
rule thresholds later. Decisions:

* "risk N%" is ambiguous. With a stop loss it is read as risk per trade, so the position is
  sized at N / stop of equity ("risk 1% with a 4% stop" -> 25 % of equity); without a stop it
  is read as a N % stop loss. Both cases add a warning saying so.
* Sizes above 100 % of equity (leverage) are refused; "N shares/units/contracts" is a whole
  number of units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_N = r"(\d+(?:\.\d+)?)"
_PCT = r" ?%"
_SEP = r"(?: (?:of|at|is|=|:|to|by|set at|set to|placed at|around|about|-))*"
_EQUITY = (
    r"(?: (?:my|the|our|total|available|account|current|trading))* "
    r"(?:equity|capital|account|portfolio|cash|balance|money|funds|bankroll)"
)
_WHO = r"(?:it |price |the price |the trade |the position )?"
_PER_TRADE = r"(?: (?:per|each|a|every|on each|for each) (?:trade|position|entry))?"

_TABLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "trailing_stop_pct",
        (
            rf"\btrailing(?: stop)?(?: loss)?(?: sl)?{_SEP} {_N}{_PCT}",
            rf"\b{_N}{_PCT} trailing(?: stop)?(?: loss)?",
            rf"\btrail(?:ing|s)?(?: the| a| my)? stop(?: loss)?{_SEP} {_N}{_PCT}",
            rf"\btrail(?:ing|s)? (?:it |price |the price )?by {_N}{_PCT}",
            rf"\btsl{_SEP} {_N}{_PCT}",
        ),
    ),
    (
        "risk",
        (
            rf"\brisk(?:ing)?{_SEP} {_N}{_PCT}(?: of{_EQUITY})?{_PER_TRADE}",
            rf"\b{_N}{_PCT} risk{_PER_TRADE}",
        ),
    ),
    (
        "size_fraction",
        (
            rf"\b(?:(?:use|using|invest|investing|allocate|allocating|put|putting|deploy|with|"
            rf"size|trade with|buy with|bet|betting) )?{_N}{_PCT} of{_EQUITY}{_PER_TRADE}",
            rf"\bposition siz(?:e|ing){_SEP} {_N}{_PCT}(?: of{_EQUITY})?",
            rf"\b{_N}{_PCT} (?:position|position size|allocation|of equity)\b",
        ),
    ),
    (
        "size_half",
        (rf"\bhalf(?: of)?(?:{_EQUITY}| (?:my |the )?(?:position size|size))",),
    ),
    (
        "size_units",
        (rf"\b{_N} (?:shares?|units?|contracts?|lots?|coins?|stocks?)\b",),
    ),
    (
        "stop_loss_pct",
        (
            rf"\b(?:stop loss|stoploss|stop|stops|sl|stop out|stopped out){_SEP} -? ?{_N}{_PCT}"
            r"(?: (?:below|under|from|loss|away))?(?: (?:entry|the entry|the entry price))?",
            rf"\b{_N}{_PCT} (?:hard |fixed |protective |initial |max |maximum )?"
            r"(?:stop loss|stoploss|stop|sl)\b",
            rf"\bcut (?:the |my |your )?loss(?:es)?{_SEP} -? ?{_N}{_PCT}",
            rf"\bmax(?:imum)? loss{_PER_TRADE}{_SEP} -? ?{_N}{_PCT}",
            rf"\b(?:exit|sell|get out|close)(?: the position| the trade)? if {_WHO}"
            rf"(?:drops|falls|is down|goes down|loses|declines) (?:by )?{_N}{_PCT}",
        ),
    ),
    (
        "take_profit_pct",
        (
            rf"\b(?:take profits?|tp|profit target|price target|target|take gains|"
            rf"profit taking|target profit|take the profit){_SEP} \+? ?{_N}{_PCT}"
            r"(?: (?:profit|gain|above))?",
            rf"\b{_N}{_PCT} (?:take profit|tp|profit target|target|profit|gain|gains|upside)\b",
            rf"\b(?:exit|sell|close|get out)(?: the position| the trade| out)? "
            rf"(?:at|with|on|after) (?:a )?\+ ?{_N}{_PCT}",
            rf"\b(?:exit|sell|get out|close)(?: the position| the trade)? (?:if|when) {_WHO}"
            rf"(?:rises|gains|is up|goes up) (?:by )?{_N}{_PCT}",
        ),
    ),
)
_COMPILED = tuple((kind, tuple(re.compile(p) for p in patterns)) for kind, patterns in _TABLE)


@dataclass
class RiskSettings:
    """Risk settings found in the text, in spec units (percent; size as fraction or units)."""

    stop_loss_pct: float | None = None
    take_profit_pct: float | None = None
    trailing_stop_pct: float | None = None
    position_size: float = 1.0
    understood: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _number(value: float) -> str:
    return f"{value:g}"


def extract_risk(text: str) -> tuple[RiskSettings, str]:
    """Return the risk settings and ``text`` with their phrases replaced by " , "."""
    found: dict[str, list[tuple[float, str]]] = {}
    for kind, patterns in _COMPILED:
        for pattern in patterns:
            while match := pattern.search(text):
                value = 0.5 if kind == "size_half" else float(match.group(1))
                found.setdefault(kind, []).append((value, match.group(0)))
                text = text[: match.start()] + " , " + text[match.end() :]
    risk = RiskSettings()
    for values in found.values():
        if len({value for value, _ in values}) > 1:
            phrases = "; ".join(f"'{phrase}'" for _, phrase in values)
            risk.warnings.append(f"several values given ({phrases}); using the first")
    first = {kind: values[0] for kind, values in found.items()}
    _apply_percentages(risk, first)
    _apply_size(risk, first)
    return risk, " ".join(token for token in text.split(" ") if token)


def _apply_percentages(risk: RiskSettings, first: dict[str, tuple[float, str]]) -> None:
    limits = {"stop_loss_pct": 100.0, "trailing_stop_pct": 100.0, "take_profit_pct": 1000.0}
    labels = {
        "stop_loss_pct": "Stop loss",
        "take_profit_pct": "Take profit",
        "trailing_stop_pct": "Trailing stop",
    }
    for kind, limit in limits.items():
        if kind not in first:
            continue
        value, phrase = first[kind]
        if not 0 < value < limit:
            risk.problems.append(
                f"'{phrase}': {labels[kind].lower()} must be between 0 and {limit:g}%"
            )
            continue
        setattr(risk, kind, value)
        risk.understood.append(f"{labels[kind]}: {_number(value)}%")
    if "risk" in first:
        value, phrase = first["risk"]
        stop = risk.stop_loss_pct or risk.trailing_stop_pct
        if stop is not None and value > 0:
            size = min(value / stop, 1.0)
            if "size_fraction" in first or "size_units" in first or "size_half" in first:
                risk.warnings.append(f"'{phrase}' ignored: an explicit position size is given")
            else:
                first["size_fraction"] = (size * 100, phrase)
                risk.warnings.append(
                    f"'{phrase}' read as risk per trade: with a {_number(stop)}% "
                    f"stop the position is {_number(round(size * 100, 4))}% of equity"
                )
        elif 0 < value < 100:
            risk.stop_loss_pct = value
            risk.understood.append(f"Stop loss: {_number(value)}%")
            risk.warnings.append(
                f"'{phrase}' is ambiguous; read it as a {_number(value)}% stop loss. Say "
                f"'stop loss {_number(value)}%' or 'risk {_number(value)}% per trade with a 5% "
                "stop' to be explicit"
            )


def _apply_size(risk: RiskSettings, first: dict[str, tuple[float, str]]) -> None:
    if "size_units" in first:
        value, phrase = first["size_units"]
        if value < 1 or value != int(value):
            risk.problems.append(f"'{phrase}': a number of units must be a whole number >= 1")
            return
        risk.position_size = 1.0 if value == 1 else float(int(value))
        if value == 1:
            risk.warnings.append("one unit per trade cannot be expressed (size 1 means all equity)")
            risk.position_size = 1.0
        else:
            risk.understood.append(f"Position size: {int(value)} units per trade")
        return
    for kind in ("size_fraction", "size_half"):
        if kind not in first:
            continue
        value, phrase = first[kind]
        fraction = value if kind == "size_half" else value / 100
        if not 0 < fraction <= 1:
            risk.problems.append(f"'{phrase}': position size must be above 0% and at most 100%")
            return
        risk.position_size = fraction
        risk.understood.append(f"Position size: {_number(round(fraction * 100, 4))}% of equity")
        return
