"""Compression for what the workspace loads: JSON from the API and, under DEBUG, static files.

Market data and runs are large JSON documents (a run screen reads ~800 KB uncompressed), which
gzip shrinks ~5x. Django's GZipMiddleware pads responses against BREACH. Event streams are left
alone so every event reaches the client the moment it is written. In production WhiteNoise
serves pre-compressed static files itself (``Content-Encoding`` set, so they are skipped here).
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware


class GZipExceptEventStreamsMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("text/event-stream"):
            return response
        return super().process_response(request, response)
