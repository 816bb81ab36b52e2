"""Real backtests in the sandbox (jobs run inline): a strategy version, inline code, a spec."""

from __future__ import annotations

import pytest

from backtest_api import plots
from backtest_api.models import BacktestRun
from tests.backtest_api.factories import make_config
from tests.events import assert_run_events
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WAIT = {"HTTP_PREFER": "wait=60"}
BROKEN_CODE = SMA_CROSS_CODE.replace(
    "self.sma1 = self.I(SMA, close, self.n1)",
    "self.sma1 = self.I(SMA, close, self.n1)\n        x = 1 / 0",
)


def test_run_a_strategy_version(api_client, user):
    strategy = make_strategy(user)
    api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": BROKEN_CODE})  # v2 is broken
    response = api_client.post(
        "/api/backtests/run/",
        {"strategy": strategy.pk, "version": 1, "symbol": "GOOG", "end": "2012-12-31"},
        **WAIT,
    )
    assert response.status_code == 200, response.content
    assert response["Preference-Applied"] == "wait=60"
    body = response.json()
    assert (body["status"], body["success"], body["label"]) == ("succeeded", True, "SMA cross v1")
    assert body["progress"] == 100
    assert body["num_trades"] > 10
    assert body["return_pct"] == pytest.approx(body["stats"]["Return [%]"])
    assert "seccomp" in body["sandbox_layers"]
    assert "equity_curve" not in body  # the job result; the detail has it

    detail = api_client.get(body["url"]).json()
    assert len(detail["equity_curve"]) > 100
    trades = api_client.get(body["trades_url"], {"page_size": 5}).json()
    assert trades["count"] == body["trades_total"] == body["num_trades"]
    assert trades["results"][0]["entry_bar"] >= 0
    plot = api_client.get(body["plot_url"])
    assert plot.status_code == 200
    assert plot["Content-Security-Policy"] == plots.PLOT_CSP
    events = api_client.get(f"{body['job_url']}events/").json()
    assert_run_events([e["kind"] for e in events])
    progress = [e["progress"] for e in events if e["progress"] is not None]
    assert progress == sorted(progress)  # real stages, never backwards
    assert progress[-1] == 100


def test_quick_run_of_inline_code_answers_the_result_without_a_prefer_header(api_client):
    response = api_client.post(
        "/api/backtests/quick_run/",
        {"code": SMA_CROSS_CODE, "symbol": "GOOG", "start": "2011-01-01", "end": "2012-12-31"},
    )
    assert response.status_code == 200, response.content
    assert response["Preference-Applied"] == "wait=30"
    body = response.json()
    assert (body["source"], body["label"], body["success"]) == ("code", "inline", True)
    assert body["code"] == SMA_CROSS_CODE
    assert body["stats"]["Start"].startswith("2011-01-03")


def test_failing_inline_code_is_a_finished_run_with_success_false(api_client):
    response = api_client.post(
        "/api/backtests/run/", {"code": BROKEN_CODE, "symbol": "GOOG"}, **WAIT
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["success"]) == ("succeeded", False)  # the job succeeded
    assert body["error_type"] == "ZeroDivisionError"
    assert body["error_line"] == BROKEN_CODE.splitlines().index("        x = 1 / 0") + 1
    assert api_client.get("/api/backtests/", {"success": "false"}).json()["count"] == 1


def test_run_a_spec_with_a_config_and_an_inline_override(api_client, user):
    config = make_config(user, commission=0.001)
    spec = {
        "name": "SMA crossover",
        "indicators": [
            {"id": "fast", "indicator": "SMA", "params": {"timeperiod": 10}},
            {"id": "slow", "indicator": "SMA", "params": {"timeperiod": 30}},
        ],
        "rules": {
            "entry": {"left": "fast", "op": "crosses_above", "right": "slow"},
            "exit": {"left": "fast", "op": "crosses_below", "right": "slow"},
        },
    }
    response = api_client.post(
        "/api/backtests/run/",
        {"spec": spec, "config": config.pk, "cash": 50_000, "finalize_trades": True},
        format="json",
        **WAIT,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["source"], body["success"], body["config"]) == ("spec", True, config.pk)
    assert body["settings"]["cash"] == 50_000
    assert body["settings"]["commission"] == 0.001
    assert body["stats"]["Equity Final [$]"] != 10_000
    assert body["spec"]["name"] == "SMA crossover"
    run = BacktestRun.objects.get(pk=body["id"])
    assert run.stats["Start"].startswith("2010-01-04")
