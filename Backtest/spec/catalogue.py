"""One lookup for every indicator a spec may name: spec 2.0's own ones, then TA-Lib's registry."""

from __future__ import annotations

from Backtest.indicator_registry import IndicatorInfo, UnknownIndicatorError, get_indicator
from Backtest.spec.custom_indicators import CUSTOM

_CUSTOM_ALIASES = {
    "DONCHIAN": "DONCHIAN",
    "DONCHIAN CHANNEL": "DONCHIAN",
    "DC": "DONCHIAN",
    "KELTNER": "KELTNER",
    "KELTNER CHANNEL": "KELTNER",
    "KC": "KELTNER",
    "VWAP": "VWAP",
    "SUPERTREND": "SUPERTREND",
    "SUPER TREND": "SUPERTREND",
}


def _key(name: str) -> str:
    return " ".join(str(name).upper().replace("_", " ").replace("-", " ").split())


def lookup_indicator(name: str) -> IndicatorInfo:
    """Catalogue entry for a name or alias; raises UnknownIndicatorError with suggestions."""
    custom = _CUSTOM_ALIASES.get(_key(name))
    if custom is not None:
        return CUSTOM[custom].info
    return get_indicator(name)


def canonical_name(name: str) -> str:
    """The catalogue name for ``name`` ("Bollinger" -> "BBANDS"), or ``name`` when unknown."""
    try:
        return lookup_indicator(name).name
    except UnknownIndicatorError:
        return name


def is_custom(name: str) -> bool:
    """Whether ``name`` is one of spec 2.0's own indicators (compiled into the strategy)."""
    return name in CUSTOM
