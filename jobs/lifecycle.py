"""A job's life once it exists: its events, its outcome, and failing jobs whose worker died.

The runner and the notifier need these and nothing else of ``jobs.services`` (which submits
jobs and enqueues their tasks, whose module imports the runner): keeping them apart keeps the
imports one-way.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from algoagent.errors import ApiError
from jobs import notify
from jobs.models import Job, JobEvent, JobStatus
from jobs.writes import retry_locked


class JobFailure(ApiError):
    """Raised by job handlers for an expected failure with a stable code and HTTP status.

    ``http_status`` says what a client waiting on the job (``Prefer: wait``) receives: 422 when
    the request itself was unusable, 404 when what it names is gone, 500 for our own faults.
    Domain errors (``Backtest.errors``) need no wrapping: the runner maps them like the API does.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        http_status: int = 422,
    ) -> None:
        super().__init__(message, code=code, details=details, status_code=http_status)


class JobCancelled(BaseException):
    """Raised inside a handler when the job's owner asked to cancel it.

    A ``BaseException`` (like ``asyncio.CancelledError``) so that domain code which guards its
    callbacks with ``except Exception`` (the fixer does) cannot swallow the cancellation.
    """


def runs_inline() -> bool:
    """True when the configured task backend runs tasks inside the enqueuing process."""
    return "ImmediateBackend" in settings.TASKS["default"]["BACKEND"]


def job_event_add(
    *,
    job: Job,
    kind: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    progress: int | None = None,
) -> JobEvent:
    """Append an event (and optionally advance progress); also refreshes the heartbeat.

    Retried when SQLite is transiently locked (see ``jobs.writes``).
    """
    return retry_locked(
        lambda: _job_event_add(job=job, kind=kind, message=message, data=data, progress=progress),
        what="job event",
    )


def _job_event_add(
    *, job: Job, kind: str, message: str, data: dict[str, Any] | None, progress: int | None
) -> JobEvent:
    with transaction.atomic():
        locked = Job.objects.select_for_update().only("id", "last_seq", "progress").get(pk=job.pk)
        seq = locked.last_seq + 1
        updates: dict[str, Any] = {"last_seq": seq, "heartbeat_at": timezone.now()}
        if progress is not None:
            progress = max(0, min(100, int(progress)))
            updates["progress"] = max(progress, locked.progress)
        Job.objects.filter(pk=job.pk).update(**updates)
        event = JobEvent.objects.create(
            job_id=job.pk,
            seq=seq,
            kind=kind,
            message=message[:500],
            data=data or {},
            progress=updates.get("progress"),
        )
        job_id = job.pk
        transaction.on_commit(lambda: notify.job_changed(job_id))
    job.last_seq = seq
    if "progress" in updates:
        job.progress = updates["progress"]
    return event


def job_finish(
    *,
    job: Job,
    status: str,
    message: str,
    error: dict | None = None,
    result: dict | None = None,
    result_status: int | None = None,
) -> None:
    """Record the outcome and its final event in one transaction.

    Readers (the SSE stream) that see a finished job therefore also see its last event.
    Retried as a whole when SQLite is transiently locked, so a job never stays "running"
    because its final write met a busy database.
    """
    retry_locked(
        lambda: _job_finish(
            job=job,
            status=status,
            message=message,
            error=error,
            result=result,
            result_status=result_status,
        ),
        what=f"outcome of job {job.pk}",
    )


def _job_finish(
    *,
    job: Job,
    status: str,
    message: str,
    error: dict | None,
    result: dict | None,
    result_status: int | None,
) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=status,
            error=error,
            result=result,
            result_status=result_status,
            finished_at=timezone.now(),
            progress=100 if status == JobStatus.SUCCEEDED else F("progress"),
        )
        job_event_add(
            job=job,
            kind=str(status),
            message=message,
            data=error or {},
            progress=100 if status == JobStatus.SUCCEEDED else None,
        )


def job_mark_stale_failed(*, now=None) -> int:
    """Fail running jobs whose worker stopped heartbeating (killed, machine restarted).

    Returns how many jobs were failed. Called when jobs are read and by ``reap_stale_jobs``.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    stale = list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", "worker"
        )
    )
    count = 0
    for pk, worker in stale:
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=pk)
            if job.status != JobStatus.RUNNING or (job.heartbeat_at and job.heartbeat_at >= cutoff):
                continue
            message = (
                f"The worker running this job ({worker or 'unknown'}) stopped responding "
                f"for more than {settings.JOB_STALE_SECONDS} s (killed or restarted). "
                "The job did not finish; submit it again."
            )
            error: dict[str, Any] = {
                "code": "worker_lost",
                "message": message,
                "details": {
                    "worker": worker,
                    "last_heartbeat": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
                },
            }
            job_finish(
                job=job,
                status=JobStatus.FAILED,
                message=message,
                error=error,
                result_status=500,
            )
            count += 1
    return count
