"""``manage.py db_worker``: django-tasks-db's worker, woken at once by new tasks.

This app is listed before ``django_tasks_db`` in INSTALLED_APPS, so this command replaces the
package's while keeping every option. Added behaviour:
- at start, jobs whose worker died are failed (``worker_lost``), so nothing stays "running";
- a thread refreshes a ``WorkerHeartbeat`` row, which ``/api/health/`` reads to report workers;
- a thread runs the apps' periodic work (``jobs.periodic``: the run-file retention);
- when idle the worker sleeps on the job notifier (a datagram from the submitting process wakes
  it within a millisecond) and checks the queue anyway with a backoff from 50 ms up to
  ``--interval``, so a lost wake-up or a submitter on another host costs at most that.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as TasksDbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jobs import notify
from jobs.models import WorkerHeartbeat
from jobs.periodic import PeriodicThread
from jobs.services import job_mark_stale_failed
from jobs.writes import retry_locked

logger = logging.getLogger("django_tasks_db")
MIN_IDLE_SECONDS = 0.05


class _Beat(threading.Thread):
    def __init__(self, worker_id: str) -> None:
        super().__init__(daemon=True, name="worker-heartbeat")
        self.worker_id = worker_id
        self.stop = threading.Event()

    def _beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname(),
                "pid": os.getpid(),
                "last_seen": timezone.now(),
            },
        )

    def run(self) -> None:
        try:
            while True:
                retry_locked(self._beat, what="worker heartbeat")
                if self.stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                    break
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # the worker keeps running jobs; health reports it missing
            logger.exception("Worker heartbeat stopped")
        finally:
            connection.close()


class WakingWorker(Worker):
    """The package's worker with its fixed sleep replaced by a wake-up plus backoff."""

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result, True
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None, False
                raise

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        wake = notify.task_waiter()
        idle = MIN_IDLE_SECONDS
        while self.running:
            close_old_connections()
            wake.clear()  # before the query: a task committed after it will set it again
            task_result, retrieved = self._claim()
            if task_result is not None:
                self.run_task(task_result)
                idle = MIN_IDLE_SECONDS
            elif self.batch and retrieved:
                logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran maximum tasks (%d) on worker=%s", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and task_result is None:
                wake.wait(idle)
                idle = min(idle * 2, max(self.interval, MIN_IDLE_SECONDS))


class Command(TasksDbWorkerCommand):
    help = "Run a database background worker (wake-ups, heartbeat, stale-job recovery)"

    def handle(self, *args, **options):
        reload = options["reload"] and not options["batch"]
        runs_tasks = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        threads: list[_Beat | PeriodicThread] = []
        if runs_tasks:
            failed = job_mark_stale_failed()
            if failed:
                self.stderr.write(f"Marked {failed} job(s) of dead workers as failed.")
            threads = [_Beat(options["worker_id"]), PeriodicThread()]
            for thread in threads:
                thread.start()
        try:
            self._run({**options, "reload": reload})
        finally:
            for thread in threads:
                thread.stop.set()
            for thread in threads:
                thread.join(timeout=5)

    def _run(self, options: dict) -> None:
        reload = options["reload"]
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = WakingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
