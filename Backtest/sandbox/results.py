"""Compatibility import path: ``from Backtest.sandbox import ExecutionResult`` is the public one.

Kept so callers written against the old layout keep working; remove once none import it.
"""

from __future__ import annotations

from Backtest.sandbox._host.results import BatchResult, BatchRun, ExecutionResult

__all__ = ["BatchResult", "BatchRun", "ExecutionResult"]
