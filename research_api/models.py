"""Research state that outlives one request: optimisation chunks and cached tearsheets."""

from __future__ import annotations

from django.db import models


class ChunkStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class OptimizationChunk(models.Model):
    """A slice of an optimisation's parameter sets, run as one sandbox batch by any worker.

    The optimisation job creates its chunks and enqueues one task per chunk; whichever process
    claims a chunk first (a ``db_worker`` running the task, or the job itself while it waits)
    runs it. Chunks are never shared across jobs, so one sandbox child only ever sees one
    strategy of one user.
    """

    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    param_sets = models.JSONField(help_text="[{param: value}] in grid order")
    bars = models.JSONField(
        null=True, blank=True, help_text="[first, last] bar positions (a walk-forward window)"
    )
    symbol = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="The symbol searched (a multi-asset optimisation); empty: the job's own",
    )
    status = models.CharField(
        max_length=16, choices=ChunkStatus.choices, default=ChunkStatus.QUEUED
    )
    runs = models.JSONField(
        null=True, blank=True, help_text="Per set: {stats} (selected statistics) or {error}"
    )
    error = models.JSONField(null=True, blank=True, help_text='{"code", "message", ...}')
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid that ran it")
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="Sandbox batch wall time")

    class Meta:
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="unique_chunk_per_job")
        ]
        indexes = [models.Index(fields=["job", "status"])]

    def __str__(self) -> str:
        return f"chunk {self.index} of {self.job_id} ({self.status})"


class Tearsheet(models.Model):
    """The QuantStats report of one execution, built on first request and kept."""

    execution = models.OneToOneField(
        "strategy_api.StrategyExecution", on_delete=models.CASCADE, related_name="tearsheet"
    )
    benchmark_symbol = models.CharField(max_length=64)
    html = models.TextField()
    source = models.CharField(
        max_length=16, help_text="stored: the execution's own curve; rerun: a verified re-run"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"tearsheet of execution {self.execution_id}"
