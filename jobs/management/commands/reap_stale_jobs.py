"""Fail jobs whose worker stopped heartbeating (run at startup and from cron if you like)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jobs.services import job_mark_stale_failed


class Command(BaseCommand):
    help = "Mark running jobs whose worker died as failed (worker_lost)."

    def handle(self, *args, **options):
        count = job_mark_stale_failed()
        self.stdout.write(f"{count} stale job(s) marked failed.")
