"""Periodic work run by the workers (django.tasks has no scheduler).

Apps register a function and its period; every ``db_worker`` runs a thread that offers to run
each one when due. ``cache.add`` on the shared cache elects one worker per period, so several
workers (on several machines) still run it once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import close_old_connections

logger = logging.getLogger("algoagent.jobs")


@dataclass(frozen=True)
class Periodic:
    name: str
    every_s: int
    func: Callable[[], object]


_REGISTRY: dict[str, Periodic] = {}


def register(name: str, *, every_s: int) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        _REGISTRY[name] = Periodic(name=name, every_s=every_s, func=func)
        return func

    return decorator


def run_due() -> list[str]:
    """Run every registered function this process wins the turn for; returns their names."""
    ran = []
    for periodic in list(_REGISTRY.values()):
        if not cache.add(f"periodic:{periodic.name}", 1, timeout=periodic.every_s):
            continue  # another worker (or this one) ran it within the period
        try:
            periodic.func()
            ran.append(periodic.name)
        except Exception:
            logger.exception("Periodic task %s failed", periodic.name)
    return ran


class PeriodicThread(threading.Thread):
    """Checks for due periodic work every ``check_s`` seconds until stopped."""

    def __init__(self, check_s: float = 60.0) -> None:
        super().__init__(daemon=True, name="periodic")
        self.check_s = check_s
        self.stop = threading.Event()

    def run(self) -> None:
        while True:
            try:
                run_due()
            except Exception:  # e.g. the cache table is missing: log, keep the worker alive
                logger.exception("Periodic scheduler failed")
            finally:
                close_old_connections()
            if self.stop.wait(self.check_s):
                return
