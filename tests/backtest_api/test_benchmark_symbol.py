"""`benchmark`: measure a run against another symbol's buy & hold (alpha, beta, equity)."""

from __future__ import annotations

import pytest

from strategy_api.models import StrategyExecution
from tests.factories import make_strategy

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
WAIT = {"HTTP_PREFER": "wait=60"}


def test_execute_against_another_symbol(api_client, user):
    strategy = make_strategy(user)
    url = f"/api/strategies/{strategy.pk}/execute/"
    period = {"symbol": "GOOG", "start": "2012-03-01", "end": "2013-03-01"}
    own = api_client.post(url, period, format="json", **WAIT).json()
    other = api_client.post(url, {**period, "benchmark": "btcusd"}, format="json", **WAIT)
    assert other.status_code == 200, other.content[:500]
    body = other.json()
    bench = body["benchmark"]
    assert bench["symbol"] == "BTCUSD"
    assert bench["return_pct"] != pytest.approx(own["benchmark"]["return_pct"])
    assert bench["beta"] is not None
    assert bench["alpha_pct"] == pytest.approx(
        body["metrics"]["return_pct"] - bench["beta"] * bench["return_pct"]
    )
    # The strategy's own statistics do not change with the benchmark.
    assert body["metrics"]["return_pct"] == pytest.approx(own["metrics"]["return_pct"])
    assert len(bench["equity"]) == len(own["benchmark"]["equity"]) == body["bars"]
    execution = StrategyExecution.objects.get(pk=body["execution_id"])
    assert execution.options["benchmark"] == "BTCUSD"
    assert len(execution.equity_curve) == body["bars"]  # 253 bars: all kept


def test_an_unknown_or_uncovering_benchmark_is_refused_naming_the_field(api_client, user):
    strategy = make_strategy(user)
    url = f"/api/strategies/{strategy.pk}/execute/"
    unknown = api_client.post(url, {"benchmark": "NOPE"}, format="json")
    assert unknown.status_code == 404
    assert "benchmark" in unknown.json()["error"]["details"]["fields"]
    early = api_client.post(
        url,
        {"start": "2008-01-01", "end": "2009-01-01", "benchmark": "BTCUSD"},
        format="json",
        **WAIT,
    )
    assert early.status_code == 422, early.content[:300]  # before its first bar: no prices
    assert "BTCUSD" in early.json()["error"]["details"]["fields"]["benchmark"][0]
