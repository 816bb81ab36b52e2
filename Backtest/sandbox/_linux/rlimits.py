"""Applying a run's budget with setrlimit, in the strategy process, while still root.

Hard limits equal soft limits (except CPU, where the hard limit is one second later so the kernel
follows SIGXCPU with SIGKILL), and they are set before the uid drop, so the unprivileged strategy
can never raise them again.
"""

from __future__ import annotations

import resource

from Backtest.sandbox._wire.limits import MIB, Limits


def apply(limits: Limits, *, cpu_offset: int = 0) -> dict[str, int]:
    """Set the rlimits on the calling process; return what was set (for diagnostics).

    ``cpu_offset`` is CPU time the process already used on trusted work (pre-warming), which
    RLIMIT_CPU would otherwise count against the strategy.
    """
    cpu = limits.effective_cpu_seconds + cpu_offset
    table = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),
        resource.RLIMIT_AS: (limits.memory_mb * MIB,) * 2,
        resource.RLIMIT_FSIZE: (limits.max_file_mb * MIB,) * 2,
        resource.RLIMIT_NOFILE: (limits.max_open_files,) * 2,
        resource.RLIMIT_NPROC: (limits.max_processes,) * 2,
        resource.RLIMIT_CORE: (0, 0),
        resource.RLIMIT_MEMLOCK: (0, 0),
        resource.RLIMIT_MSGQUEUE: (0, 0),
    }
    applied: dict[str, int] = {}
    for which, (soft, hard) in table.items():
        resource.setrlimit(which, (soft, hard))
        applied[str(which)] = soft
    return applied
