"""Runs one job: claims it, dispatches to its kind's handler, records the outcome.

Handlers are plain functions ``handler(job, ctx) -> (result_dict, http_status)`` registered per
kind by the apps that own the work (``strategy_api`` registers generate/execute/fix_errors).
They report progress through ``ctx.event(...)`` and call ``ctx.check_cancelled()`` at safe points.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.utils import timezone

from algoagent.errors import django_validation_fields, domain_error_body, domain_error_status
from Backtest.errors import AlgoAgentError
from jobs import lifecycle
from jobs.models import Job, JobStatus
from jobs.writes import retry_locked

logger = logging.getLogger("algoagent.jobs")

Handler = Callable[[Job, "JobContext"], tuple[dict[str, Any], int]]
_HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    """Decorator registering the handler of one job kind."""

    def decorator(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return decorator


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


class JobContext:
    """What a handler may do with its job: report events/progress, honour cancellation."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def event(
        self,
        kind: str,
        message: str = "",
        *,
        data: dict[str, Any] | None = None,
        progress: int | None = None,
    ) -> None:
        """Record progress. Every event is also a cancellation checkpoint."""
        self.check_cancelled()
        lifecycle.job_event_add(
            job=self.job, kind=kind, message=message, data=data, progress=progress
        )

    def check_cancelled(self) -> None:
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise lifecycle.JobCancelled()


class _Heartbeat(threading.Thread):
    """Refreshes ``heartbeat_at`` while a handler runs, so a dead worker is detectable."""

    def __init__(self, job_id) -> None:
        super().__init__(daemon=True, name=f"job-heartbeat-{job_id}")
        self.job_id = job_id
        self.stop_event = threading.Event()

    def beat(self) -> None:
        retry_locked(
            lambda: Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                heartbeat_at=timezone.now()
            ),
            what=f"heartbeat of job {self.job_id}",
        )

    def run(self) -> None:
        try:
            while not self.stop_event.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # one failed beat must not end the next ones, nor the job
                    logger.exception("Heartbeat for job %s failed", self.job_id)
        finally:
            connection.close()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_error(exc: AlgoAgentError | DjangoValidationError) -> tuple[dict[str, Any], int]:
    """The stored error of a job and the status a waiting client gets: the API's own mapping."""
    if isinstance(exc, DjangoValidationError):
        message = "Invalid input."
        return {
            "code": "validation_error",
            "message": message,
            "details": {"fields": django_validation_fields(exc)},
        }, 400
    body, _ = domain_error_body(exc)
    return body, domain_error_status(exc)


def run(job_id: str) -> None:
    """Run the job if it is still queued; every outcome is written to the job."""
    now = timezone.now()
    claimed = retry_locked(
        lambda: Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=_worker_name()
        ),
        what=f"claim of job {job_id}",
    )
    if not claimed:
        logger.info("Job %s is no longer queued (cancelled or already run); skipping", job_id)
        return
    job = Job.objects.get(pk=job_id)
    ctx = JobContext(job)
    heartbeat = None if lifecycle.runs_inline() else _Heartbeat(job.pk)
    if heartbeat:
        heartbeat.start()
    try:
        ctx.event("started", f"Started on {job.worker}")
        handler = _HANDLERS.get(job.kind)
        if handler is None:
            raise lifecycle.JobFailure(
                "unknown_job_kind", f"No handler for job kind {job.kind!r}", http_status=500
            )
        result, http_status = handler(job, ctx)
    except lifecycle.JobCancelled:
        lifecycle.job_finish(job=job, status=JobStatus.CANCELLED, message="Cancelled by its owner")
    except (AlgoAgentError, DjangoValidationError) as exc:
        error, http_status = job_error(exc)
        lifecycle.job_finish(
            job=job,
            status=JobStatus.FAILED,
            message=error["message"],
            error=error,
            result_status=http_status,
        )
    except Exception as exc:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        error = {
            "code": "server_error",
            "message": "The job failed with an unexpected error. It has been logged.",
            "details": {"exception": type(exc).__name__},
        }
        lifecycle.job_finish(
            job=job,
            status=JobStatus.FAILED,
            message=error["message"],
            error=error,
            result_status=500,
        )
    else:
        lifecycle.job_finish(
            job=job,
            status=JobStatus.SUCCEEDED,
            message="Finished",
            result=result,
            result_status=http_status,
        )
    finally:
        if heartbeat:
            heartbeat.stop_event.set()
            heartbeat.join(timeout=5)
