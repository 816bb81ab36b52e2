"""Compatibility import path for the sandbox's entry point (``Backtest.sandbox.BotExecutor``)."""

from __future__ import annotations

from Backtest.sandbox import BotExecutor, ExecutionResult, available_layers

__all__ = ["BotExecutor", "ExecutionResult", "available_layers"]
