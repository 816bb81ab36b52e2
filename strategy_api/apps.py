from django.apps import AppConfig


class StrategyApiConfig(AppConfig):
    name = "strategy_api"
    verbose_name = "Strategies"

    def ready(self) -> None:
        # Job handlers register themselves with the runner (web and worker processes alike).
        from strategy_api import job_handlers  # noqa: F401
