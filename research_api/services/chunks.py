"""Fan-out of an optimisation's parameter sets: chunks run as tasks on any worker.

The job that owns an optimisation splits its parameter sets into :class:`OptimizationChunk`
rows and enqueues one task per chunk; every ``db_worker`` process (on any machine sharing the
database) may claim one. The job itself claims chunks too while it waits, so one worker alone
still finishes, and several share the work. A claim is an atomic ``UPDATE ... WHERE status =
queued``; a chunk whose worker stopped answering is taken back after a deadline. Cancelling the
job cancels every chunk not yet claimed; the ones running finish their current batch.

A chunk is one sandbox batch of one strategy for one user (never mixed across jobs).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs.models import Job, JobStatus, WorkerHeartbeat
from jobs.runner import JobContext
from jobs.services import JobCancelled, JobFailure, runs_inline
from research_api.models import ChunkStatus, OptimizationChunk

logger = logging.getLogger("algoagent.research")

#: The first chunk is small: its time per set sizes the others.
PROBE_SETS = 8
#: Upper bound on sets per chunk (the sandbox's batch limit).
MAX_CHUNK_SETS = 5_000
#: Chunks per live worker, so a slow chunk does not leave the others idle at the end.
CHUNKS_PER_WORKER = 3
WAIT_POLL_S = 0.25

ChunkRunner = Callable[[OptimizationChunk], None]


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def live_workers() -> int:
    """``db_worker`` processes with a recent heartbeat (at least 1: the job's own)."""
    if runs_inline():
        return 1
    cutoff = timezone.now() - timedelta(seconds=3 * settings.JOB_HEARTBEAT_SECONDS)
    return max(1, WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).count())


def chunk_target_seconds() -> float:
    """How long one chunk should take: well inside the sandbox's timeout for the batch."""
    return max(1.0, min(20.0, settings.SANDBOX_TIMEOUT_SECONDS / 3))


def chunk_stale_seconds() -> float:
    """After this long a running chunk's worker is presumed gone and the chunk is taken back."""
    return settings.SANDBOX_TIMEOUT_SECONDS * 2 + 30


def chunk_sizes(*, remaining: int, seconds_per_set: float, workers: int) -> list[int]:
    """Split ``remaining`` sets into chunks of about :func:`chunk_target_seconds` each, and at
    least ``CHUNKS_PER_WORKER`` chunks per worker when there are enough sets."""
    if remaining <= 0:
        return []
    by_time = max(1, int(chunk_target_seconds() / max(seconds_per_set, 1e-6)))
    by_workers = max(1, math.ceil(remaining / (workers * CHUNKS_PER_WORKER)))
    size = min(by_time, by_workers, MAX_CHUNK_SETS)
    count = math.ceil(remaining / size)
    base, extra = divmod(remaining, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def chunks_create(
    *,
    job: Job,
    param_sets: list[dict[str, Any]],
    sizes: list[int],
    first_index: int,
    bars: Any,
    enqueue: Callable[[int], Any],
    symbol: str = "",
) -> list[OptimizationChunk]:
    """Create chunks (in order) and ``enqueue`` a task for each (the task of
    ``research_api.tasks``, passed in: that module imports this one), atomically with the rows."""
    chunks, start = [], 0
    for offset, size in enumerate(sizes):
        chunks.append(
            OptimizationChunk(
                job=job,
                index=first_index + offset,
                param_sets=param_sets[start : start + size],
                bars=bars,
                symbol=symbol,
            )
        )
        start += size
    with transaction.atomic():
        created = OptimizationChunk.objects.bulk_create(chunks)
        created = list(
            OptimizationChunk.objects.filter(
                job=job, index__gte=first_index, index__lt=first_index + len(sizes)
            ).order_by("index")
        )
        if not runs_inline():
            for chunk in created:
                enqueue(chunk.pk)
    if runs_inline():  # the immediate backend runs each task as it is enqueued
        for chunk in created:
            enqueue(chunk.pk)
    return created


def chunk_claim(chunk_id: int, *, stale: bool = False) -> OptimizationChunk | None:
    """Claim a queued chunk (or, with ``stale``, one whose worker stopped answering)."""
    now = timezone.now()
    query = OptimizationChunk.objects.filter(pk=chunk_id)
    if stale:
        query = query.filter(
            status=ChunkStatus.RUNNING,
            claimed_at__lt=now - timedelta(seconds=chunk_stale_seconds()),
        )
    else:
        query = query.filter(status=ChunkStatus.QUEUED)
    if not query.update(status=ChunkStatus.RUNNING, worker=_worker_name(), claimed_at=now):
        return None
    return OptimizationChunk.objects.select_related("job", "job__owner").get(pk=chunk_id)


def chunk_finish(
    chunk: OptimizationChunk,
    *,
    status: str,
    runs: list[dict[str, Any]] | None = None,
    error: dict[str, Any] | None = None,
    seconds: float | None = None,
) -> bool:
    """Record a chunk's outcome, unless someone else has taken it back meanwhile."""
    return bool(
        OptimizationChunk.objects.filter(
            pk=chunk.pk,
            status=ChunkStatus.RUNNING,
            worker=chunk.worker,
            claimed_at=chunk.claimed_at,
        ).update(
            status=status,
            runs=runs,
            error=error,
            seconds=seconds,
            finished_at=timezone.now(),
        )
    )


def chunk_run_task(chunk_id: int, runner: ChunkRunner) -> None:
    """A worker's task: claim the chunk and run it, unless its job is over or cancelled."""
    chunk = chunk_claim(chunk_id)
    if chunk is None:
        return  # already taken (by the job itself, or another worker) or cancelled
    job = chunk.job
    if job.cancel_requested or job.status != JobStatus.RUNNING:
        chunk_finish(chunk, status=ChunkStatus.CANCELLED)
        return
    runner(chunk)


@dataclass
class Progress:
    """What the job reports after each chunk: tried/total and the best so far."""

    tried: int
    total: int
    chunks_done: int
    chunks_total: int


def chunks_drive(
    *,
    job: Job,
    ctx: JobContext,
    runner: ChunkRunner,
    total: int,
    on_progress: Callable[[Progress, list[OptimizationChunk]], None],
) -> list[OptimizationChunk]:
    """Run and wait for every chunk of ``job``; return them in order, all done.

    The job claims queued chunks itself (lowest index first) while others may run elsewhere;
    it reports after each chunk finishes, takes back chunks whose worker went silent, and on
    cancellation cancels the chunks nobody has started. A failed chunk fails the whole run
    (``JobFailure`` with the sandbox's error): the code failed, not one parameter set.
    """
    reported: set[int] = set()
    try:
        while True:
            ctx.check_cancelled()
            chunks = list(OptimizationChunk.objects.filter(job=job).order_by("index"))
            newly = [c for c in chunks if c.status == ChunkStatus.DONE and c.pk not in reported]
            if newly:
                reported.update(c.pk for c in newly)
                done = [c for c in chunks if c.status == ChunkStatus.DONE]
                on_progress(
                    Progress(
                        tried=sum(len(c.param_sets) for c in done),
                        total=total,
                        chunks_done=len(done),
                        chunks_total=len(chunks),
                    ),
                    done,
                )
            failed = next((c for c in chunks if c.status == ChunkStatus.FAILED), None)
            if failed is not None:
                error = failed.error or {}
                raise JobFailure(
                    str(error.get("code") or "optimization_failed"),
                    str(error.get("message") or "A chunk of the optimisation failed."),
                    details={k: v for k, v in error.items() if k not in ("code", "message")},
                )
            if all(c.status == ChunkStatus.DONE for c in chunks):
                return chunks
            mine = _claim_next(chunks)
            if mine is not None:
                runner(mine)
                continue
            time.sleep(WAIT_POLL_S)  # others are running the rest; look again shortly
    except (JobCancelled, JobFailure):
        OptimizationChunk.objects.filter(job=job, status=ChunkStatus.QUEUED).update(
            status=ChunkStatus.CANCELLED, finished_at=timezone.now()
        )
        raise


def _claim_next(chunks: list[OptimizationChunk]) -> OptimizationChunk | None:
    for chunk in chunks:
        if chunk.status == ChunkStatus.QUEUED and (claimed := chunk_claim(chunk.pk)):
            return claimed
    for chunk in chunks:
        if chunk.status == ChunkStatus.RUNNING and (claimed := chunk_claim(chunk.pk, stale=True)):
            logger.warning(
                "Took back chunk %s of job %s from %s", chunk.index, chunk.job_id, chunk.worker
            )
            return claimed
    return None
