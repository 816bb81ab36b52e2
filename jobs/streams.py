"""``GET /api/jobs/{id}/events/`` as Server-Sent Events, without a thread per open stream.

Under ASGI the stream is an async generator that sleeps on the process's one notifier
(``jobs.notify``): an open stream costs no thread and no query until its job changes; database
reads run on the shared executor pool, never on a per-request thread. Under WSGI (the test
client, ``runserver``) the same loop runs as a plain generator on the request's thread.

Authentication and scoping are DRF's own (the project's authentication classes, the owner's
jobs only), and errors leave in the one error shape. JSON requests for the same URL are handed
to the DRF action, which also documents the endpoint in the OpenAPI schema.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings

from algoagent.errors import api_exception_handler
from jobs import notify, selectors
from jobs.models import FINISHED_STATUSES, Job
from jobs.serializers import JobEventSerializer, JobEventsQuerySerializer

KEEPALIVE_SECONDS = 15.0
RETRY = "retry: 2000\n\n"


def wants_stream(request: HttpRequest) -> bool:
    """The client asked for SSE (Accept header or DRF's ``?format=sse``)."""
    if request.GET.get("format") == "sse":
        return True
    return "text/event-stream" in request.headers.get("Accept", "")


def _error_response(exc: Exception, drf_request: Request) -> HttpResponse:
    response = api_exception_handler(exc, {"request": drf_request})
    assert response is not None
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}
    return response.render()


def _authorize(request: HttpRequest, pk) -> tuple[str, int] | HttpResponse:
    """Authenticate as DRF does, find the user's job, read ``after``; or the error response."""
    drf_request = Request(
        request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        user = drf_request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        job = selectors.job_get(user=user, pk=pk)
        query = JobEventsQuerySerializer(data=request.GET)
        query.is_valid(raise_exception=True)
    except Exception as exc:  # every failure leaves through the one error handler
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            exc.auth_header = "Token"  # type: ignore[attr-defined]
        return _error_response(exc, drf_request)
    after = query.validated_data["after"]
    last_id = request.headers.get("Last-Event-ID", "")
    if last_id.isdigit():
        after = max(after, int(last_id))
    return str(job.pk), after


def _read(job_id: str, after: int) -> tuple[list[str], int, bool]:
    """New events as SSE text, the last seq sent, and whether the job has finished.

    The status is read first: a job's final event is written in the same transaction as its
    status, so a finished job's events read afterwards always include the last one.
    """
    status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
    finished = status is None or status in FINISHED_STATUSES
    chunks = []
    for event in selectors.job_events_after_id(job_id=job_id, after=after):
        after = event.seq
        payload = json.dumps(JobEventSerializer(event).data, default=str)
        chunks.append(f"id: {event.seq}\nevent: {event.kind}\ndata: {payload}\n\n")
    return chunks, after, finished


def _read_pooled(job_id: str, after: int) -> tuple[list[str], int, bool]:
    try:
        return _read(job_id, after)
    finally:
        close_old_connections()  # a pool thread's connection obeys CONN_MAX_AGE like a request's


class _Clock:
    """The stream's deadline (``JOB_SSE_MAX_SECONDS``) and keep-alive schedule."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + settings.JOB_SSE_MAX_SECONDS
        self.next_keepalive = time.monotonic() + KEEPALIVE_SECONDS

    def timeout(self) -> float:
        return max(0.0, min(self.deadline, self.next_keepalive) - time.monotonic())

    def tick(self) -> str | None:
        """What to send after a quiet wait: a keep-alive, the closing comment, or nothing."""
        now = time.monotonic()
        if now >= self.deadline:
            return ": stream time limit reached; reconnect with Last-Event-ID\n\n"
        if now >= self.next_keepalive:
            self.next_keepalive = now + KEEPALIVE_SECONDS
            return ": keep-alive\n\n"
        return None

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


async def _astream(job_id: str, after: int) -> AsyncIterator[str]:
    yield RETRY
    clock = _Clock()
    loop = asyncio.get_running_loop()
    woken = asyncio.Event()
    read = sync_to_async(_read_pooled, thread_sensitive=False)
    with notify.watching_job(job_id, lambda: loop.call_soon_threadsafe(woken.set)):
        while True:
            woken.clear()
            chunks, after, finished = await read(job_id, after)
            for chunk in chunks:
                yield chunk
            if finished:
                return
            try:
                await asyncio.wait_for(woken.wait(), clock.timeout())
            except TimeoutError:
                if note := clock.tick():
                    yield note
                if clock.expired:
                    return


def _stream(job_id: str, after: int) -> Iterator[str]:
    yield RETRY
    clock = _Clock()
    woken = threading.Event()
    with notify.watching_job(job_id, woken.set):
        while True:
            woken.clear()
            chunks, after, finished = _read(job_id, after)
            yield from chunks
            if finished:
                return
            if not woken.wait(clock.timeout()):
                if note := clock.tick():
                    yield note
                if clock.expired:
                    return


def _streaming_response(content) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def job_events(request: HttpRequest, pk) -> HttpResponse:
    """SSE for GET with ``Accept: text/event-stream``; anything else goes to the DRF action."""
    from jobs.views import JobViewSet

    is_asgi = isinstance(request, ASGIRequest)
    if request.method != "GET" or not wants_stream(request):
        drf_view = JobViewSet.as_view({"get": "events"})
        return await sync_to_async(drf_view)(request, pk=pk)
    # Under WSGI the request's own thread (and its database connection) does the reads.
    checked = await sync_to_async(_authorize, thread_sensitive=not is_asgi)(request, pk)
    if isinstance(checked, HttpResponse):
        return checked
    job_id, after = checked
    return _streaming_response(_astream(job_id, after) if is_asgi else _stream(job_id, after))
