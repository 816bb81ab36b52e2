"""Job lifecycle: submit (atomically with its task), events, cancel, stale-worker detection."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.tasks.base import TASK_MAX_PRIORITY, TASK_MIN_PRIORITY
from django.utils import timezone

from algoagent.errors import ApiError
from algoagent.schemas import ApiModel
from jobs import notify
from jobs.models import ACTIVE_STATUSES, FINISHED_STATUSES, Job, JobEvent, JobStatus
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


class TooManyJobs(ApiError):
    """429: the user already has ``JOB_MAX_ACTIVE_PER_USER`` jobs queued or running.

    ``details.retry_after_s`` makes the one exception handler add ``Retry-After``.
    """

    status_code = 429
    default_code = "too_many_jobs"

    def __init__(self, *, limit: int, active: int, retry_after: int) -> None:
        super().__init__(
            f"You already have {active} jobs queued or running; the limit is {limit}. "
            "Wait for one to finish or cancel one.",
            details={"limit": limit, "active": active, "retry_after_s": retry_after},
        )


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


def _retry_after_hint(owner: AbstractBaseUser) -> int:
    """Seconds until a slot is likely free: the median length of the user's recent jobs."""
    recent = Job.objects.filter(
        owner=owner, finished_at__isnull=False, started_at__isnull=False
    ).order_by("-finished_at")[:20]
    lengths = sorted((j.finished_at - j.started_at).total_seconds() for j in recent)
    if not lengths:
        return 5
    return max(1, min(60, round(lengths[len(lengths) // 2])))


def job_fair_priority(*, backlog: int) -> int:
    """Task priority for a user's next job, given how many of theirs are queued or running.

    django-tasks-db claims the highest priority first, then the oldest. Each user's k-th
    outstanding job gets ``MAX - k``, so the queue is served round-robin by user: a user with
    one job (k = 0) is claimed before the second job of someone who queued thirty, and waits
    at most for the jobs already running.
    """
    return max(TASK_MIN_PRIORITY, TASK_MAX_PRIORITY - backlog)


def job_submit(
    *,
    owner: AbstractBaseUser,
    kind: str,
    input: dict[str, Any] | ApiModel,
    strategy=None,
    enforce_cap: bool = True,
) -> Job:
    """Create a job and enqueue its task so that neither exists without the other.

    With the database task backend the job row and the task row are written in one transaction:
    a crash can lose both (the request failed) but never leave a job no worker will pick up.
    The per-user cap is counted in the same transaction, after locking the owner's row
    (PostgreSQL) or taking SQLite's write lock (IMMEDIATE transactions), so two concurrent
    submits at the cap cannot both pass. ``enforce_cap=False`` is for staff actions.
    """
    from jobs.tasks import run_job  # the task module imports the runner, which imports us

    if isinstance(input, ApiModel):  # a typed payload (``<app>/payloads.py``)
        input = input.to_json()
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk"))
        active = job_active_count(owner=owner)
        limit = settings.JOB_MAX_ACTIVE_PER_USER
        if enforce_cap and active >= limit:
            raise TooManyJobs(limit=limit, active=active, retry_after=_retry_after_hint(owner))
        job = Job.objects.create(owner=owner, kind=kind, input=input, strategy=strategy)
        job_event_add(job=job, kind="queued", message=f"{kind} job queued", progress=0)
        if not runs_inline():
            task = run_job.using(priority=job_fair_priority(backlog=active))
            result = task.enqueue(str(job.pk))
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
            transaction.on_commit(notify.task_enqueued)
    if runs_inline():
        run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def job_active_count(*, owner: AbstractBaseUser) -> int:
    """How many of the user's jobs are queued or running (what the cap counts)."""
    return Job.objects.filter(owner=owner, status__in=ACTIVE_STATUSES).count()


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


def job_wait(*, job: Job, timeout_s: float) -> Job:
    """Wait until the job finishes or ``timeout_s`` passes; returns the refreshed job.

    Sleeps on the process's notifier (woken by the worker's datagram, or by the shared poller
    within ``JOB_NOTIFY_POLL_SECONDS``) instead of polling the database.
    """
    deadline = time.monotonic() + timeout_s
    job.refresh_from_db()
    if job.status in FINISHED_STATUSES or timeout_s <= 0:
        return job
    woken = threading.Event()
    with notify.watching_job(job.pk, woken.set):
        while True:
            job.refresh_from_db()
            remaining = deadline - time.monotonic()
            if job.status in FINISHED_STATUSES or remaining <= 0:
                return job
            woken.wait(remaining)
            woken.clear()
