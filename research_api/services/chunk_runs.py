"""Running one chunk of an optimisation: a worker's task, one sandbox batch of parameter sets.

Kept apart from the search (``optimize``), which creates the chunks and enqueues their tasks:
the task module imports this one, so the imports stay one-way.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pandas as pd

from Backtest.errors import AlgoAgentError
from backtest_api import pipeline
from jobs.models import Job
from jobs.services import JobFailure
from research_api.models import ChunkStatus, OptimizationChunk
from research_api.payloads import ChunkSource
from research_api.services.chunks import chunk_finish, chunk_run_task
from strategy_api.models import StrategyVersion

#: Statistics kept per combination (the heatmap value and the table's columns).
KEPT_STATS = (
    "# Trades",
    "Return [%]",
    "Sharpe Ratio",
    "Max. Drawdown [%]",
    "Win Rate [%]",
    "SQN",
    "Equity Final [$]",
)


def kept_stats(stats: Mapping[str, Any], maximize: str) -> dict[str, Any]:
    return {k: stats.get(k) for k in (*KEPT_STATS, maximize)}


def batch_runs(result: Any, maximize: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    for run in result.runs:
        if run.error_type:
            runs.append({"error": f"{run.error_type}: {run.error_message or ''}"[:500]})
        else:
            runs.append({"stats": kept_stats(run.stats, maximize)})
    return runs


def batch_error(result: Any) -> dict[str, Any]:
    return {
        "code": "strategy_failed",
        "message": f"The strategy failed in the sandbox ({result.error_type}): "
        f"{result.error_message or ''}"[:2000],
        "error_type": result.error_type,
        "error_line": result.error_line,
    }


def _source(job: Job) -> tuple[ChunkSource, str]:
    source = ChunkSource.model_validate(job.input)
    version = StrategyVersion.objects.filter(
        strategy_id=source.strategy_id, strategy__owner=job.owner, number=source.version
    ).first()
    if version is None:
        raise JobFailure(
            "not_found", "The strategy or its version no longer exists.", http_status=404
        )
    return source, version.code


def chunk_execute(chunk: OptimizationChunk, *, data: pd.DataFrame | None = None) -> None:
    """Run a claimed chunk as one sandbox batch and record its per-set statistics."""
    started = time.perf_counter()
    job = chunk.job
    try:
        source, code = _source(job)
        request = source.request
        if chunk.symbol:  # one symbol of a multi-asset optimisation
            request = request.model_copy(update={"symbol": chunk.symbol})
        if data is None:
            data = pipeline.backtest_data_load(owner=job.owner, request=request)
        if chunk.bars:
            first, last = chunk.bars
            data = data.iloc[first : last + 1]
        result = pipeline.backtest_execute_batch(
            owner=job.owner,
            request=request,
            code=code,
            param_sets=chunk.param_sets,
            data=data,
            maximize=source.maximize,
        )
    except AlgoAgentError as exc:
        chunk_finish(chunk, status=ChunkStatus.FAILED, error=exc.to_dict())
        return
    seconds = time.perf_counter() - started
    if not result.success:
        chunk_finish(chunk, status=ChunkStatus.FAILED, error=batch_error(result), seconds=seconds)
        return
    chunk_finish(
        chunk,
        status=ChunkStatus.DONE,
        runs=batch_runs(result, source.maximize),
        seconds=seconds,
    )


def optimization_chunk_run(*, chunk_id: int) -> None:
    """A worker's task: claim and run one chunk (skipped when taken or its job is over)."""
    chunk_run_task(chunk_id, chunk_execute)
