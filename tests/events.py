"""The job events a backtest run reports: real stages from the sandbox, in order."""

from __future__ import annotations

HEAD = ["queued", "started", "executing", "data_loaded", "indicators_computed"]
TAIL = ["stats_computed", "execution_finished", "succeeded"]


def assert_run_events(kinds: list[str]) -> None:
    """Queued -> started -> the sandbox's stages (simulating as often as the run is long)."""
    assert kinds[: len(HEAD)] == HEAD, kinds
    assert kinds[-len(TAIL) :] == TAIL, kinds
    assert set(kinds[len(HEAD) : -len(TAIL)]) <= {"simulating"}, kinds
