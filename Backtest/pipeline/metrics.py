"""backtesting.py's statistics under stable names whose suffix says the unit.

``*_pct`` is in percent (12.5 means 12.5 %), ``*_s`` in seconds, money in the account
currency, ``start``/``end`` ISO 8601. The raw statistics stay available under their
backtesting.py names (``stats``); these names are what the API documents and ranks by.
"""

from __future__ import annotations

from typing import Any

__all__ = ["METRICS", "metrics_from_stats"]

#: API name -> (backtesting.py statistic, description with its unit).
METRICS: dict[str, tuple[str, str]] = {
    "start": ("Start", "First bar (ISO 8601)"),
    "end": ("End", "Last bar (ISO 8601)"),
    "duration_s": ("Duration", "Time covered, seconds"),
    "exposure_pct": ("Exposure Time [%]", "Share of bars with a position, percent"),
    "equity_final": ("Equity Final [$]", "Final equity, account currency"),
    "equity_peak": ("Equity Peak [$]", "Highest equity, account currency"),
    "commissions": ("Commissions [$]", "Commissions paid, account currency"),
    "return_pct": ("Return [%]", "Total return, percent"),
    "buy_hold_return_pct": ("Buy & Hold Return [%]", "Buy & hold of the same bars, percent"),
    "return_ann_pct": ("Return (Ann.) [%]", "Annualised return, percent"),
    "cagr_pct": ("CAGR [%]", "Compound annual growth rate, percent"),
    "volatility_ann_pct": ("Volatility (Ann.) [%]", "Annualised volatility, percent"),
    "sharpe_ratio": ("Sharpe Ratio", "Sharpe ratio (risk-free 0), a ratio"),
    "sortino_ratio": ("Sortino Ratio", "Sortino ratio, a ratio"),
    "calmar_ratio": ("Calmar Ratio", "Calmar ratio, a ratio"),
    "alpha_pct": ("Alpha [%]", "Alpha against buy & hold, percent"),
    "beta": ("Beta", "Beta against buy & hold, a ratio"),
    "max_drawdown_pct": ("Max. Drawdown [%]", "Deepest drawdown, percent (negative)"),
    "avg_drawdown_pct": ("Avg. Drawdown [%]", "Average drawdown, percent (negative)"),
    "max_drawdown_duration_s": ("Max. Drawdown Duration", "Longest drawdown, seconds"),
    "avg_drawdown_duration_s": ("Avg. Drawdown Duration", "Average drawdown, seconds"),
    "num_trades": ("# Trades", "Closed trades counted in the statistics"),
    "win_rate_pct": ("Win Rate [%]", "Winning trades, percent"),
    "best_trade_pct": ("Best Trade [%]", "Best trade return, percent"),
    "worst_trade_pct": ("Worst Trade [%]", "Worst trade return, percent"),
    "avg_trade_pct": ("Avg. Trade [%]", "Average trade return, percent"),
    "max_trade_duration_s": ("Max. Trade Duration", "Longest trade, seconds"),
    "avg_trade_duration_s": ("Avg. Trade Duration", "Average trade, seconds"),
    "profit_factor": ("Profit Factor", "Gross profit / gross loss, a ratio"),
    "expectancy_pct": ("Expectancy [%]", "Expected return per trade, percent"),
    "sqn": ("SQN", "System quality number"),
    "kelly_criterion": ("Kelly Criterion", "Kelly fraction"),
}


def metrics_from_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Every known metric (None when backtesting.py did not report it)."""
    out: dict[str, Any] = {}
    for name, (key, _) in METRICS.items():
        value = stats.get(key)
        out[name] = value if isinstance(value, int | float | str) or value is None else None
    return out
