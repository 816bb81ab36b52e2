"""What a run produced, as files: trades as CSV, the plot as HTML (JSON is the serializer's)."""

from __future__ import annotations

import csv
import io
from typing import Any

from backtest_api import plot_drawing
from backtest_api.models import BacktestRun

TRADE_COLUMNS = (
    "entry_time",
    "exit_time",
    "entry_bar",
    "exit_bar",
    "entry_price",
    "exit_price",
    "size",
    "pnl",
    "return_pct",
    "commission",
    "duration_s",
    "sl",
    "tp",
    "tag",
)
# Spreadsheets run cells starting with these as formulas; tags come from untrusted code.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def backtest_run_trades_csv(*, run: BacktestRun) -> str:
    """The run's stored trades, one row each under a header of ``TRADE_COLUMNS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TRADE_COLUMNS)
    for trade in run.trades:
        writer.writerow([_cell(trade.get(column)) for column in TRADE_COLUMNS])
    return buffer.getvalue()


def backtest_run_plot_html(*, run: BacktestRun) -> bytes:
    """The run's self-contained Bokeh plot (see ``backtest_api.plots``); 404 ``plot_not_ready``
    while it is drawn, ``plot_failed`` / ``plot_too_large`` when there will be none."""
    return plot_drawing.plot_html_of(row=run, time_field="finished_at")
