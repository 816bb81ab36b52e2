"""Request-level guards that must run before DRF parses anything."""

from __future__ import annotations

from django.conf import settings

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
