"""Request-level guards that must run before DRF parses anything."""

from __future__ import annotations

from django.conf import settings
from django.urls import Resolver404, resolve

from algoagent.errors import error_json_response

_UPLOAD_PATHS = {"/api/data/upload/"}
_MULTIPART_OVERHEAD = 64 * 1024


class ApiBodySizeLimitMiddleware:
    """Answer 413 in the error shape when an API request body exceeds ``API_MAX_BODY_BYTES``.

    DRF reads the body as a stream, bypassing Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` check,
    so the limit is enforced here from the declared Content-Length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.API_MAX_BODY_BYTES
            if request.path in _UPLOAD_PATHS:
                # CSV uploads have their own (larger) limit, checked again by the parser.
                limit = max(limit, settings.DATASET_UPLOAD_MAX_BYTES + _MULTIPART_OVERHEAD)
            if length > limit:
                return error_json_response(
                    "payload_too_large",
                    f"The request body is {length} bytes; the limit is {limit} bytes.",
                    413,
                    {"limit_bytes": limit, "received_bytes": length},
                )
        return self.get_response(request)


class ApiUnknownUrlMiddleware:
    """Answer an API URL that matches no endpoint with 404 in the error shape, before Django does.

    Django's own answers here are not the API's: under DEBUG (``make run``) an unknown URL gets
    the HTML debug page listing every URL pattern (``handler404`` is not used), and a POST, PUT,
    PATCH or DELETE without the trailing slash makes ``CommonMiddleware`` raise, a 500 with a
    traceback page; without DEBUG it redirects, and the client repeats the write as a GET.
    A GET or HEAD without the slash keeps its redirect (nothing is lost by following it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/") and not _resolves(request.path_info):
            with_slash = request.path_info + "/"
            if not request.path_info.endswith("/") and _resolves(with_slash):
                if request.method in ("GET", "HEAD"):
                    return self.get_response(request)
                return error_json_response(
                    "not_found",
                    f"No such endpoint: API URLs end with a slash ({request.method} {with_slash}).",
                    404,
                    {"path": request.path_info, "did_you_mean": with_slash},
                )
            return error_json_response("not_found", "No such endpoint.", 404)
        return self.get_response(request)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
