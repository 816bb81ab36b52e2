"""Tearsheets: QuantStats' report of one execution against its benchmark, built once, kept.

The report needs the equity of every bar. An execution keeps its whole curve when the run had
at most ``MAX_EQUITY_POINTS`` bars; a longer run keeps a downsampled curve, so the version is
run again with the same settings through the one pipeline, and the re-run is used only if it
reproduces the execution (same return, same number of trades): a report of a different run
would be a wrong report that looks right.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import pandas as pd
from django.db import IntegrityError, transaction

from Backtest.pipeline import BacktestRequest
from Backtest.research.tearsheet import TearsheetError, tearsheet_html
from backtest_api import pipeline
from research_api.models import Tearsheet
from strategy_api.models import StrategyExecution

# Inline SVG and styles only; nothing may be fetched, nothing may run.
TEARSHEET_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; sandbox"
)


def execution_request(execution: StrategyExecution) -> BacktestRequest:
    """The request an execution ran with (its settings, symbol and dates)."""
    options = dict(execution.options or {})
    return BacktestRequest.build(
        symbol=execution.test_symbol,
        start=execution.start.date() if execution.start else None,
        end=execution.end.date() if execution.end else None,
        plot=False,
        **options,
    )


def _series(points: list[dict[str, Any]]) -> pd.Series:
    times = pd.to_datetime([p.get("time") for p in points], utc=True).tz_localize(None)
    return pd.Series([p.get("equity") for p in points], index=times, dtype="float64")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def execution_equity(execution: StrategyExecution) -> tuple[pd.Series, str]:
    """The execution's equity at every bar, and where it came from (stored or rerun)."""
    curve = execution.equity_curve or []
    if curve and execution.bars and len(curve) >= execution.bars:
        return _series(curve), "stored"
    if execution.version is None:
        raise TearsheetError("The execution's code is no longer available to re-run it.")
    outcome = pipeline.backtest_execute(
        owner=execution.strategy.owner,
        request=execution_request(execution),
        code=execution.version.code,
        full_equity=True,
    )
    result = outcome.result
    stats = execution.stats or {}
    reproduced = result.success and all(
        _same((result.stats or {}).get(key), stats.get(key)) for key in ("Return [%]", "# Trades")
    )
    if not reproduced or len(result.equity_curve) != outcome.bars:
        raise TearsheetError(
            "Re-running this execution to get its equity at every bar gave a different result "
            "(the data or the code's behaviour changed), so no tearsheet is made from it.",
            code="not_reproducible",
        )
    return _series(result.equity_curve), "rerun"


def execution_tearsheet(*, execution: StrategyExecution) -> str:
    """The execution's tearsheet HTML (built and stored on first request)."""
    cached = Tearsheet.objects.filter(execution=execution).only("html").first()
    if cached is not None:
        return cached.html
    equity, source = execution_equity(execution)
    benchmark = execution.benchmark or {}
    symbol = benchmark.get("symbol") or execution.test_symbol
    request = execution_request(execution).model_copy(
        update={
            "symbol": symbol,
            "start": equity.index[0].date(),
            "end": equity.index[-1].date(),
            "last_bars": None,
        }
    )
    close = pipeline.backtest_data_load(owner=execution.strategy.owner, request=request)["Close"]
    version = execution.version.number if execution.version else "?"
    html = tearsheet_html(
        equity=equity,
        benchmark_close=close,
        benchmark_symbol=symbol,
        title=f"{execution.strategy.name} v{version} on {execution.test_symbol}",
    )
    # Built concurrently by another request: theirs is as good.
    with contextlib.suppress(IntegrityError), transaction.atomic():
        Tearsheet.objects.create(
            execution=execution, benchmark_symbol=symbol, html=html, source=source
        )
    return html
