"""Job handlers used by the real-worker tests; imported by the worker processes they start."""

from __future__ import annotations

import os
import time

from jobs import runner


@runner.register("t_sleep")
def sleep_job(job, ctx):
    seconds = float(job.input.get("seconds", 0.1))
    steps = max(1, round(seconds / 0.1))
    for i in range(steps):
        ctx.check_cancelled()
        time.sleep(seconds / steps)
        ctx.event("tick", progress=int(100 * (i + 1) / steps))
    return {"pid": os.getpid()}, 200
