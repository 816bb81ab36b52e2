"""Writes and workflows of the strategy app, one module per concern, re-exported here."""

from strategy_api.services.generation import generator_capabilities
from strategy_api.services.strategies import (
    strategy_create,
    strategy_delete,
    strategy_review,
    strategy_update,
    strategy_version_create,
    strategy_version_restore,
    strategy_version_set_current,
)

__all__ = [
    "generator_capabilities",
    "strategy_create",
    "strategy_delete",
    "strategy_review",
    "strategy_update",
    "strategy_version_create",
    "strategy_version_restore",
    "strategy_version_set_current",
]
