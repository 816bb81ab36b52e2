"""Work a job leaves behind after its answer: done in this process, after the job completed.

A job's handler submits a follow-up (today: drawing the plot of a run it already stored) so the
client gets its answer without waiting for it. In a worker the follow-ups run one at a time on
one background thread, in submission order, once the job's transaction commits; under the
immediate task backend (tests, a process without a worker) they run inline, so the behaviour
is the same, only sooner. A follow-up that dies with its process leaves its row as it was: the
follow-up's owner must be able to recover from that (see ``RUN_PLOT_STALE_SECONDS``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger("algoagent.jobs")

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pending: set[Future[None]] = set()


def _inline() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend")


def _guarded(name: str, func: Callable[[], object], *, own_thread: bool) -> None:
    if own_thread:
        close_old_connections()
    try:
        func()
    except Exception:  # a follow-up must never take its thread (or an inline caller) down
        logger.exception("Follow-up %s failed", name)
    finally:
        if own_thread:
            connection.close()


def followup_submit(name: str, func: Callable[[], object]) -> None:
    """Run ``func`` after the job: inline now under the immediate task backend (same thread,
    same connection: it sees the rows the job wrote), otherwise on this process's follow-up
    thread once the current transaction commits. Its exceptions are logged."""
    if _inline():
        _guarded(name, func, own_thread=False)
    else:
        transaction.on_commit(lambda: _start(name, func))


def _start(name: str, func: Callable[[], object]) -> None:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="followup")
        future = _pool.submit(_guarded, name, func, own_thread=True)
        _pending.add(future)
    future.add_done_callback(_pending.discard)


def followups_wait(timeout: float | None = None) -> bool:
    """Wait for the follow-ups submitted so far (True when none is left): shutdown, tests."""
    with _lock:
        pending = list(_pending)
    for future in pending:
        try:
            future.result(timeout)
        except Exception:
            return False
    return True
