"""Health: database, live workers, sandbox layers, version (the jobs app watches workers)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from algoagent import __version__
from Backtest.sandbox import available_layers
from jobs.models import Job, JobStatus, WorkerHeartbeat
from jobs.services import runs_inline


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
                    "workers": inline_serializer(
                        "HealthWorkers",
                        {
                            "ok": serializers.BooleanField(),
                            "backend": serializers.CharField(),
                            "alive": serializers.IntegerField(),
                            "queued_jobs": serializers.IntegerField(),
                        },
                    ),
                    "sandbox": inline_serializer(
                        "HealthSandbox",
                        {
                            "ok": serializers.BooleanField(),
                            "available_layers": serializers.ListField(
                                child=serializers.CharField()
                            ),
                            "required_layers": serializers.ListField(child=serializers.CharField()),
                            "missing_layers": serializers.ListField(child=serializers.CharField()),
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
        workers = _workers() if database["ok"] else {"ok": False}
        sandbox = _sandbox()
        healthy = bool(database["ok"])
        body = {
            "status": "ok" if healthy and workers["ok"] and sandbox["ok"] else "degraded",
            "version": __version__,
            "time": timezone.now(),
            "database": database,
            "workers": workers,
            "sandbox": sandbox,
        }
        return Response(body, status=200 if healthy else 503)


def _workers() -> dict[str, object]:
    """Live db_worker processes (recent heartbeat) and the queue they should be draining."""
    inline = runs_inline()
    cutoff = timezone.now() - timedelta(seconds=3 * settings.JOB_HEARTBEAT_SECONDS)
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).count()
    return {
        "ok": inline or alive > 0,
        "backend": "immediate" if inline else "database",
        "alive": alive,
        "queued_jobs": Job.objects.filter(status=JobStatus.QUEUED).count(),
    }


def _sandbox() -> dict[str, object]:
    """Isolation layers this machine enforces, against the ones the settings require."""
    available = available_layers()
    required = list(settings.SANDBOX_REQUIRE_LAYERS)
    missing = [layer for layer in required if layer not in available]
    return {
        "ok": not missing,
        "available_layers": available,
        "required_layers": required,
        "missing_layers": missing,
    }
