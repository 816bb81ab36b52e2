"""Heartbeats and job status writes survive a SQLite write lock held by another connection."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from django.db import connection
from django.utils import timezone

from jobs import runner, services, writes
from jobs.models import Job, JobStatus
from tests.workers import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="'database is locked' is SQLite's behaviour"
    ),
]


@pytest.fixture
def locked_database(monkeypatch):
    """Hold SQLite's write lock from a foreign connection until the test releases it.

    New connections (the writer's thread) get a 50 ms busy timeout, so they meet
    "database is locked" at once instead of waiting out the default 20 s.
    """
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.05)
    retries: list[float] = []
    real_sleep = writes._sleep
    monkeypatch.setattr(writes, "_sleep", lambda s: (retries.append(s), real_sleep(s)))
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)

    def hold():
        connection.close()  # ours reconnects with the short timeout too
        holder.execute("BEGIN IMMEDIATE")
        return holder

    yield retries, hold
    holder.close()


def _in_thread(func):
    errors: list[BaseException] = []

    def target():
        try:
            func()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, errors


def test_heartbeat_and_status_writes_wait_out_a_held_write_lock(user, locked_database):
    retries, hold = locked_database
    job = Job.objects.create(
        owner=user, kind="t", status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    before = job.heartbeat_at
    holder = hold()

    def writes_of_a_running_job():
        runner._Heartbeat(job.pk).beat()
        services.job_event_add(job=job, kind="step", message="still here")
        services.job_finish(job=job, status=JobStatus.SUCCEEDED, message="done", result={})

    thread, errors = _in_thread(writes_of_a_running_job)
    wait_for(lambda: retries, timeout=30)  # the first write met the lock and is backing off
    holder.execute("ROLLBACK")
    thread.join(timeout=60)
    assert not errors, errors
    job.refresh_from_db()
    assert job.heartbeat_at > before
    assert job.status == JobStatus.SUCCEEDED
    assert list(job.events.values_list("kind", flat=True)) == ["step", "succeeded"]


def test_a_lock_held_too_long_still_fails_loudly(user, locked_database, monkeypatch):
    _, hold = locked_database
    monkeypatch.setattr(writes, "RETRY_ATTEMPTS", 2)
    job = Job.objects.create(owner=user, kind="t", status=JobStatus.RUNNING)
    holder = hold()
    thread, errors = _in_thread(lambda: services.job_event_add(job=job, kind="step"))
    thread.join(timeout=60)
    holder.execute("ROLLBACK")
    assert len(errors) == 1
    assert "locked" in str(errors[0])
