from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Run file retention"

    def ready(self) -> None:
        from django.conf import settings

        from jobs import periodic
        from retention.services import runs_prune

        # Every worker offers to prune; the shared cache lets one of them do it per interval.
        periodic.register("prune_runs", every_s=settings.RUN_PRUNE_INTERVAL_MINUTES * 60)(
            lambda: runs_prune()
        )
