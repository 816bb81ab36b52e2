"""Per-user job caps (atomic, 429 with Retry-After) and round-robin ordering between users."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from jobs import services
from jobs.models import Job, JobStatus
from tests.factories import UserFactory, make_strategy
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _submit(owner, seconds: float = 0.1) -> Job:
    return services.job_submit(owner=owner, kind="t_sleep", input={"seconds": seconds})


def test_execute_beyond_the_cap_answers_429_in_the_error_shape(
    user, api_client, db_backend, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 2
    strategy = make_strategy(user)
    url = f"/api/strategies/{strategy.pk}/execute/"
    first = api_client.post(url, {"symbol": "GOOG"})
    assert api_client.post(url, {"symbol": "GOOG"}).status_code == 202
    refused = api_client.post(url, {"symbol": "GOOG"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    error = refused.json()["error"]
    assert error["code"] == "too_many_jobs"
    assert error["details"]["limit"] == 2
    assert error["details"]["active"] == 2
    # Cancelling a queued job frees its slot.
    api_client.post(f"{first.json()['job_url']}cancel/")
    assert api_client.post(url, {"symbol": "GOOG"}).status_code == 202


def test_finished_jobs_free_the_slot_and_other_users_are_not_counted(
    user, other_user, db_backend, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 1
    job = _submit(user)
    with pytest.raises(services.TooManyJobs):
        _submit(user)
    _submit(other_user)  # another user's slot
    services.job_finish(job=job, status=JobStatus.SUCCEEDED, message="done")
    _submit(user)


def test_two_concurrent_submits_at_the_cap_cannot_both_pass(
    user, db_backend, settings, monkeypatch
):
    """Both threads reach the count together unless the submit serialises them: one must lose."""
    settings.JOB_MAX_ACTIVE_PER_USER = 1
    barrier = threading.Barrier(2, timeout=1.0)
    real_count = services.job_active_count

    def count_after_meeting(*, owner):
        # With a correct lock the other thread never gets here concurrently: the wait breaks.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return real_count(owner=owner)

    monkeypatch.setattr(services, "job_active_count", count_after_meeting)
    outcomes: list[str] = []

    def submit():
        try:
            _submit(user)
            outcomes.append("ok")
        except services.TooManyJobs:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok", "refused"]
    assert Job.objects.filter(owner=user).count() == 1


def test_task_priority_follows_the_owners_backlog(user, other_user, db_backend, settings):
    settings.JOB_MAX_ACTIVE_PER_USER = 10
    flood = [_submit(user) for _ in range(3)]
    single = _submit(other_user)
    priority = {
        str(r.id): r.priority
        for r in DBTaskResult.objects.filter(id__in=[j.task_id for j in [*flood, single]])
    }
    assert [priority[j.task_id] for j in flood] == [100, 99, 98]
    assert priority[single.task_id] == 100
    # The worker's claim order: the other user's job comes right after the flood's first.
    order = [str(r.id) for r in DBTaskResult.objects.ready()]
    assert order[:2] == [flood[0].task_id, single.task_id]


@pytest.mark.slow
def test_real_worker_runs_another_users_job_before_the_flood(
    user, db_backend, start_worker, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 30
    start_worker("fair")
    flood = [_submit(user, seconds=0.2) for _ in range(8)]
    wait_for(lambda: Job.objects.get(pk=flood[0].pk).status != JobStatus.QUEUED)
    single = _submit(UserFactory(), seconds=0.1)
    wait_for(lambda: Job.objects.get(pk=single.pk).is_finished)
    single.refresh_from_db()
    assert single.status == JobStatus.SUCCEEDED, single.error
    started_before = Job.objects.filter(
        pk__in=[j.pk for j in flood], started_at__lt=single.started_at
    ).count()
    assert started_before <= 1  # only the flood job already running when it arrived
