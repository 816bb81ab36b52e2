"""Typed job payloads of the backtest app (what a ``Job.input`` of each kind holds)."""

from __future__ import annotations

from algoagent.schemas import ApiModel


class BacktestJobInput(ApiModel):
    """``backtest``: execute the stored run (its row holds the source and the settings)."""

    run_id: int
