"""Reading, cancelling and deleting runs; the job handler's failure paths (no sandbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from backtest_api import plots
from backtest_api.models import BacktestRun
from backtest_api.services import backtest_run_execute
from jobs.models import Job
from jobs.services import JobCancelled, job_submit
from tests.backtest_api.factories import make_run, trade
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = pytest.mark.django_db

URL = "/api/backtests/"


def _queued_run(client, **payload) -> BacktestRun:
    body = client.post(f"{URL}run/", {"code": SMA_CROSS_CODE, "symbol": "GOOG", **payload}).json()
    return BacktestRun.objects.get(job_id=body["job_id"])


# --- list and detail ----------------------------------------------------------------------------
def test_list_is_paginated_without_bulky_fields(
    api_client, user, other_user, django_assert_num_queries
):
    strategy = make_strategy(user)
    for _ in range(3):
        make_run(user, strategy=strategy)
    make_run(other_user)
    with django_assert_num_queries(3):  # token auth, count, page
        body = api_client.get(URL, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    row = body["results"][0]
    assert not {"stats", "trades", "equity_curve", "code", "spec"} & set(row)
    assert (row["label"], row["version"], row["return_pct"]) == ("SMA cross v1", 1, 30.1)
    assert row["url"] == f"{URL}{row['id']}/"


def test_list_filters_and_orders(api_client, user):
    strategy = make_strategy(user)
    best = make_run(user, strategy=strategy, return_pct=50.0)
    failed = make_run(user, symbol="EURUSD", success=False, return_pct=None)
    other = make_run(user, source="code", strategy=None, status="queued", return_pct=-3.0)

    def ids(**params):
        return [r["id"] for r in api_client.get(URL, params).json()["results"]]

    assert ids(strategy=strategy.pk) == [best.pk]
    assert ids(symbol="eurusd") == [failed.pk]
    assert ids(success="false") == [failed.pk]
    assert ids(status="queued") == [other.pk]
    assert ids(ordering="-return_pct", success="true") == [best.pk, other.pk]
    assert ids(created_after="2000-01-01T00:00:00Z") == [other.pk, failed.pk, best.pk]
    assert ids(created_before="2000-01-01T00:00:00Z") == []


def test_detail_has_results_stats_equity_and_links(api_client, user):
    run = make_run(user)
    body = api_client.get(f"{URL}{run.pk}/").json()
    assert body["stats"]["Sharpe Ratio"] == 0.33
    assert body["equity_curve"][0]["equity"] == 10_000.0
    assert body["trades_url"] == f"{URL}{run.pk}/trades/"
    assert body["plot_url"] is None  # no plot file
    assert body["job_url"] is None
    assert (body["code"], body["spec"], body["interval"]) == (None, None, None)
    assert "trades" not in body


def test_other_users_run_is_404_everywhere(other_client, user):
    run = make_run(user)
    for path in ("", "trades/", "plot/", "export/?format=csv", "export/?format=json"):
        response = other_client.get(f"{URL}{run.pk}/{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert other_client.post(f"{URL}{run.pk}/cancel/").status_code == 404
    assert other_client.delete(f"{URL}{run.pk}/").status_code == 404
    assert BacktestRun.objects.filter(pk=run.pk).exists()


def test_trades_are_paginated_rows(api_client, user):
    run = make_run(user, trades=25)
    body = api_client.get(f"{URL}{run.pk}/trades/", {"page": 2}).json()
    assert body["count"] == 25
    assert len(body["results"]) == 5
    assert body["results"][0] == trade(20)


# --- plot ---------------------------------------------------------------------------------------
def test_plot_is_served_with_the_sandboxing_csp(api_client, user):
    run_dir = settings.SANDBOX_WORK_DIR / "runs" / "plot-test"
    run_dir.mkdir(parents=True, exist_ok=True)
    src = "https://cdn.bokeh.org/bokeh/release/bokeh-3.4.1.min.js"
    (run_dir / "plot.html").write_text(f'<script src="{src}"></script>')
    run = make_run(user, plot_file="runs/plot-test/plot.html")
    assert api_client.get(f"{URL}{run.pk}/").json()["plot_url"] == f"{URL}{run.pk}/plot/"
    response = api_client.get(f"{URL}{run.pk}/plot/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == plots.PLOT_CSP
    html = response.content.decode()
    assert "cdn.bokeh.org" not in html
    assert "testserver" not in html  # BokehJS is inlined, nothing points back to us
    assert html.startswith("<script>")
    assert len(html) > 100_000


def test_run_without_plot_is_404(api_client, user):
    run = make_run(user)
    assert api_client.get(f"{URL}{run.pk}/plot/").status_code == 404


# --- cancel and delete --------------------------------------------------------------------------
def test_cancel_a_queued_run(api_client, user, db_backend):
    run = _queued_run(api_client)
    response = api_client.post(f"{URL}{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json() == {"id": run.pk, "status": "cancelled", "cancel_requested": False}
    run.refresh_from_db()
    assert run.finished_at is not None
    assert Job.objects.get(pk=run.job_id).status == "cancelled"
    again = api_client.post(f"{URL}{run.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "run_finished"


def test_cancel_a_running_run_asks_its_job_to_stop(api_client, user, db_backend):
    run = _queued_run(api_client)
    Job.objects.filter(pk=run.job_id).update(status="running", heartbeat_at=timezone.now())
    BacktestRun.objects.filter(pk=run.pk).update(status="running")
    response = api_client.post(f"{URL}{run.pk}/cancel/")
    assert response.json() == {"id": run.pk, "status": "running", "cancel_requested": True}


def test_run_of_a_lost_worker_takes_the_jobs_failure(api_client, user, db_backend):
    run = _queued_run(api_client)
    long_ago = timezone.now() - timedelta(days=1)
    Job.objects.filter(pk=run.job_id).update(status="running", heartbeat_at=long_ago)
    BacktestRun.objects.filter(pk=run.pk).update(status="running")
    body = api_client.get(f"{URL}{run.pk}/").json()
    assert (body["status"], body["error_type"]) == ("failed", "worker_lost")
    assert api_client.post(f"{URL}{run.pk}/cancel/").status_code == 409


def test_cancel_a_finished_run_is_409(api_client, user):
    run = make_run(user)
    response = api_client.post(f"{URL}{run.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"run_id": run.pk, "status": "succeeded"}


def test_cancel_a_run_whose_job_finished_unseen_is_409_as_a_jobs_cancel_is(
    api_client, user, db_backend
):
    # The job ended (cancelled by someone, or failed) but the run row was not told yet: the
    # cancel refuses with the run's status once it has taken the job's outcome.
    run = _queued_run(api_client)
    Job.objects.filter(pk=run.job_id).update(status="cancelled", finished_at=timezone.now())
    response = api_client.post(f"{URL}{run.pk}/cancel/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["details"]) == (
        "run_finished",
        {"run_id": run.pk, "status": "cancelled"},
    )
    assert "already finished (cancelled)" in error["message"]


def test_delete_a_run_whose_job_finished_unseen_still_deletes(api_client, user, db_backend):
    run = _queued_run(api_client)
    Job.objects.filter(pk=run.job_id).update(status="failed", finished_at=timezone.now())
    assert api_client.delete(f"{URL}{run.pk}/").status_code == 204
    assert not BacktestRun.objects.filter(pk=run.pk).exists()


def test_delete_a_queued_run_cancels_its_job(api_client, user, db_backend):
    run = _queued_run(api_client)
    assert api_client.delete(f"{URL}{run.pk}/").status_code == 204
    assert not BacktestRun.objects.exists()
    assert Job.objects.get(pk=run.job_id).status == "cancelled"


def test_delete_removes_the_runs_files(api_client, user, django_capture_on_commit_callbacks):
    run_dir = settings.SANDBOX_WORK_DIR / "runs" / "delete-test"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "results.json").write_text("{}")
    run = make_run(user, results_file="runs/delete-test/results.json")
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"{URL}{run.pk}/").status_code == 204
    assert not run_dir.exists()
    assert (settings.SANDBOX_WORK_DIR / "runs").is_dir()


# --- the job handler without the sandbox --------------------------------------------------------
def test_unusable_data_fails_the_job_and_the_run_with_the_data_error(user):
    run = make_run(user, symbol="NOPE", status="queued", success=None, stats={}, trades=0)
    job = job_submit(owner=user, kind="backtest", input={"run_id": run.pk})
    # The same status as when the request names the symbol (algoagent.errors).
    assert (job.status, job.result_status, job.error["code"]) == ("failed", 404, "unknown_symbol")
    run.refresh_from_db()
    assert (run.status, run.success, run.error_type) == ("failed", None, "unknown_symbol")
    assert run.finished_at is not None


def test_deleted_run_fails_its_job_with_404(user):
    job = job_submit(owner=user, kind="backtest", input={"run_id": 12345})
    assert (job.status, job.result_status, job.error["code"]) == ("failed", 404, "not_found")


def test_cancellation_at_the_checkpoint_cancels_the_run(user):
    run = make_run(user, status="queued", success=None)

    def cancelled():
        raise JobCancelled()

    with pytest.raises(JobCancelled):
        backtest_run_execute(run=run, check_cancelled=cancelled)
    run.refresh_from_db()
    assert run.status == "cancelled"
