"""A self-contained HTML tearsheet of one run (QuantStats), against its benchmark.

QuantStats renders every chart as inline SVG; its template links a favicon and its website,
which are removed so that opening the report makes no request to anyone. :func:`external_refs`
is the check (used here before returning, and by the tests): any ``src``/``href``/``url()``/
``@import`` that would reach another host is an error, not a report that phones home.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from Backtest.research.errors import ResearchRunError

__all__ = ["TearsheetError", "external_refs", "periods_per_year", "tearsheet_html"]

# matplotlib's pyplot state is global: one report is drawn at a time per process.
_DRAWING = threading.Lock()
_LINK_TAG = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)
_ANCHOR = re.compile(
    r"<a\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL
)
_CSS_REMOTE = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"']?)(?:https?:)?//", re.IGNORECASE)
_FETCHING_ATTRS = {"src", "href", "xlink:href", "srcset", "poster", "data", "action", "background"}
MIN_BARS = 20


class TearsheetError(ResearchRunError):
    """The run cannot be turned into a tearsheet (too short, no equity, unsafe output)."""

    default_code = "tearsheet_error"


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _FETCHING_ATTRS and value and re.match(r"\s*(?:https?:)?//", value):
                self.found.append(f"<{tag} {name}={value}>")


def external_refs(html: str) -> list[str]:
    """Everything in ``html`` a browser would fetch from elsewhere (empty: self-contained)."""
    parser = _Refs()
    parser.feed(html)
    parser.close()
    return parser.found + [m.group() for m in _CSS_REMOTE.finditer(html)]


def periods_per_year(index: pd.DatetimeIndex) -> int:
    """Return periods a year of daily-or-slower bars, as backtesting.py annualises: 365 days
    when weekends trade (crypto), else 252; 52 for weekly and 12 for monthly bars."""
    spacing = pd.Series(index).diff().median()
    days = spacing / pd.Timedelta(days=1) if pd.notna(spacing) else 1.0
    if days >= 25:
        return 12
    if days >= 5:
        return 52
    weekends = float(np.mean(index.dayofweek >= 5)) if len(index) else 0.0
    return 365 if weekends > 2 / 7 * 0.6 else 252


def _daily(series: pd.Series) -> pd.Series:
    """Intraday bars as their last value per day (QuantStats works on daily returns)."""
    index = series.index
    if not isinstance(index, pd.DatetimeIndex):
        raise TearsheetError("A tearsheet needs dated bars; this run's bars have no dates.")
    if index.tz is not None:
        series = series.tz_convert("UTC").tz_localize(None)
    spacing = pd.Series(series.index).diff().median()
    if pd.notna(spacing) and spacing < pd.Timedelta(hours=20):
        series = series.groupby(series.index.normalize()).last()
    return series


def tearsheet_html(
    *,
    equity: pd.Series,
    benchmark_close: pd.Series,
    benchmark_symbol: str,
    title: str,
) -> str:
    """QuantStats' full HTML report of ``equity`` (one value per bar) against buy & hold of
    ``benchmark_close`` (aligned onto the strategy's bars: the last close at or before each)."""
    equity = _daily(equity.astype("float64").dropna())
    if len(equity) < MIN_BARS:
        raise TearsheetError(f"A tearsheet needs at least {MIN_BARS} days of equity.")
    bench = benchmark_close.astype("float64").dropna()
    if isinstance(bench.index, pd.DatetimeIndex) and bench.index.tz is not None:
        bench = bench.tz_convert("UTC").tz_localize(None)
    bench = bench.sort_index()
    bench = bench.groupby(bench.index.normalize()).last()
    bench = bench.reindex(equity.index, method="ffill")
    returns = equity.pct_change().iloc[1:].rename("Strategy")
    bench_returns = bench.pct_change().iloc[1:].fillna(0.0).rename(benchmark_symbol)
    periods = periods_per_year(pd.DatetimeIndex(equity.index))
    html = _render(returns, bench_returns, title=title, periods=periods)
    html = _LINK_TAG.sub("", html)
    html = _ANCHOR.sub(lambda m: m.group(1), html)
    leaks = external_refs(html)
    if leaks:
        raise TearsheetError(
            "The report would load resources from other hosts; refusing to serve it.",
            details={"references": leaks[:10]},
        )
    return html


def _render(returns: pd.Series, benchmark: pd.Series, *, title: str, periods: int) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import quantstats as qs  # heavy (matplotlib, scipy, seaborn): imported on first use

    # "findfont: Font family 'Arial' not found" for every label otherwise.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with _DRAWING, tempfile.TemporaryDirectory(prefix="tearsheet-") as tmp:
        path = Path(tmp) / "tearsheet.html"
        with contextlib.redirect_stdout(io.StringIO()):  # it prints progress
            qs.reports.html(  # type: ignore[no-untyped-call]
                returns,
                benchmark=benchmark,
                rf=0.0,
                title=title,
                output=str(path),
                periods_per_year=periods,
                figfmt="svg",
                benchmark_title=benchmark.name,
                strategy_title="Strategy",
            )
        import matplotlib.pyplot as plt

        plt.close("all")
        return path.read_text(encoding="utf-8")
