"""GET .../executions/{eid}/tearsheet/: self-contained HTML, built once, for its owner only."""

from __future__ import annotations

import pytest

from Backtest.research.tearsheet import external_refs
from research_api.models import Tearsheet
from research_api.services import tearsheet as service

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_tearsheet_is_self_contained_and_cached(api_client, strategy, execution_id, monkeypatch):
    url = f"/api/strategies/{strategy.pk}/executions/{execution_id}/tearsheet/"
    response = api_client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert external_refs(html) == []
    assert "SMA cross v1 on GOOG" in html
    stored = Tearsheet.objects.get(execution_id=execution_id)
    assert (stored.source, stored.benchmark_symbol) == ("stored", "GOOG")

    def must_not_build(**kwargs):
        raise AssertionError("the cached tearsheet was built again")

    monkeypatch.setattr(service, "tearsheet_html", must_not_build)
    assert api_client.get(url).content.decode() == html


def test_another_users_execution_tearsheet_is_a_404(api_client, other_user, execution_id):
    from tests.factories import make_strategy

    theirs = make_strategy(other_user)
    url = f"/api/strategies/{theirs.pk}/executions/{execution_id}/tearsheet/"
    assert api_client.get(url).status_code == 404


def test_a_long_run_is_re_run_for_every_bar_and_used_only_if_it_reproduces(
    api_client, strategy, monkeypatch
):
    from tests.research_api.conftest import post

    body = post(api_client, f"/api/strategies/{strategy.pk}/execute/", {"symbol": "GOOG"})
    assert body["bars"] > 2000  # the stored curve is downsampled
    url = f"/api/strategies/{strategy.pk}/executions/{body['execution_id']}/tearsheet/"
    seen = {}
    real = service.tearsheet_html

    def spy(**kwargs):
        seen["points"] = len(kwargs["equity"])
        return real(**kwargs)

    monkeypatch.setattr(service, "tearsheet_html", spy)
    response = api_client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert seen["points"] == body["bars"]
    assert Tearsheet.objects.get(execution_id=body["execution_id"]).source == "rerun"


def test_a_run_that_does_not_reproduce_gets_no_tearsheet(api_client, strategy, execution_id):
    from strategy_api.models import StrategyExecution

    execution = StrategyExecution.objects.get(pk=execution_id)
    execution.equity_curve = execution.equity_curve[:10]  # as if downsampled
    execution.stats = {**execution.stats, "Return [%]": 123.0}  # and from another run
    execution.save()
    url = f"/api/strategies/{strategy.pk}/executions/{execution_id}/tearsheet/"
    response = api_client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_reproducible"
    assert not Tearsheet.objects.exists()
