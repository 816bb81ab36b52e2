from django.apps import AppConfig


class BacktestApiConfig(AppConfig):
    """Saved backtest configurations and runs (each run is a ``backtest`` job)."""

    name = "backtest_api"
    verbose_name = "Backtests"

    def ready(self) -> None:
        # The job handler registers itself with the runner (web and worker processes alike).
        from backtest_api import job_handlers  # noqa: F401
        from backtest_api.models import BacktestRun
        from backtest_api.plot_drawing import plots_mark_stale_failed
        from jobs import periodic

        # Plots whose drawing process died: every worker offers at start and each minute.
        periodic.register("stale_plots_backtest_runs", every_s=60)(
            lambda: plots_mark_stale_failed(model=BacktestRun, time_field="finished_at")
        )
