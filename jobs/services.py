"""Jobs: submit (atomically with their task, within the per-user cap, fairly ordered), cancel, wait.

A job's events and outcome live in ``jobs.lifecycle`` (re-exported here for callers).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.tasks.base import TASK_MAX_PRIORITY, TASK_MIN_PRIORITY

from algoagent.errors import ApiError
from algoagent.schemas import ApiModel
from jobs import notify
from jobs.lifecycle import (  # noqa: F401 - the public names of a job's lifecycle
    JobCancelled,
    JobFailure,
    job_event_add,
    job_finish,
    job_mark_stale_failed,
    runs_inline,
)
from jobs.models import ACTIVE_STATUSES, FINISHED_STATUSES, Job, JobStatus


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


def _retry_after_hint(owner: User) -> int:
    """Seconds until a slot is likely free: the median length of the user's recent jobs."""
    recent = Job.objects.filter(
        owner=owner, finished_at__isnull=False, started_at__isnull=False
    ).order_by("-finished_at")[:20]
    lengths = sorted(
        (j.finished_at - j.started_at).total_seconds()
        for j in recent
        if j.finished_at is not None and j.started_at is not None
    )
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
    owner: User,
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


def job_active_count(*, owner: User) -> int:
    """How many of the user's jobs are queued or running (what the cap counts)."""
    return Job.objects.filter(owner=owner, status__in=ACTIVE_STATUSES).count()


class AlreadyFinished(ApiError):
    """409: a cancel of something that already finished (succeeded, failed or cancelled).

    One refusal for every cancel endpoint, naming what finished and its status; nothing changed.
    """

    status_code = 409

    def __init__(self, *, what: str, status: str, code: str, details: dict[str, Any]) -> None:
        super().__init__(
            f"{what} already finished ({status}); nothing to cancel.",
            code=code,
            details={**details, "status": status},
        )


def job_cancel(*, job: Job) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next checkpoint.

    A job that already finished is refused (``AlreadyFinished``, 409, ``job_finished``): the
    caller learns that the cancel did nothing, and what the job's outcome was.
    """
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status in FINISHED_STATUSES:
            raise AlreadyFinished(
                what=f"Job {locked.pk}",
                status=str(locked.status),
                code="job_finished",
                details={"job_id": str(locked.pk)},
            )
        if locked.status == JobStatus.QUEUED:
            job_finish(
                job=locked, status=JobStatus.CANCELLED, message="Cancelled before it started"
            )
        elif locked.status == JobStatus.RUNNING and not locked.cancel_requested:
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            job_event_add(job=locked, kind="cancel_requested", message="Cancellation requested")
    job.refresh_from_db()
    return job


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
