"""Content negotiation for the export action, where ``?format=`` names the file format.

DRF reads the ``format`` query parameter as a renderer selector (``URL_FORMAT_OVERRIDE``), so
``?format=csv`` would be a 404 before the view runs. The export keeps the parameter name clients
know and opts out instead: every DRF response of that action (the JSON export and errors) is
JSON; the CSV file is a plain ``HttpResponse`` that needs no renderer.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class FileFormatNegotiation(DefaultContentNegotiation):
    """Always the view's first renderer, whatever ``?format=`` or ``Accept`` say."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type
