"""POST /fix_errors/ with the offline (rules-only) fixer, and the whole autonomous flow."""

from __future__ import annotations

import pytest

from strategy_api.models import Strategy, StrategyExecution, StrategyFixAttempt
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WAIT = {"HTTP_PREFER": "wait=60"}
# Two classic LLM mistakes: lowercase price column and a missing crossover import.
BROKEN = SMA_CROSS_CODE.replace("close = self.data.Close", "close = self.data.close").replace(
    "from backtesting.lib import crossover\n", ""
)


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    for name in ("GEMINI_API_KEYS", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_fix_errors_repairs_verifies_and_versions_the_code(api_client, user):
    strategy = make_strategy(user, code=BROKEN)
    response = api_client.post(f"/api/strategies/{strategy.pk}/fix_errors/", {}, **WAIT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True, body
    assert body["attempts"] >= 1
    fix = body["fixes"][-1]
    assert fix["success"] is True
    assert fix["provider"] == "rules"
    assert fix["diff"].startswith("--- strategy.py")
    assert len(fix["error_message"]) <= 200
    assert body["final_execution"]["success"] is True

    strategy.refresh_from_db()
    assert strategy.status == "working"
    assert "self.data.Close" in strategy.code
    assert "crossover" in strategy.code.split("class")[0]
    assert strategy.versions.get(number=strategy.current_version).source == "fix"
    assert strategy.total_fix_attempts == body["attempts"]
    assert strategy.successful_fixes == 1
    # The failing original run and each verifying run are in the history.
    assert StrategyExecution.objects.filter(strategy=strategy, success=False).exists()
    assert StrategyExecution.objects.filter(strategy=strategy, success=True).exists()

    history = api_client.get(f"/api/strategies/{strategy.pk}/fix_history/").json()
    assert history["count"] == body["attempts"]
    assert history["results"][0]["execution_id"] is not None


def test_unfixable_code_keeps_original_and_reports_failure(api_client, user):
    code = SMA_CROSS_CODE.replace("self.buy()", "self.buy(size=self.undefined_thing)")
    strategy = make_strategy(user, code=code)
    body = api_client.post(
        f"/api/strategies/{strategy.pk}/fix_errors/", {"max_attempts": 2}, **WAIT
    ).json()
    assert body["success"] is False
    strategy.refresh_from_db()
    assert strategy.code == code  # nothing lost
    assert strategy.status == "failed"
    assert StrategyFixAttempt.objects.filter(strategy=strategy, success=True).count() == 0


def test_fix_errors_validates_input(api_client, user):
    strategy = make_strategy(user, code=BROKEN)
    response = api_client.post(f"/api/strategies/{strategy.pk}/fix_errors/", {"max_attempts": 11})
    assert response.status_code == 400
    assert "max_attempts" in response.json()["error"]["details"]["fields"]


def test_fix_errors_on_other_users_strategy_is_404(other_client, user):
    strategy = make_strategy(user, code=BROKEN)
    assert other_client.post(f"/api/strategies/{strategy.pk}/fix_errors/", {}).status_code == 404


def test_full_flow_generate_execute_break_fix_history(api_client):
    generated = api_client.post(
        "/api/strategies/generate_with_ai/",
        {
            "description": "Buy when the 10 day SMA crosses above the 30 day SMA, sell when it "
            "crosses back below",
            "execute_after_generation": True,
        },
        **WAIT,
    ).json()
    assert generated["status"] == "success", generated
    sid = generated["strategy_id"]
    first = api_client.post(f"/api/strategies/{sid}/execute/", {}, **WAIT).json()
    assert first["success"] is True

    code = Strategy.objects.get(pk=sid).code
    broken = code.replace("self.data.Close", "self.data.close")
    assert broken != code
    api_client.patch(f"/api/strategies/{sid}/", {"code": broken})
    failed = api_client.post(f"/api/strategies/{sid}/execute/", {}, **WAIT).json()
    assert failed["success"] is False

    fixed = api_client.post(f"/api/strategies/{sid}/fix_errors/", {}, **WAIT).json()
    assert fixed["success"] is True, fixed
    again = api_client.post(f"/api/strategies/{sid}/execute/", {}, **WAIT).json()
    assert again["success"] is True
    assert again["metrics"]["num_trades"] == first["metrics"]["num_trades"]

    history = api_client.get(f"/api/strategies/{sid}/execution_history/").json()
    assert history["total_executions"] >= 4
    statuses = [e["success"] for e in history["executions"]]
    assert statuses[0] is True
    assert False in statuses
    strategy = Strategy.objects.get(pk=sid)
    assert strategy.status == "executed"
    assert strategy.successful_fixes == 1


def test_a_fix_that_changes_the_meaning_needs_explicit_permission(api_client, user):
    """size=1.5 is invalid in backtesting.py; the nearest meaning is 0.99 of equity, which is
    still a change of sizing: reported, not applied, unless the request allows it."""
    code = SMA_CROSS_CODE.replace("self.buy()", "self.buy(size=1.5)")
    strategy = make_strategy(user, code=code)
    url = f"/api/strategies/{strategy.pk}/fix_errors/"
    refused = api_client.post(url, {}, **WAIT).json()
    assert refused["success"] is False
    assert refused["stopped_reason"] == "semantic_change_not_allowed"
    assert any("0.99" in change for change in refused["proposed_changes"])
    assert refused["semantic_change"] is True  # flagged, though not applied
    (proposed,) = refused["fixes"]  # the refused fix is recorded as an attempt
    assert proposed["success"] is False
    assert proposed["semantic_change"] is True
    assert any("size=0.99" in change for change in proposed["changes"])
    assert (proposed["execution_id"], proposed["version_after"]) == (None, None)
    strategy.refresh_from_db()
    assert "size=1.5" in strategy.code  # nothing applied
    assert strategy.current_version == 1
    assert (strategy.total_fix_attempts, strategy.successful_fixes) == (1, 0)
    history = api_client.get(f"/api/strategies/{strategy.pk}/fix_history/").json()
    assert [a["semantic_change"] for a in history["results"]] == [True]

    allowed = api_client.post(url, {"allow_semantic_changes": True}, **WAIT).json()
    assert allowed["success"] is True, allowed
    assert allowed["semantic_change"] is True
    assert any("0.99" in change for change in allowed["changes"])
    assert allowed["fixes"][-1]["semantic_change"] is True
    strategy.refresh_from_db()
    assert "size=0.99" in strategy.code
    assert "size=1" not in strategy.code.replace("size=0.99", "")  # never one unit


def test_verifying_runs_answer_without_their_plot_which_is_drawn_afterwards(
    api_client, user, monkeypatch
):
    from backtest_api import pipeline
    from backtest_api.models import PlotStatus

    asked: list[bool] = []
    real_execute = pipeline.backtest_execute

    def spy(**kwargs):
        asked.append(kwargs["request"].plot)
        return real_execute(**kwargs)

    monkeypatch.setattr(pipeline, "backtest_execute", spy)
    strategy = make_strategy(user, code=BROKEN)
    body = api_client.post(f"/api/strategies/{strategy.pk}/fix_errors/", {}, **WAIT).json()
    assert body["success"] is True, body
    verified = StrategyExecution.objects.get(pk=body["final_execution"]["execution_id"])
    # Every run the fixer waited for skipped the plot; the follow-up (inline here) drew it.
    assert asked.count(False) >= 2
    assert (
        asked.count(True)
        == StrategyExecution.objects.filter(strategy=strategy, success=True).count()
    )
    assert verified.plot_status == PlotStatus.READY
    assert verified.plot_file
