from django.apps import AppConfig


class ProductionApiConfig(AppConfig):
    """Pre-flight checks: spec schema, code validation, sandbox smoke test, backtest config."""

    name = "production_api"
    verbose_name = "Production checks"
