"""Follow-ups run inline (immediate backend) or on a thread after the transaction commits."""

from __future__ import annotations

import threading

import pytest

from jobs import followups

pytestmark = pytest.mark.django_db


def test_followup_runs_inline_under_the_immediate_backend(caplog):
    calls: list[str] = []
    followups.followup_submit("t", lambda: calls.append(threading.current_thread().name))
    assert calls == [threading.current_thread().name]
    followups.followup_submit("bad", lambda: 1 / 0)  # logged, never raised to the job
    assert "Follow-up bad failed" in caplog.text


def test_followup_runs_on_its_own_thread_with_a_worker(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    seen: list[str] = []

    def boom() -> None:
        raise RuntimeError("broken follow-up")

    with django_capture_on_commit_callbacks(execute=True):
        followups.followup_submit("bad", boom)
        followups.followup_submit("good", lambda: seen.append(threading.current_thread().name))
        assert followups.followups_wait(timeout=1)
        assert seen == []  # not before the rows they work on are committed
    assert followups.followups_wait(timeout=10)
    assert len(seen) == 1
    assert seen[0].startswith("followup")  # the failure before it did not end the thread
    assert "Follow-up bad failed" in caplog.text
