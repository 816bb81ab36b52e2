from django.apps import AppConfig


class StrategyApiConfig(AppConfig):
    name = "strategy_api"
    verbose_name = "Strategies"

    def ready(self) -> None:
        # Job handlers register themselves with the runner (web and worker processes alike).
        from backtest_api.plot_drawing import plots_mark_stale_failed
        from jobs import periodic
        from strategy_api import job_handlers  # noqa: F401
        from strategy_api.models import StrategyExecution

        # Plots whose drawing process died: every worker offers at start and each minute.
        periodic.register("stale_plots_executions", every_s=60)(
            lambda: plots_mark_stale_failed(model=StrategyExecution, time_field="timestamp")
        )
