from django.apps import AppConfig


class DataApiConfig(AppConfig):
    """Market data over the API: symbols, OHLCV, uploads, Yahoo fetches, indicator series."""

    name = "data_api"
    verbose_name = "Market data"

    def ready(self) -> None:
        # Job handlers register themselves with the runner (web and worker processes alike).
        from data_api import job_handlers  # noqa: F401
