"""Catalogue of the technical indicators a strategy may use.

One naming scheme (TA-Lib's parameter names: ``timeperiod``, ``fastperiod``, ``nbdevup`` ...) serves
the registry, the strategy spec and the compute helper in :mod:`Backtest.indicators`.

The catalogue is the whole TA-Lib function list, introspected through ``talib.abstract``, with seven
hand-written "featured" entries (SMA, EMA, RSI, MACD, BBANDS, ATR, STOCH) overriding their
introspected versions. This package is loaded inside the strategy sandbox, so it imports only the
standard library, numpy and talib.
"""

from __future__ import annotations

import difflib
import functools

import talib

from Backtest.indicator_registry.catalogue import introspect
from Backtest.indicator_registry.featured import FEATURED, FEATURED_ORDER
from Backtest.indicator_registry.model import (
    IndicatorInfo,
    IndicatorParam,
    IndicatorParameterError,
    ParameterValueError,
    ParamType,
    UnknownIndicatorError,
    UnknownParameterError,
)

__all__ = [
    "ALIASES",
    "FEATURED_ORDER",
    "IndicatorInfo",
    "IndicatorParam",
    "IndicatorParameterError",
    "ParamType",
    "ParameterValueError",
    "UnknownIndicatorError",
    "UnknownParameterError",
    "get_indicator",
    "list_groups",
    "list_indicators",
]

ALIASES = {
    "BB": "BBANDS",
    "BOLLINGER": "BBANDS",
    "BOLLINGER BANDS": "BBANDS",
    "BOLLINGERBANDS": "BBANDS",
    "STOCHASTIC": "STOCH",
    "STOCHASTIC OSCILLATOR": "STOCH",
    "STOCHASTICS": "STOCH",
    "SIMPLE MOVING AVERAGE": "SMA",
    "MOVING AVERAGE": "MA",
    "EXPONENTIAL MOVING AVERAGE": "EMA",
    "RELATIVE STRENGTH INDEX": "RSI",
    "AVERAGE TRUE RANGE": "ATR",
    "DONCHIAN HIGH": "MAX",
    "DONCHIAN LOW": "MIN",
}


@functools.cache
def _catalogue() -> dict[str, IndicatorInfo]:
    entries: dict[str, IndicatorInfo] = {}
    names: list[str] = talib.get_functions()  # type: ignore[no-untyped-call]
    for name in sorted(names):
        entry = introspect(name)
        if entry is not None:
            entries[name] = entry
    featured = {info.name: info for info in FEATURED}
    entries.update(featured)
    rank = {name: i for i, name in enumerate(FEATURED_ORDER)}
    ordered = sorted(entries.values(), key=lambda i: (rank.get(i.name, len(rank)), i.name))
    return {info.name: info for info in ordered}


def _normalise(name: str) -> str:
    return " ".join(name.upper().replace("_", " ").replace("-", " ").split())


@functools.cache
def _lookup_table() -> dict[str, str]:
    """Normalised name/alias/unique display name -> canonical indicator name."""
    table: dict[str, str] = {}
    display_counts: dict[str, int] = {}
    for info in _catalogue().values():
        key = _normalise(info.display_name)
        display_counts[key] = display_counts.get(key, 0) + 1
    for info in _catalogue().values():
        key = _normalise(info.display_name)
        if display_counts[key] == 1:
            table[key] = info.name
    table.update({_normalise(alias): target for alias, target in ALIASES.items()})
    table.update({_normalise(name): name for name in _catalogue()})  # real names win
    return table


def get_indicator(name: str) -> IndicatorInfo:
    """Resolve a name, alias ("BB", "Bollinger Bands") or display name, case-insensitively."""
    key = _normalise(str(name))
    target = _lookup_table().get(key) or _lookup_table().get(key.replace(" ", ""))
    if target is None:
        candidates = list(_lookup_table())
        matches = difflib.get_close_matches(key, candidates, n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(_lookup_table()[m] for m in matches))
        raise UnknownIndicatorError(str(name), suggestions)
    return _catalogue()[target]


def list_indicators(
    featured: bool | None = None, group: str | None = None, search: str | None = None
) -> list[IndicatorInfo]:
    """Filter the catalogue; featured indicators come first, then the rest alphabetically."""
    needle = search.lower().strip() if search else None
    result = []
    for info in _catalogue().values():
        if featured is not None and info.featured != featured:
            continue
        if group is not None and info.group.lower() != group.lower().strip():
            continue
        haystack = f"{info.name} {info.display_name} {info.description}".lower()
        if needle and needle not in haystack:
            continue
        result.append(info)
    return result


def list_groups() -> list[str]:
    """Indicator groups present in the catalogue, alphabetically."""
    return sorted({info.group for info in _catalogue().values()})
