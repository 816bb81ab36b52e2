"""GET /api/backtests/compare/?ids= and POST /api/backtests/{id}/compare/."""

from __future__ import annotations

import pytest

from tests.backtest_api.factories import make_run, stats

pytestmark = pytest.mark.django_db

URL = "/api/backtests/compare/"


def _best(body) -> dict:
    return {row["metric"]: row["run_ids"] for row in body["best"]}


def test_compare_rows_follow_the_requested_order(api_client, user):
    a = make_run(user)
    b = make_run(user, source="code", strategy=None, symbol="EURUSD", interval="1h")
    response = api_client.get(URL, {"ids": f"{b.pk},{a.pk}"})
    assert response.status_code == 200, response.content
    rows = response.json()["runs"]
    assert [r["id"] for r in rows] == [b.pk, a.pk]
    assert (rows[0]["label"], rows[0]["symbol"], rows[0]["interval"]) == ("inline", "EURUSD", "1h")
    assert (rows[1]["label"], rows[1]["version"]) == ("SMA cross v1", 1)
    assert rows[1]["period"] == {"start": "2010-01-04T00:00:00", "end": "2012-12-31T00:00:00"}
    assert list(rows[1]["metrics"]) == [
        "Return [%]",
        "Buy & Hold Return [%]",
        "Sharpe Ratio",
        "Sortino Ratio",
        "Max. Drawdown [%]",
        "# Trades",
        "Win Rate [%]",
        "Profit Factor",
        "Exposure Time [%]",
        "Equity Final [$]",
    ]
    assert rows[1]["metrics"]["# Trades"] == 34


def test_best_per_metric(api_client, user):
    a = make_run(user, stats=stats(**{"Return [%]": 10.0, "Max. Drawdown [%]": -30.0}))
    b = make_run(
        user,
        stats=stats(**{"Return [%]": 25.0, "Max. Drawdown [%]": -12.5, "Profit Factor": None}),
    )
    c = make_run(user, stats=stats(**{"Return [%]": 25.0, "Max. Drawdown [%]": -40.0}))
    failed = make_run(user, success=False, stats={})
    body = api_client.get(URL, {"ids": f"{a.pk},{b.pk},{c.pk},{failed.pk}"}).json()
    best = _best(body)
    assert best["Return [%]"] == [b.pk, c.pk]  # a tie is shared
    assert best["Max. Drawdown [%]"] == [b.pk]  # the shallowest drawdown
    assert best["Profit Factor"] == [a.pk, c.pk]  # runs without a value are skipped
    assert best["# Trades"] == []  # no better direction
    assert best["Buy & Hold Return [%]"] == []
    better = {row["metric"]: row["better"] for row in body["best"]}
    assert (better["Sharpe Ratio"], better["Max. Drawdown [%]"], better["# Trades"]) == (
        "higher",
        "closer_to_zero",
        None,
    )
    assert body["runs"][3]["metrics"]["Return [%]"] is None


@pytest.mark.parametrize("ids", ["1", "1,1", ",".join(str(n) for n in range(1, 12)), "a,b", ""])
def test_compare_needs_2_to_10_integer_ids(api_client, ids):
    response = api_client.get(URL, {"ids": ids})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"ids"}


def test_compare_without_ids_is_400(api_client):
    response = api_client.get(URL)
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"ids"}


def test_unknown_or_other_users_run_is_404_naming_it(api_client, user, other_user):
    mine = make_run(user)
    theirs = make_run(other_user)
    response = api_client.get(URL, {"ids": f"{mine.pk},{theirs.pk},99999"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["details"] == {"ids": [theirs.pk, 99999]}
    assert str(theirs.pk) in error["message"]


def test_post_compare_puts_the_run_first(api_client, user, other_user):
    a, b, c = make_run(user), make_run(user), make_run(user)
    response = api_client.post(f"/api/backtests/{b.pk}/compare/", {"ids": [a.pk, c.pk]})
    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["runs"]] == [b.pk, a.pk, c.pk]
    assert api_client.post(f"/api/backtests/{b.pk}/compare/", {"ids": []}).status_code == 400
    theirs = make_run(other_user)
    assert (
        api_client.post(f"/api/backtests/{theirs.pk}/compare/", {"ids": [a.pk]}).status_code == 404
    )
