"""django.tasks entry points: thin, they hand over to the runner."""

from __future__ import annotations

from django.tasks import task

from jobs import runner


@task()
def run_job(job_id: str) -> None:
    """Run one AlgoAgent job (its record holds the kind, input, progress and outcome)."""
    runner.run(job_id)
