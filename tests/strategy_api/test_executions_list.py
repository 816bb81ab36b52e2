"""GET /api/executions/: every execution of my strategies, filtered, ordered, paged, mine only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from strategy_api.models import StrategyExecution
from tests.factories import make_strategy

pytestmark = pytest.mark.django_db
URL = "/api/executions/"


def _execution(strategy, **fields) -> StrategyExecution:
    values = {
        "version": strategy.versions.first(),
        "status": "success",
        "success": True,
        "test_symbol": "GOOG",
        "return_pct": 10.0,
        "num_trades": 5,
        "stats": {"Return [%]": fields.get("return_pct", 10.0)},
        "warnings": [],
    }
    return StrategyExecution.objects.create(strategy=strategy, **{**values, **fields})


def test_lists_only_my_executions_across_strategies(api_client, user, other_user):
    mine_a, mine_b = make_strategy(user, name="A"), make_strategy(user, name="B")
    theirs = make_strategy(other_user, name="Theirs")
    a, b = _execution(mine_a), _execution(mine_b, test_symbol="EURUSD")
    _execution(theirs)
    body = api_client.get(URL).json()
    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {a.pk, b.pk}
    row = next(r for r in body["results"] if r["id"] == b.pk)
    assert (row["strategy_id"], row["strategy_name"], row["test_symbol"]) == (
        mine_b.pk,
        "B",
        "EURUSD",
    )
    assert row["url"] == f"/api/executions/{b.pk}/"


def test_filters_and_ordering(api_client, user):
    strategy = make_strategy(user)
    low = _execution(strategy, return_pct=-5.0, status="failed", success=False)
    high = _execution(strategy, return_pct=30.0)
    eur = _execution(strategy, test_symbol="EURUSD", return_pct=1.0)
    ids = lambda params: [r["id"] for r in api_client.get(URL, params).json()["results"]]  # noqa: E731
    assert ids({"symbol": "eurusd"}) == [eur.pk]
    assert ids({"status": "failed"}) == [low.pk]
    assert ids({"ordering": "-return_pct"}) == [high.pk, eur.pk, low.pk]
    assert ids({"strategy": strategy.pk, "success": "true", "ordering": "return_pct"}) == [
        eur.pk,
        high.pk,
    ]
    StrategyExecution.objects.filter(pk=low.pk).update(
        timestamp=timezone.now() - dt.timedelta(days=10)
    )
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert set(ids({"created_after": since})) == {high.pk, eur.pk}
    page = api_client.get(URL, {"page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 2)


def test_detail_is_mine_only(api_client, other_client, user):
    execution = _execution(make_strategy(user))
    body = api_client.get(f"{URL}{execution.pk}/").json()
    assert (body["execution_id"], body["trades"], body["warnings"]) == (execution.pk, [], [])
    assert other_client.get(f"{URL}{execution.pk}/").status_code == 404


def test_strategy_filter_does_not_reveal_another_users_strategy(api_client, other_user):
    """Another user's strategy id answers exactly as an id that exists nowhere."""
    theirs = make_strategy(other_user)
    _execution(theirs)
    missing = api_client.get(URL, {"strategy": theirs.pk + 1000})
    other = api_client.get(URL, {"strategy": theirs.pk})
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())
    assert other.status_code == 200
    assert other.json()["count"] == 0


def test_list_query_count_does_not_grow_with_rows(api_client, user, django_assert_max_num_queries):
    strategy = make_strategy(user)
    for _ in range(15):
        _execution(strategy)
    with django_assert_max_num_queries(5):
        assert api_client.get(URL).status_code == 200


@pytest.mark.parametrize("bad", ["aZ", "null,null", "1.5", "-1"])
def test_an_id_that_is_not_a_number_is_a_404(api_client, bad):
    response = api_client.get(f"{URL}{bad}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
