from django.apps import AppConfig


class BacktestApiConfig(AppConfig):
    """Saved backtest configurations and runs (each run is a ``backtest`` job)."""

    name = "backtest_api"
    verbose_name = "Backtests"

    def ready(self) -> None:
        # The job handler registers itself with the runner (web and worker processes alike).
        from backtest_api import job_handlers  # noqa: F401
