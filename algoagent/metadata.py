"""OPTIONS responses that never fail: DRF's default introspects serializers per action."""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class SafeMetadata(SimpleMetadata):
    """Name, description, renderers and parsers; the field listing only where it is derivable.

    Viewsets whose actions use explicit input serializers have no single ``serializer_class``;
    DRF's ``SimpleMetadata`` would raise for them (a 500 on OPTIONS).
    """

    def determine_actions(self, request, view):
        try:
            return super().determine_actions(request, view)
        except (AssertionError, AttributeError, TypeError):
            return None

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        if metadata.get("actions") is None:
            metadata.pop("actions", None)
        return metadata
