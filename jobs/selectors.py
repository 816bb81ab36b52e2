"""Reads of jobs, always scoped to the requesting user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jobs.models import Job, JobEvent


def job_list(*, user: AbstractBaseUser) -> QuerySet[Job]:
    return Job.objects.filter(owner=user)


def job_get(*, user: AbstractBaseUser, pk) -> Job:
    return get_object_or_404(job_list(user=user), pk=pk)


def job_events_after(*, job: Job, after: int = 0) -> QuerySet[JobEvent]:
    return JobEvent.objects.filter(job=job, seq__gt=after).order_by("seq")


def job_events_after_id(*, job_id, after: int = 0) -> QuerySet[JobEvent]:
    """Events of a job already authorised by id (the SSE stream re-reads without the row)."""
    return JobEvent.objects.filter(job_id=job_id, seq__gt=after).order_by("seq")
