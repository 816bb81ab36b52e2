"""The plot is drawn after the answer: pending, then ready (or failed, too large, stale)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from Backtest.errors import DataError
from Backtest.pipeline import BacktestRequest
from backtest_api import pipeline, plot_drawing, plots
from backtest_api.models import BacktestRun, PlotStatus
from strategy_api.models import StrategyExecution
from tests.backtest_api.factories import make_run
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = pytest.mark.django_db

WAIT = {"HTTP_PREFER": "wait=60"}


@pytest.fixture
def held_followups(monkeypatch):
    """The follow-ups submitted, held instead of run, so a test sees the state in between."""
    held: list = []
    monkeypatch.setattr(plot_drawing, "followup_submit", lambda name, func: held.append(func))
    return held


def _assert_not_ready(response) -> None:
    assert response.status_code == 404
    assert response["Retry-After"] == "2"
    if response.content:  # HEAD has no body
        error = response.json()["error"]
        assert error["code"] == "plot_not_ready"
        assert error["details"]["retry_after_seconds"] == 2


@pytest.mark.slow
def test_execute_answers_with_the_plot_pending_then_the_followup_makes_it_ready(
    api_client, user, held_followups
):
    strategy = make_strategy(user)
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {}, **WAIT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["plot_status"] == "pending"
    job = api_client.get(f"/api/jobs/{StrategyExecution.objects.get().job_id}/").json()
    assert job["status"] == "succeeded"
    _assert_not_ready(api_client.get(body["plot_url"]))
    _assert_not_ready(api_client.head(body["plot_url"]))

    assert len(held_followups) == 1
    held_followups.pop()()

    detail = api_client.get(
        f"/api/strategies/{strategy.pk}/executions/{body['execution_id']}/"
    ).json()
    assert detail["plot_status"] == "ready"
    plot = api_client.get(body["plot_url"])
    assert plot.status_code == 200
    assert plot["Content-Security-Policy"] == plots.PLOT_CSP
    assert b"bokeh" in plot.content


@pytest.mark.slow
def test_backtest_run_answers_with_the_plot_pending_then_the_followup_makes_it_ready(
    api_client, user, held_followups
):
    strategy = make_strategy(user)
    body = api_client.post(
        "/api/backtests/run/", {"strategy": strategy.pk, "symbol": "GOOG"}, **WAIT
    ).json()
    assert (body["status"], body["plot_status"]) == ("succeeded", "pending")
    _assert_not_ready(api_client.get(body["plot_url"]))

    held_followups.pop()()

    assert api_client.get(body["url"]).json()["plot_status"] == "ready"
    assert api_client.get(body["plot_url"]).status_code == 200


@pytest.mark.slow
def test_a_failed_run_has_no_plot_to_draw(api_client, user, held_followups):
    strategy = make_strategy(
        user, code=SMA_CROSS_CODE.replace("def next(self):", "def next(self):\n        1 / 0")
    )
    body = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {}, **WAIT).json()
    assert (body["success"], body["plot_status"], body["plot_url"]) == (False, "none", None)
    assert held_followups == []


@pytest.mark.slow
def test_the_plot_stands_only_for_a_rerun_that_reproduces_the_stored_run(user):
    request = BacktestRequest(symbol="GOOG", end="2012-12-31")
    stored = pipeline.backtest_execute(
        owner=user, request=plot_drawing.plot_deferred(request), code=SMA_CROSS_CODE
    ).result
    assert stored.plot_file is None
    expected = {"num_trades": stored.num_trades, "return_pct": stored.return_pct}
    status, plot_file = plot_drawing.plot_draw(
        owner=user, request=request, code=SMA_CROSS_CODE, **expected
    )
    assert status == PlotStatus.READY
    assert plot_file.endswith("plot.html")
    different = {**expected, "num_trades": stored.num_trades + 1}
    assert plot_drawing.plot_draw(
        owner=user, request=request, code=SMA_CROSS_CODE, **different
    ) == (PlotStatus.FAILED, "")


def test_a_followup_that_raises_marks_the_plot_failed(user, held_followups):
    run = make_run(user, plot_status=PlotStatus.PENDING)
    outcome = type("O", (), {"result": type("R", (), {"num_trades": 1, "return_pct": 1.0})})()
    plot_drawing.plot_followup_submit(
        model=BacktestRun,
        pk=run.pk,
        owner=user,
        request=BacktestRequest(symbol="NOPE"),  # loading its bars raises
        code=SMA_CROSS_CODE,
        outcome=outcome,
    )
    with pytest.raises(DataError):  # jobs.followups logs it
        held_followups.pop()()
    run.refresh_from_db()
    assert run.plot_status == PlotStatus.FAILED


def test_failed_and_too_large_plots_say_so(api_client, user):
    failed = make_run(user, plot_status=PlotStatus.FAILED)
    too_large = make_run(user, plot_status=PlotStatus.TOO_LARGE)
    none = make_run(user)
    response = api_client.get(f"/api/backtests/{failed.pk}/plot/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "plot_failed")
    response = api_client.get(f"/api/backtests/{too_large.pk}/plot/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "plot_too_large")
    assert "Retry-After" not in response
    assert api_client.get(f"/api/backtests/{failed.pk}/").json()["plot_url"] is None
    response = api_client.get(f"/api/backtests/{none.pk}/plot/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_stale_pending_plots_are_marked_failed(user, settings):
    settings.RUN_PLOT_STALE_SECONDS = 600
    old = timezone.now() - timedelta(seconds=601)
    stale = make_run(user, plot_status=PlotStatus.PENDING, finished_at=old)
    fresh = make_run(user, plot_status=PlotStatus.PENDING, finished_at=timezone.now())
    ready = make_run(user, plot_status=PlotStatus.READY, finished_at=old)
    strategy = make_strategy(user)
    execution = StrategyExecution.objects.create(
        strategy=strategy, status="success", success=True, plot_status=PlotStatus.PENDING
    )
    StrategyExecution.objects.filter(pk=execution.pk).update(timestamp=old)

    assert plot_drawing.plots_mark_stale_failed(model=BacktestRun, time_field="finished_at") == 1
    assert (
        plot_drawing.plots_mark_stale_failed(model=StrategyExecution, time_field="timestamp") == 1
    )
    statuses = {r.pk: r.plot_status for r in BacktestRun.objects.all()}
    assert statuses == {
        stale.pk: PlotStatus.FAILED,
        fresh.pk: PlotStatus.PENDING,
        ready.pk: PlotStatus.READY,
    }
    execution.refresh_from_db()
    assert execution.plot_status == PlotStatus.FAILED


def test_a_stale_pending_plot_is_failed_when_it_is_asked_for(api_client, user, settings):
    settings.RUN_PLOT_STALE_SECONDS = 600
    run = make_run(
        user,
        plot_status=PlotStatus.PENDING,
        finished_at=timezone.now() - timedelta(seconds=601),
    )
    response = api_client.get(f"/api/backtests/{run.pk}/plot/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "plot_failed")
    run.refresh_from_db()
    assert run.plot_status == PlotStatus.FAILED


def test_the_workers_periodic_work_fails_stale_pending_plots(user, settings):
    from jobs import periodic

    old = timezone.now() - timedelta(seconds=settings.RUN_PLOT_STALE_SECONDS + 1)
    run = make_run(user, plot_status=PlotStatus.PENDING, finished_at=old)
    execution = StrategyExecution.objects.create(
        strategy=make_strategy(user), status="success", success=True, plot_status="pending"
    )
    StrategyExecution.objects.filter(pk=execution.pk).update(timestamp=old)

    ran = periodic.run_due()  # what every db_worker does at start, then each period

    assert {"stale_plots_backtest_runs", "stale_plots_executions"} <= set(ran)
    run.refresh_from_db()
    execution.refresh_from_db()
    assert (run.plot_status, execution.plot_status) == (PlotStatus.FAILED, PlotStatus.FAILED)
