"""Shared by every action that starts a job: answer 202, or with `Prefer: wait` the result."""

from __future__ import annotations

import re

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from algoagent.errors import ApiError
from jobs import services
from jobs.models import Job, JobStatus

MAX_WAIT_SECONDS = 60

# The request header every job-starting action documents in the OpenAPI schema.
PREFER_WAIT_HEADER = OpenApiParameter(
    "Prefer",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=f"RFC 7240 `wait=N` (N <= {MAX_WAIT_SECONDS}): answer with the finished result "
    "if it completes in time, else 202 with the job.",
)
_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+)", re.IGNORECASE)


def prefer_wait_seconds(request) -> int | None:
    """Seconds from an RFC 7240 ``Prefer: wait=N`` header, capped at 60; None when absent."""
    match = _WAIT.search(request.headers.get("Prefer", ""))
    if not match:
        return None
    return min(int(match.group(1)), MAX_WAIT_SECONDS)


def job_accepted_response(job: Job) -> Response:
    url = reverse("job-detail", args=[job.pk])
    body = {"job_id": str(job.pk), "status": job.status, "job_url": url}
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})


def job_response(request, job: Job, *, default_wait: int | None = None) -> Response:
    """The answer of an action that submitted ``job``.

    Without ``Prefer: wait`` (or when the wait runs out) it is 202 with the job's URL. When the
    job finished in time it is the job's result with its status (200/201), or its error in the
    error shape with the error's status (e.g. 422 for a request that could not be understood).
    ``default_wait`` applies when the client sent no ``Prefer: wait`` (quick_run waits by default).
    """
    wait = prefer_wait_seconds(request)
    if wait is None and default_wait is not None:
        wait = min(default_wait, MAX_WAIT_SECONDS)
    if wait:
        job = services.job_wait(job=job, timeout_s=wait)
    if not job.is_finished or not wait:
        response = job_accepted_response(job)
    elif job.status == JobStatus.SUCCEEDED:
        response = Response(job.result, status=job.result_status or status.HTTP_200_OK)
    elif job.status == JobStatus.CANCELLED:
        raise ApiError(
            "The job was cancelled.",
            code="job_cancelled",
            details={"job_id": str(job.pk)},
            status_code=status.HTTP_409_CONFLICT,
        )
    else:
        error = job.error or {}
        raise ApiError(
            error.get("message", "The job failed."),
            code=error.get("code", "job_failed"),
            details={**error.get("details", {}), "job_id": str(job.pk)},
            status_code=job.result_status or status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if wait:
        response["Preference-Applied"] = f"wait={wait}"
    return response
