"""POST /execute/, execution history and details, plots — real sandbox runs (immediate jobs)."""

from __future__ import annotations

import pytest
from backtesting.test import GOOG
from rest_framework.throttling import ScopedRateThrottle

from backtest_api import plots
from jobs.models import Job
from strategy_api.models import Strategy, StrategyExecution
from tests.events import assert_run_events
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WAIT = {"HTTP_PREFER": "wait=60"}
BROKEN_CODE = SMA_CROSS_CODE.replace(
    "self.sma1 = self.I(SMA, close, self.n1)",
    "self.sma1 = self.I(SMA, close, self.n1)\n        x = 1 / 0",
)


def test_execute_runs_in_sandbox_and_records_history(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/execute/", {"symbol": "GOOG", "cash": 10_000}, **WAIT
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["metrics"]["num_trades"] > 10
    assert body["metrics"]["return_pct"] == pytest.approx(body["stats"]["Return [%]"])
    assert body["metrics"]["win_rate_pct"] == pytest.approx(body["stats"]["Win Rate [%]"])
    assert body["benchmark"]["return_pct"] == pytest.approx(body["stats"]["Buy & Hold Return [%]"])
    assert body["bars"] == len(GOOG)
    assert (body["start"], body["end"]) == (None, None)  # asked for no dates: all the bars
    assert "seccomp" in body["sandbox_layers"]
    assert response["Preference-Applied"] == "wait=60"

    strategy.refresh_from_db()
    assert strategy.status == "executed"
    assert strategy.total_executions == 1
    assert strategy.successful_executions == 1
    assert strategy.latest_num_trades == body["metrics"]["num_trades"]
    execution = StrategyExecution.objects.get(pk=body["execution_id"])
    assert execution.version.number == 1
    assert execution.job is not None

    history = api_client.get(f"/api/strategies/{strategy.pk}/execution_history/").json()
    assert history["total_executions"] == 1
    assert history["executions"][0]["return_pct"] == body["metrics"]["return_pct"]

    detail = api_client.get(f"/api/strategies/{strategy.pk}/executions/{execution.pk}/").json()
    trade = detail["trades"][0]
    assert set(trade) >= {
        "entry_time",
        "exit_time",
        "entry_bar",
        "exit_bar",
        "entry_price",
        "exit_price",
        "size",
        "pnl",
        "return_pct",
    }
    assert len(detail["equity_curve"]) > 100

    plot = api_client.get(body["plot_url"])
    assert plot.status_code == 200
    assert plot["Content-Security-Policy"] == plots.PLOT_CSP
    html = plot.content.decode()
    assert "cdn.bokeh.org" not in html
    # Self-contained: BokehJS is inlined (tests/strategy_api/test_plots.py checks the details).
    assert "testserver" not in html


def test_a_run_says_the_dates_it_asked_for(api_client, user):
    strategy = make_strategy(user)
    body = api_client.post(
        f"/api/strategies/{strategy.pk}/execute/",
        {"symbol": "GOOG", "start": "2010-01-01", "end": "2011-06-30"},
        **WAIT,
    ).json()
    assert body["start"].startswith("2010-01-01")
    assert body["end"].startswith("2011-06-30")
    assert body["bars"] == len(GOOG.loc["2010-01-01":"2011-06-30"])
    detail = api_client.get(
        f"/api/strategies/{strategy.pk}/executions/{body['execution_id']}/"
    ).json()
    assert (detail["start"], detail["end"]) == (body["start"], body["end"])


def test_execute_without_prefer_answers_202_with_job(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {})
    assert response.status_code == 202
    body = response.json()
    assert body["job_url"] == f"/api/jobs/{body['job_id']}/"
    job = api_client.get(body["job_url"]).json()
    assert job["status"] == "succeeded"  # the test profile runs jobs inline
    assert job["result"]["success"] is True
    kinds = [e["kind"] for e in api_client.get(f"{body['job_url']}events/").json()]
    assert_run_events(kinds)


def test_failing_code_is_a_failed_execution_with_the_strategy_line(api_client, user):
    strategy = make_strategy(user, code=BROKEN_CODE)
    body = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {}, **WAIT).json()
    assert body["success"] is False
    assert body["error_type"] == "ZeroDivisionError"
    assert body["error_line"] == BROKEN_CODE.splitlines().index("        x = 1 / 0") + 1
    strategy.refresh_from_db()
    assert (strategy.status, strategy.failed_executions) == ("failed", 1)


def test_execute_rejects_unknown_symbol_before_enqueuing(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {"symbol": "NOPE"})
    assert response.status_code == 404  # unknown_symbol: the same status on every route
    assert response.json()["error"]["code"] == "unknown_symbol"
    message = response.json()["error"]["details"]["fields"]["symbol"][0]
    assert "GOOG" in message
    assert not Job.objects.exists()


def test_execute_validates_options_by_field(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/execute/",
        {"cash": -5, "commission": 0.5, "start": "2012-01-01", "end": "2011-01-01"},
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) >= {"cash", "commission"}


def test_execute_strategy_without_code_is_400(api_client, user):
    strategy = make_strategy(user, code="")
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_code"


def test_execute_other_users_strategy_is_404(other_client, user):
    strategy = make_strategy(user)
    assert other_client.post(f"/api/strategies/{strategy.pk}/execute/", {}).status_code == 404
    assert not Job.objects.exists()


def test_plot_and_details_are_for_the_owner_only(api_client, other_client, user):
    strategy = make_strategy(user)
    body = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {}, **WAIT).json()
    assert other_client.get(body["plot_url"]).status_code == 404
    detail_url = f"/api/strategies/{strategy.pk}/executions/{body['execution_id']}/"
    assert other_client.get(detail_url).status_code == 404


def test_execute_is_throttled_per_user(api_client, user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"execute": "2/hour"})
    strategy = make_strategy(user, code="")  # 400s still count against the rate
    for _ in range(2):
        api_client.post(f"/api/strategies/{strategy.pk}/execute/", {})
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_old_version_run_leaves_current_status(api_client, user):
    strategy = make_strategy(user)
    api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": BROKEN_CODE})
    body = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {"version": 1}, **WAIT).json()
    assert body["success"] is True
    assert body["version"] == 1
    assert Strategy.objects.get(pk=strategy.pk).status == "draft"


def test_a_run_without_trades_says_so_in_status_and_warnings(api_client, user):
    never = SMA_CROSS_CODE.replace("if crossover(self.sma1, self.sma2):", "if False:").replace(
        "elif crossover(self.sma2, self.sma1):", "elif False:"
    )
    strategy = make_strategy(user, code=never)
    body = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {}, **WAIT).json()
    assert (body["success"], body["status"], body["no_trades"]) == (True, "no_trades", True)
    assert "no_trades" in [w["code"] for w in body["warnings"]]
    listed = api_client.get("/api/executions/", {"status": "no_trades"}).json()["results"]
    assert [w["code"] for w in listed[0]["warnings"]] == [w["code"] for w in body["warnings"]]
    strategy.refresh_from_db()  # it ran, but it is not counted as a successful run
    assert (strategy.total_executions, strategy.successful_executions) == (1, 0)


def test_a_generated_strategy_without_trades_says_what_it_waited_for(api_client):
    body = api_client.post(
        "/api/strategies/generate_with_ai/",
        {
            "description": "Buy when RSI(14) drops below 1, sell when it rises above 99",
            "provider": "offline",
            "execute_after_generation": True,
        },
        **WAIT,
    ).json()
    assert body["status"] == "no_trades"
    run = body["execution_result"]
    assert run["status"] == "no_trades"
    message = {w["code"]: w["message"] for w in run["warnings"]}["no_trades"]
    assert "entry conditions were never met" in message
    assert "RSI(14) is below 1" in message


def test_cash_too_small_for_any_bar_is_refused_naming_cash(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", {"cash": 10}, **WAIT)
    assert response.status_code == 400
    assert "not one unit" in response.json()["error"]["details"]["fields"]["cash"][0]
