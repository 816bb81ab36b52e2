"""Job shapes for the API."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from algoagent.serializers import StrictQuerySerializer
from jobs.models import Job, JobEvent


class JobEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobEvent
        fields = ["seq", "time", "kind", "message", "progress", "data"]
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer):
    job_url = serializers.SerializerMethodField()
    events_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "strategy",
            "input",
            "result",
            "error",
            "cancel_requested",
            "worker",
            "created_at",
            "started_at",
            "finished_at",
            "job_url",
            "events_url",
        ]
        read_only_fields = fields

    def get_job_url(self, job: Job) -> str:
        return reverse("job-detail", args=[job.pk])

    def get_events_url(self, job: Job) -> str:
        return reverse("job-events", args=[job.pk])


class JobAcceptedSerializer(serializers.Serializer):
    """The 202 answer of an action that started a job."""

    job_id = serializers.UUIDField()
    status = serializers.CharField()
    job_url = serializers.CharField()


class JobEventsQuerySerializer(StrictQuerySerializer):
    after = serializers.IntegerField(required=False, min_value=0, default=0)
