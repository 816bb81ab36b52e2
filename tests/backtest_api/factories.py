"""Test data for backtests: configs through the service, finished runs as stored rows.

``make_run`` writes what the job handler would store after a sandbox run, so endpoints that
only read results (list, detail, trades, compare, export) are tested without the sandbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backtest_api import services
from backtest_api.models import BacktestConfig, BacktestRun, RunSource, RunStatus
from tests.factories import make_strategy


def make_config(owner, *, name: str = "GOOG 2010-2012", **fields: Any) -> BacktestConfig:
    values = {"symbol": "GOOG", "start": dt.date(2010, 1, 1), "end": dt.date(2012, 12, 31)}
    return services.backtest_config_create(owner=owner, name=name, **{**values, **fields})


def stats(**overrides: Any) -> dict[str, Any]:
    """backtesting.py statistics as the sandbox reports them (a subset)."""
    values = {
        "Start": "2010-01-04T00:00:00",
        "End": "2012-12-31T00:00:00",
        "Exposure Time [%]": 92.9,
        "Equity Final [$]": 13_012.4,
        "Return [%]": 30.1,
        "Buy & Hold Return [%]": 32.7,
        "Sharpe Ratio": 0.33,
        "Sortino Ratio": 0.57,
        "Max. Drawdown [%]": -28.3,
        "# Trades": 34,
        "Win Rate [%]": 52.9,
        "Profit Factor": 1.55,
    }
    return {**values, **overrides}


def trade(n: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "entry_time": f"2010-02-{n + 1:02d}T00:00:00",
        "exit_time": f"2010-03-{n + 1:02d}T00:00:00",
        "entry_bar": n * 10,
        "exit_bar": n * 10 + 5,
        "entry_price": 500.0 + n,
        "exit_price": 510.0 + n,
        "size": 10.0,
        "pnl": 100.0,
        "return_pct": 0.02,
        "commission": 0.0,
        "duration_s": 86_400.0 * 28,
        "sl": None,
        "tp": None,
        "tag": None,
    }
    return {**values, **overrides}


def make_run(owner, *, strategy=None, trades: int = 3, **fields: Any) -> BacktestRun:
    """A finished, successful run of ``strategy`` (default: a new one) unless fields say else."""
    if strategy is None and fields.get("source", RunSource.STRATEGY) == RunSource.STRATEGY:
        strategy = make_strategy(owner)
    run_stats = fields.pop("stats", stats())
    values: dict[str, Any] = {
        "owner": owner,
        "source": RunSource.STRATEGY,
        "label": f"{strategy.name} v1" if strategy else "inline",
        "strategy": strategy,
        "version": strategy.versions.get(number=1) if strategy else None,
        "symbol": "GOOG",
        "start": dt.date(2010, 1, 1),
        "end": dt.date(2012, 12, 31),
        "settings": {"cash": 10_000.0, "commission": 0.0},
        "status": RunStatus.SUCCEEDED,
        "progress": 100,
        "success": True,
        "stats": run_stats,
        "return_pct": run_stats.get("Return [%]"),
        "num_trades": run_stats.get("# Trades"),
        "win_rate": run_stats.get("Win Rate [%]"),
        "sharpe_ratio": run_stats.get("Sharpe Ratio"),
        "max_drawdown": run_stats.get("Max. Drawdown [%]"),
        "trades": [trade(n) for n in range(trades)],
        "trades_total": trades,
        "equity_curve": [{"time": "2010-01-04T00:00:00", "equity": 10_000.0, "drawdown_pct": 0}],
    }
    values.update(fields)
    return BacktestRun.objects.create(**values)
