"""A run's plot, drawn after the answer: the run is stored and its job completes first.

Drawing backtesting.py's Bokeh plot costs more than the backtest itself, so a run that asks for
a plot is executed without one, stored with ``plot_status = pending`` and answered; a follow-up
(``jobs.followups``) then runs the same code on the same bars again in a fresh sandboxed process
with the plot on (user code only ever runs in the sandbox), checks that this second run
reproduces the stored one (trade count and return), and stores the plot: ``ready``, ``failed``
(the re-run failed or differed) or ``too_large``. A plot left ``pending`` by a process that died
is marked ``failed`` once it is older than ``RUN_PLOT_STALE_SECONDS`` (periodically by the
workers, and when its plot is asked for).

Both ``StrategyExecution`` and ``BacktestRun`` keep a plot this way; the functions take the
model and the name of its "finished at" field, so this app does not import the strategy app.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.http import Http404
from django.utils import timezone

from algoagent.errors import ApiError
from Backtest.pipeline import BacktestOutcome, BacktestRequest
from backtest_api import pipeline, plots
from backtest_api.executor import run_file_relative
from backtest_api.models import PlotStatus
from jobs.followups import followup_submit

#: Seconds a client is told to wait before asking for a plot still being drawn.
PLOT_RETRY_AFTER_S = 2
# What the sandbox says when it refuses a plot for its size (child, host side).
_TOO_LARGE_MARKERS = ("plot is larger than", "the plot was refused")


def plot_deferred(request: BacktestRequest) -> BacktestRequest:
    """The request to answer with: the same run without drawing the plot."""
    return request.model_copy(update={"plot": False}) if request.plot else request


def plot_status_initial(*, request: BacktestRequest, outcome: BacktestOutcome) -> str:
    """``pending`` when a plot was asked for and the run succeeded (it will be drawn), else
    ``none``."""
    return PlotStatus.PENDING if request.plot and outcome.result.success else PlotStatus.NONE


def _same_return(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def plot_draw(
    *,
    owner: User,
    request: BacktestRequest,
    code: str,
    num_trades: int | None,
    return_pct: float | None,
) -> tuple[str, str]:
    """Run ``code`` again in the sandbox with the plot on; ``(plot_status, plot_file)``.

    The plot only stands for the stored run when the re-run reproduces it (same number of
    trades, same return): a strategy that is not deterministic gets ``failed``, never a plot of
    another run.
    """
    outcome = pipeline.backtest_execute(
        owner=owner, request=request.model_copy(update={"plot": True}), code=code
    )
    result = outcome.result
    if (
        not result.success
        or result.num_trades != num_trades
        or not _same_return(result.return_pct, return_pct)
    ):
        return PlotStatus.FAILED, ""
    pipeline.run_outputs_cap(outcome)
    if result.plot_file:
        return PlotStatus.READY, run_file_relative(result.plot_file)
    refused = any(w["code"] == "plot_too_large" for w in outcome.warnings_json()) or any(
        marker in (result.plot_error or "") for marker in _TOO_LARGE_MARKERS
    )
    return (PlotStatus.TOO_LARGE if refused else PlotStatus.FAILED), ""


def plot_store(*, model: type[models.Model], pk: int, plot_status: str, plot_file: str) -> bool:
    """Record a drawn plot on a row still waiting for it (False if it is gone or no longer
    pending)."""
    updated = model._default_manager.filter(pk=pk, plot_status=PlotStatus.PENDING).update(
        plot_status=plot_status, plot_file=plot_file
    )
    return bool(updated)


def plot_followup_submit(
    *,
    model: type[models.Model],
    pk: int,
    owner: User,
    request: BacktestRequest,
    code: str,
    outcome: BacktestOutcome,
) -> None:
    """Draw the plot of the stored row ``pk`` after the current job has answered."""
    expected: dict[str, Any] = {
        "num_trades": outcome.result.num_trades,
        "return_pct": outcome.result.return_pct,
    }

    def draw() -> None:
        try:
            status, plot_file = plot_draw(owner=owner, request=request, code=code, **expected)
        except Exception:
            plot_store(model=model, pk=pk, plot_status=PlotStatus.FAILED, plot_file="")
            raise
        plot_store(model=model, pk=pk, plot_status=status, plot_file=plot_file)

    followup_submit(f"plot of {model.__name__} {pk}", draw)


def plots_mark_stale_failed(*, model: type[models.Model], time_field: str) -> int:
    """Mark ``failed`` the plots still pending ``RUN_PLOT_STALE_SECONDS`` after their run
    (the process drawing them died); how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.RUN_PLOT_STALE_SECONDS)
    return model._default_manager.filter(
        plot_status=PlotStatus.PENDING, **{f"{time_field}__lt": cutoff}
    ).update(plot_status=PlotStatus.FAILED)


def plot_html_of(*, row: Any, time_field: str) -> bytes:
    """The row's plot ready to serve, or the error that says why there is none yet / at all:
    404 ``plot_not_ready`` (with ``Retry-After``) while it is drawn, ``plot_failed``,
    ``plot_too_large``, or a plain 404 without a plot."""
    status = row.plot_status
    if status == PlotStatus.PENDING:
        started = getattr(row, time_field)
        stale = started is not None and timezone.now() - started > timedelta(
            seconds=settings.RUN_PLOT_STALE_SECONDS
        )
        if stale and plot_store(
            model=type(row), pk=row.pk, plot_status=PlotStatus.FAILED, plot_file=""
        ):
            status = PlotStatus.FAILED
        else:
            raise ApiError(
                "The plot is being drawn; ask again in a moment.",
                code="plot_not_ready",
                details={"retry_after_s": PLOT_RETRY_AFTER_S},
                status_code=404,
            )
    if status == PlotStatus.FAILED:
        raise ApiError(
            "The plot could not be drawn (the run was not reproduced, or drawing it failed).",
            code="plot_failed",
            status_code=404,
        )
    if status == PlotStatus.TOO_LARGE:
        raise ApiError(
            f"The plot was refused: it is over the {settings.RUN_PLOT_MAX_BYTES:,}-byte limit.",
            code="plot_too_large",
            status_code=404,
        )
    html = plots.plot_html(plot_file=row.plot_file)
    if html is None:
        raise Http404("This run has no plot.")
    return html
