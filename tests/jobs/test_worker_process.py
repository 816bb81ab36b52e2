"""Real `manage.py db_worker` processes: end-to-end run, two workers on one queue, killed worker."""

from __future__ import annotations

import signal

import pytest

from jobs import services
from jobs.models import Job, JobStatus
from tests.events import assert_run_events
from tests.workers import wait_for as _wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_real_worker_runs_a_job_end_to_end(user, anon_client, db_backend, start_worker):
    worker = start_worker("w1")
    health = _wait_for(
        lambda: (b := anon_client.get("/api/health/").json())["workers"]["alive"] and b
    )
    assert health["workers"]["ok"] is True
    job = services.job_submit(owner=user, kind="t_sleep", input={"seconds": 0.3})
    assert job.status == JobStatus.QUEUED
    assert job.task_id
    _wait_for(lambda: Job.objects.get(pk=job.pk).is_finished)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"pid": worker.pid}
    kinds = list(job.events.values_list("kind", flat=True))
    assert kinds[:2] == ["queued", "started"]
    assert kinds[-1] == "succeeded"
    assert kinds.count("tick") == 3


def test_two_workers_drain_one_queue_without_running_a_job_twice(
    user, db_backend, start_worker, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 10
    workers = {start_worker("w1").pid, start_worker("w2").pid}
    jobs = [
        services.job_submit(owner=user, kind="t_sleep", input={"seconds": 0.4}) for _ in range(10)
    ]
    ids = [j.pk for j in jobs]
    _wait_for(lambda: all(j.is_finished for j in Job.objects.filter(pk__in=ids)))
    ran_on = []
    for job in Job.objects.filter(pk__in=ids):
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.events.filter(kind="started").count() == 1
        ran_on.append(job.result["pid"])
    assert set(ran_on) == workers  # both took part, and every job ran exactly once


def test_killed_worker_leaves_no_job_running_forever(
    user, api_client, db_backend, start_worker, settings
):
    settings.JOB_STALE_SECONDS = 3
    worker = start_worker("w1")
    job = services.job_submit(owner=user, kind="t_sleep", input={"seconds": 60})
    _wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING)
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    def failed():
        body = api_client.get(f"/api/jobs/{job.pk}/").json()
        return body if body["status"] == "failed" else None

    body = _wait_for(failed, timeout=30)
    assert body["error"]["code"] == "worker_lost"
    assert "stopped responding" in body["error"]["message"]


def test_real_worker_executes_a_strategy_through_the_api(
    user, api_client, db_backend, start_worker
):
    from tests.factories import make_strategy

    start_worker("w1")
    strategy = make_strategy(user)
    accepted = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {"symbol": "GOOG"})
    assert accepted.status_code == 202
    job_url = accepted.json()["job_url"]

    def finished():
        body = api_client.get(job_url).json()
        return body if body["status"] in ("succeeded", "failed") else None

    body = _wait_for(finished, timeout=90)
    assert body["status"] == "succeeded", body["error"]
    assert body["result"]["success"] is True
    assert body["result"]["metrics"]["num_trades"] > 0
    kinds = [e["kind"] for e in api_client.get(f"{job_url}events/").json()]
    assert_run_events(kinds)
