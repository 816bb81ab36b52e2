"""Compatibility import path: ``from Backtest.sandbox import available_layers`` is the public one.

Kept so callers written against the old layout keep working; remove once none import it.
"""

from __future__ import annotations

from Backtest.sandbox._host.probe import available_layers
from Backtest.sandbox._wire.layers import ALL_LAYERS

__all__ = ["ALL_LAYERS", "available_layers"]
