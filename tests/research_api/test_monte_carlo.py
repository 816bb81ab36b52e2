"""POST monte_carlo/: from an execution's trades or a fresh run; seeded and reproducible."""

from __future__ import annotations

import pytest

from strategy_api.models import StrategyExecution
from tests.research_api.conftest import YEAR, post

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_execution_trades_add_up_and_the_same_seed_repeats(api_client, strategy, execution_id):
    url = f"/api/strategies/{strategy.pk}/monte_carlo/"
    body = {"execution_id": execution_id, "runs": 500, "method": "bootstrap", "seed": 7}
    first = post(api_client, url, body)
    again = post(api_client, url, body)
    assert first == again
    execution = StrategyExecution.objects.get(pk=execution_id)
    assert first["execution_id"] == execution_id
    assert first["trades"] == execution.trades_total + (1 if first["open_trade_closed"] else 0)
    assert first["original"]["return_pct"] == pytest.approx(execution.return_pct, abs=1e-6)
    assert first["return_pct"]["p5"] <= first["return_pct"]["p50"] <= first["return_pct"]["p95"]
    assert len(first["fan"]) == first["trades"] + 1
    other = post(api_client, url, {**body, "seed": 8})
    assert other["return_pct"] != first["return_pct"]


def test_a_fresh_run_is_recorded_and_a_seed_is_chosen_when_none_is_given(api_client, strategy):
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/monte_carlo/",
        {**{"test_symbol": "GOOG"}, **{k: v for k, v in YEAR.items() if k != "symbol"}},
    )
    assert isinstance(body["seed"], int)
    execution = StrategyExecution.objects.get(pk=body["execution_id"])
    assert execution.strategy_id == strategy.pk
    # Shuffling keeps the trades: every run ends at the run's own return.
    assert body["return_pct"]["p5"] == pytest.approx(execution.return_pct, abs=1e-6)
    assert body["return_pct"]["p95"] == pytest.approx(execution.return_pct, abs=1e-6)


def test_execution_id_and_settings_exclude_each_other_and_one_is_needed(
    api_client, strategy, execution_id
):
    url = f"/api/strategies/{strategy.pk}/monte_carlo/"
    both = api_client.post(url, {"execution_id": execution_id, "cash": 5}, format="json")
    assert both.status_code == 400
    assert "cash" in both.json()["error"]["details"]["fields"]
    neither = api_client.post(url, {"runs": 10}, format="json")
    assert neither.status_code == 400
    assert "execution_id" in neither.json()["error"]["details"]["fields"]


def test_another_users_execution_is_a_404(api_client, other_client, other_user, execution_id):
    from tests.factories import make_strategy

    theirs = make_strategy(other_user)
    response = other_client.post(
        f"/api/strategies/{theirs.pk}/monte_carlo/", {"execution_id": execution_id}, format="json"
    )
    assert response.status_code == 404
