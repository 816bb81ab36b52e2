"""``manage.py prune_runs``: apply the run-file retention policy now (workers also do it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from retention.services import runs_prune


class Command(BaseCommand):
    help = "Delete run files past RUN_RETENTION_DAYS or over RUN_MAX_MB_PER_USER, and orphans"

    def handle(self, *args, **options):
        self.stdout.write(str(runs_prune()))
