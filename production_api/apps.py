from django.apps import AppConfig


class ProductionApiConfig(AppConfig):
    """Pre-flight checks: spec schema, code validation, sandbox smoke test, backtest config."""

    name = "production_api"
    verbose_name = "Production checks"

    def ready(self) -> None:
        # The sandbox-test job handler registers itself with the runner.
        from production_api import job_handlers  # noqa: F401
