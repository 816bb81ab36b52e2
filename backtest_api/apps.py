from django.apps import AppConfig


class BacktestApiConfig(AppConfig):
    """Saved backtest configurations and runs (endpoints arrive with the backtests issue)."""

    name = "backtest_api"
    verbose_name = "Backtests"
