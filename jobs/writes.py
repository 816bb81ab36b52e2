"""Job bookkeeping writes that survive a transiently locked SQLite database.

SQLite answers "database is locked" when another connection held the write lock for longer
than the busy timeout (a long migration, a backup, a burst of writers). For a heartbeat or a
job's final status that must not be fatal: the write is retried with backoff. Only at the
outermost level: inside a transaction the failed statement has already spoiled it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import connection
from django.db.utils import OperationalError
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("algoagent.jobs")

RETRY_ATTEMPTS = 10
FIRST_DELAY_SECONDS = 0.05
MAX_DELAY_SECONDS = 2.0
_sleep = time.sleep  # tests observe the retries through it


def retry_locked[T](func: Callable[[], T], *, what: str) -> T:
    """Call ``func``; on "database is locked" wait (50 ms doubling to 2 s) and call it again."""
    delay = FIRST_DELAY_SECONDS
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            return func()
        except OperationalError as exc:
            retryable = is_locked_database_exception(exc) and not connection.in_atomic_block
            if not retryable or attempt == RETRY_ATTEMPTS:
                raise
            logger.warning("%s: database is locked (attempt %d); retrying", what, attempt)
            _sleep(delay)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
    raise AssertionError("unreachable")
