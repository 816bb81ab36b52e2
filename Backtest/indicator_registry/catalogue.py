"""The TA-Lib catalogue, introspected through ``talib.abstract`` into registry entries."""

from __future__ import annotations

from typing import Any

import numpy as np
import talib
from talib import abstract as _abstract

from Backtest.indicator_registry.featured import MA_TYPE_HELP, MA_TYPE_MAX
from Backtest.indicator_registry.model import IndicatorInfo, IndicatorParam

abstract: Any = _abstract  # untyped C extension

# TA-Lib names its price inputs in lower case; backtesting.py capitalises its OHLCV columns.
_PRICE_FIELDS = {"open": "Open", "high": "High", "low": "Low", "close": "Close", "volume": "Volume"}
_PERIOD_MAX = 100_000  # TA-Lib's own upper bound for look-back periods

_FLOAT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "acceleration": (0.0, 1.0),
    "accelerationinitlong": (0.0, 1.0),
    "accelerationinitshort": (0.0, 1.0),
    "accelerationlong": (0.0, 1.0),
    "accelerationshort": (0.0, 1.0),
    "accelerationmaxlong": (0.0, 1.0),
    "accelerationmaxshort": (0.0, 1.0),
    "maximum": (0.0, 1.0),
    "fastlimit": (0.01, 0.99),
    "slowlimit": (0.01, 0.99),
    "multiplier": (0.1, 20.0),
    "nbdev": (0.0, 10.0),
    "nbdevup": (0.0, 10.0),
    "nbdevdn": (0.0, 10.0),
    "offsetonreverse": (0.0, 1.0),
    "penetration": (0.0, 1.0),
    "percentile": (0.0, 100.0),
    "vfactor": (0.0, 1.0),
    "startvalue": (None, None),
}

_FLAG_NOTES = {
    "Output scale same as input": "Plots on the price scale.",
    "Function has an unstable period": "Early values depend on where the data start.",
    "Output is a candlestick": "Returns +100/-100 on bullish/bearish pattern bars and 0 elsewhere.",
}


def _probe_inputs(n_inputs: int) -> list[np.ndarray]:
    """Deterministic synthetic OHLCV-like arrays, enough to make TA-Lib check parameters."""
    base = 100 + np.sin(np.arange(300) / 7.0) * 5
    return [base + i * 0.1 for i in range(n_inputs)]


def _int_bounds(name: str, param: str, n_inputs: int) -> tuple[int, int]:
    """Find an int parameter's accepted range by asking TA-Lib itself (fast, version-proof)."""
    if param.endswith("matype"):
        return 0, MA_TYPE_MAX
    func = getattr(talib, name)
    inputs = _probe_inputs(n_inputs)

    def accepted(value: int) -> bool:
        try:
            func(*inputs, **{param: value})
        except Exception:  # TA-Lib reports bad parameters with a bare Exception
            return False
        return True

    low = next((v for v in (1, 2, 3, 4, 5) if accepted(v)), 1)
    high = next((v for v in (_PERIOD_MAX, 10_000, 1_000, 500) if accepted(v)), _PERIOD_MAX)
    return low, high


def _param_help(name: str, index: int) -> str:
    try:
        help_text = abstract._ta_lib._ta_getOptInputParameterInfo(name.encode(), index)["help"]
    except Exception:  # private TA-Lib API; fall back to a generic description
        help_text = ""
    return help_text or "TA-Lib parameter"


def introspect(name: str) -> IndicatorInfo | None:
    """Build an IndicatorInfo from TA-Lib's metadata; None for functions needing non-price input."""
    info = abstract.Function(name).info
    inputs: list[str] = []
    for value in info["input_names"].values():
        for price in [value] if isinstance(value, str) else value:
            if price not in _PRICE_FIELDS:
                return None  # e.g. MAVP's per-bar "periods" array: not expressible from OHLCV
            inputs.append(_PRICE_FIELDS[price])
    params = []
    for index, (param, default) in enumerate(info["parameters"].items()):
        help_text = _param_help(name, index)
        if isinstance(default, float):
            low, high = _FLOAT_RANGES.get(param, (None, None))
            params.append(IndicatorParam(param, "float", float(default), low, high, help_text))
        else:
            low, high = _int_bounds(name, param, len(inputs))
            if param.endswith("matype"):
                help_text = f"{help_text} ({MA_TYPE_HELP})"
            params.append(IndicatorParam(param, "int", int(default), low, high, help_text))
    notes = " ".join(_FLAG_NOTES[f] for f in info["function_flags"] if f in _FLAG_NOTES)
    description = f"{info['display_name']} ({info['group']}) computed from {', '.join(inputs)}."
    args = ", ".join(
        [f"self.data.{field}" for field in inputs] + [f"{p.name}={p.default!r}" for p in params]
    )
    return IndicatorInfo(
        name=name,
        display_name=info["display_name"],
        description=f"{description} {notes}".strip(),
        group=info["group"],
        inputs=tuple(inputs),
        parameters=tuple(params),
        outputs=tuple(info["output_names"]),
        example=f"self.{name.lower()} = self.I({name}, {args})",
        featured=False,
    )
