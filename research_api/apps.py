from django.apps import AppConfig


class ResearchApiConfig(AppConfig):
    name = "research_api"
    verbose_name = "Research"

    def ready(self) -> None:
        # Job handlers register themselves with the runner (web and worker processes alike).
        from research_api import job_handlers  # noqa: F401
