"""Project-level endpoints: health."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from algoagent import __version__


class HealthView(APIView):
    """Liveness and readiness: is the database reachable, which version is running."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Service health",
        responses={
            (200, "application/json"): inline_serializer(
                "Health",
                {
                    "status": serializers.ChoiceField(choices=["ok", "degraded"]),
                    "version": serializers.CharField(),
                    "time": serializers.DateTimeField(),
                    "database": inline_serializer(
                        "HealthDatabase",
                        {
                            "ok": serializers.BooleanField(),
                            "vendor": serializers.CharField(),
                            "error": serializers.CharField(required=False),
                        },
                    ),
                },
            ),
        },
    )
    def get(self, request):
        database: dict[str, object] = {"ok": True, "vendor": connection.vendor}
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as exc:  # any driver error means "not reachable"
            database = {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
        healthy = bool(database["ok"])
        body = {
            "status": "ok" if healthy else "degraded",
            "version": __version__,
            "time": timezone.now(),
            "database": database,
        }
        return Response(body, status=200 if healthy else 503)
