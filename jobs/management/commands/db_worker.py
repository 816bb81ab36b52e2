"""``manage.py db_worker``: django-tasks-db's worker, plus a liveness heartbeat and a startup reap.

This app is listed before ``django_tasks_db`` in INSTALLED_APPS, so this command replaces the
package's while keeping every option. Added behaviour:
- at start, jobs whose worker died are failed (``worker_lost``), so nothing stays "running";
- a thread refreshes a ``WorkerHeartbeat`` row, which ``/api/health/`` reads to report workers.
"""

from __future__ import annotations

import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as TasksDbWorkerCommand

from jobs.models import WorkerHeartbeat
from jobs.services import job_mark_stale_failed


class _Beat(threading.Thread):
    def __init__(self, worker_id: str) -> None:
        super().__init__(daemon=True, name="worker-heartbeat")
        self.worker_id = worker_id
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while True:
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=self.worker_id,
                    defaults={
                        "hostname": socket.gethostname(),
                        "pid": os.getpid(),
                        "last_seen": timezone.now(),
                    },
                )
                if self.stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                    break
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        finally:
            connection.close()


class Command(TasksDbWorkerCommand):
    help = "Run a database background worker (with heartbeat and stale-job recovery)"

    def handle(self, *args, **options):
        reload = options.get("reload")
        runs_tasks = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        beat = None
        if runs_tasks:
            failed = job_mark_stale_failed()
            if failed:
                self.stderr.write(f"Marked {failed} job(s) of dead workers as failed.")
            beat = _Beat(options["worker_id"])
            beat.start()
        try:
            return super().handle(*args, **options)
        finally:
            if beat is not None:
                beat.stop.set()
                beat.join(timeout=5)
