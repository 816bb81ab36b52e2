"""Key status and switches (staff only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from algoagent.serializers import reject_body
from apikeys import services
from apikeys.serializers import KeyStatusSerializer, ProviderStatusSerializer


class KeyViewSet(viewsets.ViewSet):
    """Gemini key rotation status; enable/disable a key for every process. Staff only."""

    permission_classes = [IsAdminUser]
    lookup_field = "alias"
    lookup_value_regex = r"[A-Za-z0-9_.-]{1,64}"

    @extend_schema(summary="LLM provider and key health", responses=ProviderStatusSerializer)
    @action(detail=False, methods=["get"])
    def status(self, request):
        return Response(services.key_status())

    @extend_schema(
        summary="Take a key out of rotation", request=None, responses=KeyStatusSerializer
    )
    @action(detail=True, methods=["post"])
    def disable(self, request, alias=None):
        reject_body(request)
        return Response(services.key_set_enabled(alias=alias, enabled=False))

    @extend_schema(
        summary="Put a key back into rotation (clears invalid and cooldown)",
        request=None,
        responses=KeyStatusSerializer,
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, alias=None):
        reject_body(request)
        return Response(services.key_set_enabled(alias=alias, enabled=True))
