"""Job lifecycle: submit (atomically with its task), events, cancel, stale-worker detection."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from algoagent.errors import ApiError
from algoagent.schemas import ApiModel
from jobs.models import FINISHED_STATUSES, Job, JobEvent, JobStatus


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
    """Append an event (and optionally advance progress); also refreshes the heartbeat."""
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
    job.last_seq = seq
    if "progress" in updates:
        job.progress = updates["progress"]
    return event


def job_submit(
    *,
    owner: AbstractBaseUser,
    kind: str,
    input: dict[str, Any] | ApiModel,
    strategy=None,
) -> Job:
    """Create a job and enqueue its task so that neither exists without the other.

    With the database task backend the job row and the task row are written in one transaction:
    a crash can lose both (the request failed) but never leave a job no worker will pick up.
    """
    from jobs.tasks import run_job  # the task module imports the runner, which imports us

    if isinstance(input, ApiModel):  # a typed payload (``<app>/payloads.py``)
        input = input.to_json()
    with transaction.atomic():
        job = Job.objects.create(owner=owner, kind=kind, input=input, strategy=strategy)
        job_event_add(job=job, kind="queued", message=f"{kind} job queued", progress=0)
        if not runs_inline():
            result = run_job.enqueue(str(job.pk))
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    if runs_inline():
        run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def job_cancel(*, job: Job) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next checkpoint."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status == JobStatus.QUEUED:
            job_finish(
                job=locked, status=JobStatus.CANCELLED, message="Cancelled before it started"
            )
        elif locked.status == JobStatus.RUNNING and not locked.cancel_requested:
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            job_event_add(job=locked, kind="cancel_requested", message="Cancellation requested")
    job.refresh_from_db()
    return job


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
    """
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
            error = {
                "code": "worker_lost",
                "message": (
                    f"The worker running this job ({worker or 'unknown'}) stopped responding "
                    f"for more than {settings.JOB_STALE_SECONDS} s (killed or restarted). "
                    "The job did not finish; submit it again."
                ),
                "details": {"worker": worker, "last_heartbeat": job.heartbeat_at.isoformat()},
            }
            job_finish(
                job=job,
                status=JobStatus.FAILED,
                message=error["message"],
                error=error,
                result_status=500,
            )
            count += 1
    return count


def job_wait(*, job: Job, timeout_s: float, poll_s: float = 0.1) -> Job:
    """Poll until the job finishes or ``timeout_s`` passes; returns the refreshed job."""
    deadline = time.monotonic() + timeout_s
    while True:
        job.refresh_from_db()
        if job.status in FINISHED_STATUSES or time.monotonic() >= deadline:
            return job
        job_mark_stale_failed()
        time.sleep(min(poll_s, max(0.0, deadline - time.monotonic())))
