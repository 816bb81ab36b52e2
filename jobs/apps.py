from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Long-running work (generate, execute, fix) as jobs with progress events."""

    name = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from jobs import lifecycle, notify

        notify.set_stale_check(lifecycle.job_mark_stale_failed)
