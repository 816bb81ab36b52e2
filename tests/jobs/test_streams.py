"""SSE under ASGI: live events through the shared notifier, no thread per stream, DRF auth."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from jobs import services
from jobs.models import Job, JobStatus
from tests.factories import token_for

pytestmark = pytest.mark.django_db(transaction=True)
SSE = {"Accept": "text/event-stream"}


def _sse_headers(user) -> dict[str, str]:
    """Built outside the event loop (the token lookup is a synchronous query).

    Per-request ``headers`` replace an AsyncClient's default headers, so both go per request.
    """
    return {"Authorization": f"Token {token_for(user)}", **SSE}


async def _next_event(stream, timeout: float = 10.0) -> str:
    """The next chunk that is an event (skips retry/keep-alive comments)."""
    while True:
        chunk = await asyncio.wait_for(anext(stream), timeout)
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if text.startswith("id:"):
            return text


def test_asgi_stream_delivers_events_as_they_are_written_and_ends_with_the_job(user, db_backend):
    job = services.job_submit(owner=user, kind="t_sleep", input={})
    assert job.status == JobStatus.QUEUED

    headers = _sse_headers(user)

    async def scenario():
        response = await AsyncClient().get(f"/api/jobs/{job.pk}/events/", headers=headers)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/event-stream")
        stream = aiter(response.streaming_content)
        assert "event: queued" in await _next_event(stream)
        # Written by "the worker" after the stream is open: it must arrive without polling.
        await sync_to_async(services.job_event_add)(job=job, kind="step", message="half")
        assert "event: step" in await _next_event(stream, timeout=5)
        await sync_to_async(services.job_finish)(
            job=job, status=JobStatus.SUCCEEDED, message="done", result={}
        )
        assert "event: succeeded" in await _next_event(stream, timeout=5)
        with pytest.raises(StopAsyncIteration):
            await asyncio.wait_for(anext(stream), 5)

    asyncio.run(scenario())


def test_open_asgi_streams_hold_no_thread_each(user, db_backend, settings):
    settings.JOB_MAX_ACTIVE_PER_USER = 30
    jobs = [services.job_submit(owner=user, kind="t_sleep", input={}) for _ in range(25)]

    headers = _sse_headers(user)
    client = AsyncClient()

    async def scenario():
        await client.get(
            "/api/auth/me/", headers=headers
        )  # start lazily created pools and the notifier
        responses = [
            await client.get(f"/api/jobs/{job.pk}/events/", headers=headers) for job in jobs
        ]
        streams = [aiter(r.streaming_content) for r in responses]
        for stream in streams:
            assert "event: queued" in await _next_event(stream)
        before_more = threading.active_count()
        more = [await client.get(f"/api/jobs/{job.pk}/events/", headers=headers) for job in jobs]
        for response in more:
            assert "event: queued" in await _next_event(aiter(response.streaming_content))
        return before_more, threading.active_count()

    with_25, with_50 = asyncio.run(scenario())
    assert with_50 - with_25 < 5  # 25 more open streams, (almost) no more threads


def test_stream_uses_drf_auth_and_scoping(user, other_user, db_backend):
    job = services.job_submit(owner=user, kind="t_sleep", input={})

    other = _sse_headers(other_user)

    async def scenario():
        anonymous = await AsyncClient().get(f"/api/jobs/{job.pk}/events/", headers=SSE)
        bad_token = await AsyncClient().get(
            f"/api/jobs/{job.pk}/events/", headers={"Authorization": "Token nope", **SSE}
        )
        foreign = await AsyncClient().get(f"/api/jobs/{job.pk}/events/", headers=other)
        return anonymous, bad_token, foreign

    anonymous, bad_token, foreign = asyncio.run(scenario())
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert bad_token.status_code == 401
    assert bad_token.json()["error"]["code"] == "authentication_failed"
    assert foreign.status_code == 404
    assert foreign.json()["error"]["code"] == "not_found"
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_session_login_opens_the_stream_too(user, db_backend):
    from tests.factories import DEFAULT_PASSWORD

    job = services.job_submit(owner=user, kind="t_sleep", input={})

    async def scenario():
        client = AsyncClient()
        assert await client.alogin(username=user.username, password=DEFAULT_PASSWORD)
        response = await client.get(f"/api/jobs/{job.pk}/events/", headers=SSE)
        assert response.status_code == 200
        return await _next_event(aiter(response.streaming_content))

    assert "event: queued" in asyncio.run(scenario())
