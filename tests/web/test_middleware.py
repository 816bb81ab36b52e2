"""Compression of what the workspace loads, never of event streams."""

from __future__ import annotations

import gzip

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.test import RequestFactory

from web.middleware import GZipExceptEventStreamsMiddleware


def _through(response):
    request = RequestFactory().get("/api/x/", headers={"Accept-Encoding": "gzip"})
    return GZipExceptEventStreamsMiddleware(lambda r: response)(request)


def test_json_is_compressed_for_clients_that_accept_gzip():
    body = {"bars": [{"close": i} for i in range(500)]}
    response = _through(JsonResponse(body))
    assert response["Content-Encoding"] == "gzip"
    assert b'"close": 499' in gzip.decompress(response.content)


def test_event_streams_are_left_alone():
    stream = StreamingHttpResponse(iter(["id: 1\ndata: {}\n\n"]), content_type="text/event-stream")
    response = _through(stream)
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == b"id: 1\ndata: {}\n\n"


def test_small_responses_stay_as_they_are():
    response = _through(HttpResponse(b"ok", content_type="text/plain"))
    assert response.content == b"ok"
