"""django.tasks entry points of the research app: thin, they hand over to the services."""

from __future__ import annotations

from django.tasks import task


@task()
def run_optimization_chunk(chunk_id: int) -> None:
    """Run one chunk of an optimisation's parameter sets (any worker may take it)."""
    from research_api.services.chunk_runs import optimization_chunk_run

    optimization_chunk_run(chunk_id=chunk_id)
