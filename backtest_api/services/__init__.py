"""Writes and workflows of the backtest app, one module per concern, re-exported here."""

from backtest_api.services.compare import backtest_run_compare
from backtest_api.services.configs import (
    backtest_config_create,
    backtest_config_delete,
    backtest_config_update,
)
from backtest_api.services.exports import backtest_run_plot_html, backtest_run_trades_csv
from backtest_api.services.runs import (
    backtest_run_cancel,
    backtest_run_delete,
    backtest_run_execute,
    backtest_run_submit,
    backtest_run_sync,
)

__all__ = [
    "backtest_config_create",
    "backtest_config_delete",
    "backtest_config_update",
    "backtest_run_cancel",
    "backtest_run_compare",
    "backtest_run_delete",
    "backtest_run_execute",
    "backtest_run_plot_html",
    "backtest_run_submit",
    "backtest_run_sync",
    "backtest_run_trades_csv",
]
