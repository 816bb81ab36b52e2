"""Fan-out of an optimisation: chunk sizes, claims, cancellation, taking back stale chunks.

The sandbox is replaced by a fake batch executor at its one boundary (``executor_get``): these
tests are about the orchestration, not backtests (those are in ``test_optimize.py``).
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from Backtest.pipeline import BacktestRequest
from jobs.models import Job, JobEvent, JobStatus
from jobs.runner import JobContext
from jobs.services import JobCancelled, JobFailure
from research_api.models import ChunkStatus, OptimizationChunk
from research_api.payloads import OptimizeJobInput, SearchSettings
from research_api.services import chunks as chunk_services
from research_api.services.optimize import grid_search
from tests.factories import make_strategy

pytestmark = pytest.mark.django_db


class FakeBatchExecutor:
    """Scores each set as ``n1 * 10 - n2`` (no trades when n1 == 5), records each batch."""

    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[dict]] = []
        self.fail = fail

    def execute_batch(self, *, param_sets, **kwargs):
        self.batches.append(list(param_sets))
        if self.fail:
            return SimpleNamespace(
                success=False,
                runs=[],
                error_type="NameError",
                error_message="name 'sma' is not defined",
                error_line=9,
            )
        runs = []
        for params in param_sets:
            value = params["n1"] * 10 - params["n2"]
            trades = 0 if params["n1"] == 5 else 3
            runs.append(
                SimpleNamespace(
                    params=params,
                    stats={"# Trades": trades, "SQN": value, "Return [%]": value / 10},
                    error_type=None,
                    error_message=None,
                )
            )
        return SimpleNamespace(success=True, runs=runs)


@pytest.fixture
def fake(monkeypatch):
    executor = FakeBatchExecutor()
    monkeypatch.setattr("backtest_api.pipeline.executor_get", lambda: executor)
    return executor


@pytest.fixture
def job(user):
    strategy = make_strategy(user)
    settings = SearchSettings(values={"n1": [5, 10, 15], "n2": [20, 30]}, maximize="SQN")
    payload = OptimizeJobInput(
        strategy_id=strategy.pk,
        version=1,
        request=BacktestRequest.build(symbol="GOOG"),
        maximize="SQN",
        search=settings,
    )
    return Job.objects.create(
        owner=user, kind="optimize", input=payload.to_json(), status=JobStatus.RUNNING
    )


def _settings(values):
    return SearchSettings(values=values, maximize="SQN")


def test_chunk_sizes_follow_the_time_per_set_and_the_workers(settings):
    settings.SANDBOX_TIMEOUT_SECONDS = 60  # 20 s per chunk
    assert chunk_services.chunk_sizes(remaining=1000, seconds_per_set=0.1, workers=1) == [200] * 5
    sizes = chunk_services.chunk_sizes(remaining=1000, seconds_per_set=0.01, workers=2)
    assert sum(sizes) == 1000
    assert len(sizes) == 6  # three per worker
    assert max(sizes) - min(sizes) <= 1
    assert chunk_services.chunk_sizes(remaining=0, seconds_per_set=1, workers=4) == []
    assert chunk_services.chunk_sizes(remaining=3, seconds_per_set=100, workers=1) == [1, 1, 1]


def test_grid_search_runs_every_combination_once_in_grid_order(fake, job):
    import pandas as pd

    values = {"n1": list(range(5, 40, 5)), "n2": [20, 30, 40]}
    outcome = grid_search(
        job=job,
        ctx=JobContext(job),
        settings=_settings(values),
        constraint=None,
        data=pd.DataFrame(),
    )
    expected = [{"n1": a, "n2": b} for a in values["n1"] for b in values["n2"]]
    assert [run.params for run in outcome.scored] == expected
    assert sorted(map(str, sum(fake.batches, []))) == sorted(map(str, expected))  # once each
    assert fake.batches[0] == expected[: chunk_services.PROBE_SETS]  # the probe chunk
    assert outcome.chunks == len(fake.batches) >= 2
    assert outcome.scored[0].value is None  # n1 == 5: no trades, as backtesting.py's NaN
    assert outcome.best_index == expected.index({"n1": 35, "n2": 20})
    events = JobEvent.objects.filter(job=job, kind="optimizing").order_by("seq")
    last = events.last().data
    assert (last["tried"], last["total"]) == (21, 21)
    assert last["best_so_far"] == {"params": {"n1": 35, "n2": 20}, "value": 330.0}


def test_a_chunk_whose_code_fails_fails_the_search_with_the_sandbox_error(monkeypatch, job):
    monkeypatch.setattr("backtest_api.pipeline.executor_get", lambda: FakeBatchExecutor(fail=True))
    import pandas as pd

    with pytest.raises(JobFailure) as caught:
        grid_search(
            job=job,
            ctx=JobContext(job),
            settings=_settings({"n1": [10, 15], "n2": [20]}),
            constraint=None,
            data=pd.DataFrame(),
        )
    assert caught.value.code == "strategy_failed"
    assert "NameError" in caught.value.message
    assert caught.value.details["error_line"] == 9


@pytest.fixture
def queued_only(monkeypatch):
    """As with the database backend before any worker picked a task up: nothing runs yet."""
    enqueued: list[int] = []
    monkeypatch.setattr(chunk_services, "runs_inline", lambda: False)
    return enqueued


def _make_chunks(job, count, enqueued):
    sets = [{"n1": 10 + i, "n2": 20} for i in range(count)]
    return chunk_services.chunks_create(
        job=job,
        param_sets=sets,
        sizes=[1] * count,
        first_index=0,
        bars=None,
        enqueue=enqueued.append,
    )


def _mark_done(chunk):
    chunk_services.chunk_finish(chunk, status=ChunkStatus.DONE, runs=[{"stats": {}}])


def test_each_chunk_gets_a_task_and_the_job_runs_queued_chunks_itself(job, queued_only):
    created = _make_chunks(job, 3, queued_only)
    assert queued_only == [c.pk for c in created]
    ran: list[int] = []

    def runner(chunk):
        ran.append(chunk.index)
        _mark_done(chunk)

    done = chunk_services.chunks_drive(
        job=job, ctx=JobContext(job), runner=runner, total=3, on_progress=lambda *a: None
    )
    assert ran == [0, 1, 2]
    assert [c.status for c in done] == [ChunkStatus.DONE] * 3
    # A worker's task arriving late finds nothing left to claim.
    chunk_services.chunk_run_task(created[0].pk, lambda c: pytest.fail("ran twice"))


def test_cancelling_stops_the_chunks_nobody_started(job, queued_only):
    _make_chunks(job, 4, queued_only)
    ran: list[int] = []

    def runner(chunk):
        ran.append(chunk.index)
        _mark_done(chunk)
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # the owner cancels

    with pytest.raises(JobCancelled):
        chunk_services.chunks_drive(
            job=job, ctx=JobContext(job), runner=runner, total=4, on_progress=lambda *a: None
        )
    assert ran == [0]
    statuses = list(OptimizationChunk.objects.filter(job=job).values_list("status", flat=True))
    assert statuses == [ChunkStatus.DONE] + [ChunkStatus.CANCELLED] * 3
    # A worker that picks up a task of a cancelled job does not run it.
    chunk = OptimizationChunk.objects.get(job=job, index=1)
    OptimizationChunk.objects.filter(pk=chunk.pk).update(status=ChunkStatus.QUEUED)
    chunk_services.chunk_run_task(chunk.pk, lambda c: pytest.fail("ran a cancelled job's chunk"))
    assert OptimizationChunk.objects.get(pk=chunk.pk).status == ChunkStatus.CANCELLED


def test_a_chunk_whose_worker_went_silent_is_taken_back(job, queued_only, settings):
    settings.SANDBOX_TIMEOUT_SECONDS = 1
    created = _make_chunks(job, 2, queued_only)
    long_ago = timezone.now() - timedelta(seconds=chunk_services.chunk_stale_seconds() + 5)
    OptimizationChunk.objects.filter(pk=created[0].pk).update(
        status=ChunkStatus.RUNNING, worker="gone:1", claimed_at=long_ago
    )
    stale = OptimizationChunk.objects.get(pk=created[0].pk)
    ran: list[int] = []

    def runner(chunk):
        ran.append(chunk.index)
        _mark_done(chunk)

    chunk_services.chunks_drive(
        job=job, ctx=JobContext(job), runner=runner, total=2, on_progress=lambda *a: None
    )
    assert sorted(ran) == [0, 1]
    # The silent worker's late answer is not recorded over the one that counted.
    assert not chunk_services.chunk_finish(stale, status=ChunkStatus.FAILED)
    assert OptimizationChunk.objects.get(pk=stale.pk).status == ChunkStatus.DONE


def test_when_workers_have_not_run_the_chunks_the_job_runs_them_and_reports_each_count_once(
    fake, job, settings
):
    # Nothing runs the enqueued chunks: the job claims every one itself, probe first.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    values = {"n1": list(range(5, 40, 5)), "n2": [20, 30, 40]}
    from backtesting.test import GOOG

    ctx = JobContext(job)
    grid_search(job=job, ctx=ctx, settings=_settings(values), constraint=None, data=GOOG)
    tried = [e.data["tried"] for e in JobEvent.objects.filter(job=job, kind="optimizing")]
    assert tried[0] == chunk_services.PROBE_SETS
    assert tried == sorted(set(tried))  # growing: the probe's count is not repeated
    assert tried[-1] == 21
