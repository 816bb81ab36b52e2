"""The sandbox: the only place untrusted strategy code ever runs.

Public names (everything else is private, by role):

* ``BotExecutor`` - runs a strategy's backtest in the sandbox (``execute_bot``), the one entry
  point every route uses; ``ExecutionResult`` is what it returns. ``execute_batch`` runs many
  parameter sets of one strategy in one process and returns a ``BatchResult``.
* ``ALL_LAYERS`` / ``available_layers()`` - the isolation layers, and which ones this machine
  enforces (for a health check).
* ``Limits`` - a run's resource budget.

Roles, one private package each (imports only ever point down this list, never back up):

* ``_host`` - the caller's process: the executor, the client that starts and talks to the
  server, result validation, run directories.
* ``_server`` - the broker: receives requests, hands jobs to strategy processes, enforces
  deadlines and output caps, answers; never forks a strategy process itself.
* ``_zygote`` - the clean template: forked before the first request, it forks every strategy
  process and never sees a job or a result.
* ``_child`` - the strategy process: lockdown, audit hook, the runner.
* ``_linux`` - the OS mechanisms (native helper, mounts, Landlock, seccomp, rlimits, probe).
* ``_wire`` - what travels between them (framing, jobs, limits, layer names, data files,
  result serialisation).

The README section "The sandbox" explains the process model.
"""

from __future__ import annotations

from Backtest.sandbox._host.executor import BotExecutor
from Backtest.sandbox._host.probe import available_layers
from Backtest.sandbox._host.results import BatchResult, BatchRun, ExecutionResult
from Backtest.sandbox._wire.layers import ALL_LAYERS
from Backtest.sandbox._wire.limits import Limits

__all__ = [
    "ALL_LAYERS",
    "BatchResult",
    "BatchRun",
    "BotExecutor",
    "ExecutionResult",
    "Limits",
    "available_layers",
]
