from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Long-running work (generate, execute, fix) as jobs with progress events."""

    name = "jobs"
    verbose_name = "Jobs"
