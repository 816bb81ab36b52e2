"""Multi-asset runs: execute over `symbols` -> {results: {SYMBOL: execution}, summary}."""

from __future__ import annotations

import pytest

from Backtest.research.multiasset import mean_heatmap, summary
from strategy_api.models import StrategyExecution
from tests.research_api.conftest import post

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_execute_over_symbols_runs_each_and_summarises(api_client, strategy):
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/execute/",
        {"symbols": ["goog", "EURUSD"], "cash": 10_000},
    )
    assert list(body["results"]) == ["GOOG", "EURUSD"]
    returns = {s: r["metrics"]["return_pct"] for s, r in body["results"].items()}
    for symbol, result in body["results"].items():
        assert result["test_symbol"] == symbol
        assert result["benchmark"]["symbol"] == symbol
        assert StrategyExecution.objects.get(pk=result["execution_id"]).test_symbol == symbol
    stats = body["summary"]
    assert (stats["symbols"], stats["succeeded"], stats["failed"]) == (2, 2, [])
    assert stats["metrics"]["return_pct"]["mean"] == pytest.approx(sum(returns.values()) / 2)
    assert stats["best_symbol"] == max(returns, key=returns.get)


def test_symbols_and_symbol_exclude_each_other_and_repeats_are_refused(api_client, strategy):
    url = f"/api/strategies/{strategy.pk}/execute/"
    both = api_client.post(url, {"symbols": ["GOOG"], "test_symbol": "GOOG"}, format="json")
    assert both.status_code == 400
    assert "symbols" in both.json()["error"]["details"]["fields"]
    repeated = api_client.post(url, {"symbols": ["GOOG", "goog"]}, format="json")
    assert repeated.status_code == 400
    unknown = api_client.post(url, {"symbols": ["GOOG", "NOPE"]}, format="json")
    assert unknown.status_code == 404  # checked before anything is queued


def test_research_endpoints_other_than_optimize_refuse_symbols(api_client, strategy):
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/monte_carlo/", {"symbols": ["GOOG"]}, format="json"
    )
    assert response.status_code == 400
    assert "symbols" in response.json()["error"]["details"]["unknown_fields"]


def test_summary_skips_failed_runs_and_missing_values():
    result = summary(
        {
            "A": {"return_pct": 10.0, "sharpe_ratio": None, "num_trades": 4},
            "B": {"return_pct": -2.0, "sharpe_ratio": 0.5, "num_trades": 2},
            "C": None,
        }
    )
    assert (result["succeeded"], result["failed"]) == (2, ["C"])
    assert result["metrics"]["return_pct"] == {
        "mean": 4.0,
        "median": 4.0,
        "min": -2.0,
        "max": 10.0,
        "count": 2,
    }
    assert result["metrics"]["sharpe_ratio"]["count"] == 1
    assert (result["best_symbol"], result["worst_symbol"]) == ("A", "B")


def test_mean_heatmap_averages_over_symbols_like_pandas_mean():
    rows, best = mean_heatmap(
        {
            "A": [{"params": {"n": 1}, "value": 1.0}, {"params": {"n": 2}, "value": None}],
            "B": [{"params": {"n": 1}, "value": 3.0}, {"params": {"n": 2}, "value": 5.0}],
        }
    )
    assert rows == [
        {"params": {"n": 1}, "value": 2.0, "symbols": 2},
        {"params": {"n": 2}, "value": 5.0, "symbols": 1},
    ]
    assert best == rows[1]
