"""Job lifecycle with the immediate backend: events, results, errors, cancel, stale workers, SSE."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from jobs import http, runner, services
from jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def handlers():
    """Register throwaway handlers for the test's job kinds, removed afterwards."""
    added: list[str] = []

    def add(kind, func):
        runner.register(kind)(func)
        added.append(kind)

    yield add
    for kind in added:
        runner._HANDLERS.pop(kind, None)


def _steps(job, ctx):
    ctx.event("step", "half way", progress=50, data={"n": 1})
    return {"answer": 42}, 201


def test_submitted_job_runs_and_records_ordered_events(user, handlers):
    handlers("t_steps", _steps)
    job = services.job_submit(owner=user, kind="t_steps", input={"x": 1})
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"answer": 42}
    assert job.result_status == 201
    assert job.progress == 100
    kinds = list(job.events.order_by("seq").values_list("seq", "kind", "progress"))
    assert kinds == [(1, "queued", 0), (2, "started", None), (3, "step", 50), (4, "succeeded", 100)]
    assert job.started_at is not None
    assert job.finished_at >= job.started_at


def test_job_failure_keeps_error_and_history(user, handlers):
    def fails(job, ctx):
        ctx.event("working", progress=30)
        raise services.JobFailure("unparseable", "Could not understand", details={"hint": "x"})

    handlers("t_fail", fails)
    job = services.job_submit(owner=user, kind="t_fail", input={})
    assert job.status == JobStatus.FAILED
    assert job.error == {
        "code": "unparseable",
        "message": "Could not understand",
        "details": {"hint": "x"},
    }
    assert job.result_status == 422
    assert job.progress == 30
    assert list(job.events.values_list("kind", flat=True)) == [
        "queued",
        "started",
        "working",
        "failed",
    ]


def test_unexpected_crash_fails_job_without_leaking_exception_text(user, handlers):
    def crashes(job, ctx):
        raise RuntimeError("database password is hunter2")

    handlers("t_crash", crashes)
    job = services.job_submit(owner=user, kind="t_crash", input={})
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == "server_error"
    assert "hunter2" not in json.dumps(job.error)


def test_cancel_requested_stops_running_handler_at_checkpoint(user, handlers):
    def cancellable(job, ctx):
        services.job_cancel(job=job)  # the owner cancels while it runs
        ctx.check_cancelled()
        raise AssertionError("should have stopped")

    handlers("t_cancel", cancellable)
    job = services.job_submit(owner=user, kind="t_cancel", input={})
    assert job.status == JobStatus.CANCELLED
    assert "cancel_requested" in list(job.events.values_list("kind", flat=True))


def test_cancel_of_queued_job_is_immediate_and_runner_skips_it(user):
    job = Job.objects.create(owner=user, kind="t_never", input={})
    services.job_cancel(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    runner.run(str(job.pk))  # a worker picking it up later does nothing
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_stale_running_job_is_failed_as_worker_lost(user, settings):
    settings.JOB_STALE_SECONDS = 30
    old = timezone.now() - timedelta(seconds=31)
    stale = Job.objects.create(
        owner=user, kind="x", status=JobStatus.RUNNING, heartbeat_at=old, worker="host:123"
    )
    fresh = Job.objects.create(
        owner=user, kind="x", status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert services.job_mark_stale_failed() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == JobStatus.FAILED
    assert stale.error["code"] == "worker_lost"
    assert "host:123" in stale.error["message"]
    assert fresh.status == JobStatus.RUNNING


def test_reading_a_stale_job_over_the_api_fails_it(api_client, user, settings):
    settings.JOB_STALE_SECONDS = 10
    job = Job.objects.create(
        owner=user,
        kind="x",
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    body = api_client.get(f"/api/jobs/{job.pk}/").json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "worker_lost"


def test_job_endpoints_are_owner_scoped(other_client, user, handlers):
    handlers("t_steps", _steps)
    job = services.job_submit(owner=user, kind="t_steps", input={})
    for method, url in [
        ("get", f"/api/jobs/{job.pk}/"),
        ("get", f"/api/jobs/{job.pk}/events/"),
        ("post", f"/api/jobs/{job.pk}/cancel/"),
    ]:
        response = getattr(other_client, method)(url)
        assert response.status_code == 404, url
    assert other_client.get("/api/jobs/").json()["count"] == 0


def test_events_json_supports_after(api_client, user, handlers):
    handlers("t_steps", _steps)
    job = services.job_submit(owner=user, kind="t_steps", input={})
    events = api_client.get(f"/api/jobs/{job.pk}/events/?after=2").json()
    assert [e["seq"] for e in events] == [3, 4]
    assert events[0]["data"] == {"n": 1}
    bad = api_client.get(f"/api/jobs/{job.pk}/events/?after=-1")
    assert bad.status_code == 400
    assert "after" in bad.json()["error"]["details"]["fields"]


def test_events_stream_as_sse_and_end_with_the_job(api_client, user, handlers):
    handlers("t_steps", _steps)
    job = services.job_submit(owner=user, kind="t_steps", input={})
    response = api_client.get(f"/api/jobs/{job.pk}/events/", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    text = b"".join(response.streaming_content).decode()
    blocks = [b for b in text.split("\n\n") if b.startswith("id:")]
    assert [b.splitlines()[1] for b in blocks] == [
        "event: queued",
        "event: started",
        "event: step",
        "event: succeeded",
    ]
    resumed = api_client.get(
        f"/api/jobs/{job.pk}/events/", HTTP_ACCEPT="text/event-stream", HTTP_LAST_EVENT_ID="3"
    )
    text = b"".join(resumed.streaming_content).decode()
    assert "event: succeeded" in text
    assert "event: step" not in text


@pytest.mark.parametrize("finished", ["succeeded", "failed", "cancelled"])
def test_cancel_of_a_finished_job_is_409_naming_its_status_and_changes_nothing(
    api_client, user, finished
):
    job = Job.objects.create(owner=user, kind="x", status=finished, result={"a": 1}, last_seq=3)
    response = api_client.post(f"/api/jobs/{job.pk}/cancel/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "job_finished"
    assert error["details"] == {"job_id": str(job.pk), "status": finished}
    assert f"already finished ({finished})" in error["message"]
    job.refresh_from_db()
    assert (job.status, job.result, job.cancel_requested) == (finished, {"a": 1}, False)
    assert not job.events.exists()


def test_cancel_endpoint_cancels_a_queued_job_at_once(api_client, user):
    job = Job.objects.create(owner=user, kind="t_never", input={})
    response = api_client.post(f"/api/jobs/{job.pk}/cancel/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_requested"]) == ("cancelled", False)


def test_cancel_endpoint_asks_a_running_job_to_stop(api_client, user):
    job = Job.objects.create(owner=user, kind="x", status="running", heartbeat_at=timezone.now())
    response = api_client.post(f"/api/jobs/{job.pk}/cancel/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_requested"]) == ("running", True)
    again = api_client.post(f"/api/jobs/{job.pk}/cancel/")  # still running: asked once
    assert again.status_code == 200
    assert list(job.events.values_list("kind", flat=True)) == ["cancel_requested"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("", None), ("wait=5", 5), ("respond-async, wait=100", 60), ("handling=lenient", None)],
)
def test_prefer_wait_parsing(header, expected):
    request = APIRequestFactory().post("/", HTTP_PREFER=header)
    assert http.prefer_wait_seconds(request) == expected


def test_job_response_returns_result_or_error_when_waiting(user, handlers):
    from algoagent.errors import ApiError

    handlers("t_steps", _steps)
    job = services.job_submit(owner=user, kind="t_steps", input={})
    waited = http.job_response(APIRequestFactory().post("/", HTTP_PREFER="wait=5"), job)
    assert isinstance(waited, Response)
    assert (waited.status_code, waited.data) == (201, {"answer": 42})
    assert waited["Preference-Applied"] == "wait=5"
    accepted = http.job_response(APIRequestFactory().post("/"), job)
    assert accepted.status_code == 202
    assert accepted.data["job_url"] == f"/api/jobs/{job.pk}/"

    def fails(job, ctx):
        raise services.JobFailure("not_understood", "Cannot parse")

    handlers("t_fail", fails)
    failed = services.job_submit(owner=user, kind="t_fail", input={})
    with pytest.raises(ApiError) as excinfo:
        http.job_response(APIRequestFactory().post("/", HTTP_PREFER="wait=1"), failed)
    assert excinfo.value.status_code == 422
    assert excinfo.value.code == "not_understood"
    assert excinfo.value.details["job_id"] == str(failed.pk)


def test_every_progress_event_is_a_cancellation_checkpoint(user, handlers):
    reached = []

    def long_work(job, ctx):
        services.job_cancel(job=job)  # the owner cancels while it runs
        try:
            ctx.event("step", "next step")  # domain code may guard callbacks broadly...
        except Exception:  # ...but cannot swallow a cancellation
            reached.append("swallowed")
        reached.append("continued")
        return {}, 200

    handlers("t_cancel_event", long_work)
    job = services.job_submit(owner=user, kind="t_cancel_event", input={})
    assert job.status == JobStatus.CANCELLED
    assert reached == []


def test_the_kind_filter_refuses_a_kind_that_does_not_exist(api_client, user, handlers):
    """A typo in ?kind= answered an empty list, as if there were no such jobs."""
    handlers("t_steps", lambda job, ctx: ({}, 200))
    job = services.job_submit(owner=user, kind="t_steps", input={})
    listed = api_client.get("/api/jobs/", {"kind": "t_steps"}).json()
    assert [row["id"] for row in listed["results"]] == [str(job.pk)]
    response = api_client.get("/api/jobs/", {"kind": "t_stepz"})
    assert response.status_code == 400
    assert "t_stepz" in response.json()["error"]["details"]["fields"]["kind"][0]
