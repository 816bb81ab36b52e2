"""Job endpoints: status, events (JSON or Server-Sent Events), cancel."""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from algoagent.serializers import reject_body
from jobs import selectors, services
from jobs.filters import JobFilter
from jobs.models import Job
from jobs.serializers import JobEventSerializer, JobEventsQuerySerializer, JobSerializer

# Each SSE event as clients (and schemathesis) parse it: id = seq, event = kind, data = JSON text.
SSE_EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "event": {"type": "string"},
        "data": {"type": "string"},
        "retry": {"type": "integer"},
    },
}


class EventStreamRenderer(BaseRenderer):
    """Lets content negotiation accept ``Accept: text/event-stream`` (the view streams itself)."""

    media_type = "text/event-stream"
    format = "sse"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The requesting user's jobs."""

    serializer_class = JobSerializer
    filterset_class = JobFilter
    ordering_fields = ["created_at", "status", "kind"]
    ordering = ["-created_at"]
    search_fields: list[str] = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return selectors.job_list(user=self.request.user)

    def get_object(self):
        # A job whose worker died is failed here rather than left "running" for its reader.
        services.job_mark_stale_failed()
        return super().get_object()

    @extend_schema(summary="List your jobs")
    def list(self, request, *args, **kwargs):
        services.job_mark_stale_failed()
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A job's status, progress, result or error")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="A job's events (JSON, or a Server-Sent Events stream)",
        description=(
            "JSON list of events after `?after=<seq>`. With `Accept: text/event-stream` the "
            "events are streamed as they happen (SSE `id` = seq, `event` = kind) and the stream "
            "ends with the job; reconnect with `Last-Event-ID` to resume."
        ),
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="Only events with seq > after")
        ],
        responses={
            (200, "application/json"): JobEventSerializer(many=True),
            (200, "text/event-stream"): OpenApiResponse(
                SSE_EVENT_SCHEMA,
                description="Server-Sent Events: one event per JobEvent (data = its JSON).",
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer, EventStreamRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def events(self, request, pk=None):
        # SSE requests never get here: jobs.streams.job_events (routed first) streams them.
        job = self.get_object()
        query = JobEventsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data["after"]
        events = selectors.job_events_after(job=job, after=after)
        return Response(JobEventSerializer(events, many=True).data)

    @extend_schema(
        summary="Cancel a job (queued: at once; running: at its next checkpoint)",
        description=(
            "A job that already finished (succeeded, failed or cancelled) is not changed: "
            "409 `job_finished`, with the job's status in `details.status`."
        ),
        request=None,
        responses={
            200: JobSerializer,
            409: OpenApiResponse(description="The job already finished (error shape)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        reject_body(request)
        job = services.job_cancel(job=self.get_object())
        return Response(JobSerializer(job).data)
