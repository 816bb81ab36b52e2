"""GET /api/backtests/compare/?ids= and POST /api/backtests/{id}/compare/."""

from __future__ import annotations

import pytest

from tests.backtest_api.factories import make_run, stats

pytestmark = pytest.mark.django_db

URL = "/api/backtests/compare/"


def _best(body) -> dict:
    return {row["metric"]: row["run_keys"] for row in body["best"]}


def _key(run) -> str:
    return f"backtest:{run.pk}"


def test_compare_rows_follow_the_requested_order(api_client, user):
    a = make_run(user)
    b = make_run(user, source="code", strategy=None, symbol="EURUSD", interval="1h")
    response = api_client.get(URL, {"ids": f"{b.pk},{a.pk}"})
    assert response.status_code == 200, response.content
    rows = response.json()["runs"]
    assert [r["id"] for r in rows] == [b.pk, a.pk]
    assert (rows[0]["label"], rows[0]["symbol"], rows[0]["interval"]) == ("inline", "EURUSD", "1h")
    assert (rows[1]["label"], rows[1]["version"], rows[1]["kind"]) == (
        "SMA cross v1",
        1,
        "backtest",
    )
    assert rows[1]["period"] == {"start": "2010-01-04T00:00:00", "end": "2012-12-31T00:00:00"}
    assert list(rows[1]["metrics"]) == [
        "return_pct",
        "cagr_pct",
        "buy_hold_return_pct",
        "sharpe_ratio",
        "sortino_ratio",
        "calmar_ratio",
        "max_drawdown_pct",
        "num_trades",
        "win_rate_pct",
        "profit_factor",
        "exposure_pct",
        "equity_final",
    ]
    assert rows[1]["metrics"]["num_trades"] == 34
    assert rows[1]["metrics"]["return_pct"] == 30.1


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
    assert best["return_pct"] == [_key(b), _key(c)]  # a tie is shared
    assert best["max_drawdown_pct"] == [_key(b)]  # the shallowest drawdown
    assert best["profit_factor"] == [_key(a), _key(c)]  # runs without a value are skipped
    assert best["num_trades"] == []  # no better direction
    assert best["buy_hold_return_pct"] == []
    assert best["equity_final"] == []  # depends on each run's cash: never "best"
    better = {row["metric"]: row["better"] for row in body["best"]}
    assert (better["sharpe_ratio"], better["max_drawdown_pct"], better["num_trades"]) == (
        "higher",
        "closer_to_zero",
        None,
    )
    assert body["runs"][3]["metrics"]["return_pct"] is None


def test_ranking_is_by_a_named_metric_never_by_final_equity(api_client, user):
    # More cash and a bigger final equity, but the smaller return: it must rank second.
    rich = make_run(
        user,
        settings={"cash": 1_000_000},
        stats=stats(**{"Return [%]": 5.0, "Equity Final [$]": 1_050_000.0, "Sharpe Ratio": 2.0}),
    )
    small = make_run(
        user,
        settings={"cash": 1_000},
        stats=stats(**{"Return [%]": 40.0, "Equity Final [$]": 1_400.0, "Sharpe Ratio": 0.5}),
    )
    body = api_client.get(URL, {"ids": f"{rich.pk},{small.pk}"}).json()
    assert (body["rank_by"], body["ranking"]) == ("return_pct", [_key(small), _key(rich)])
    assert [row["cash"] for row in body["runs"]] == [1_000_000, 1_000]
    by_sharpe = api_client.get(URL, {"ids": f"{rich.pk},{small.pk}", "rank_by": "sharpe_ratio"})
    assert by_sharpe.json()["ranking"] == [_key(rich), _key(small)]
    refused = api_client.get(URL, {"ids": f"{rich.pk},{small.pk}", "rank_by": "equity_final"})
    assert refused.status_code == 400
    assert set(refused.json()["error"]["details"]["fields"]) == {"rank_by"}


def test_executions_compare_with_backtest_runs(api_client, user):
    from strategy_api.models import StrategyExecution

    run = make_run(user)
    execution = StrategyExecution.objects.create(
        strategy=run.strategy,
        version=run.version,
        status="success",
        success=True,
        test_symbol="GOOG",
        options={"cash": 10_000},
        stats=stats(**{"Return [%]": 50.0}),
    )
    body = api_client.get(URL, {"ids": str(run.pk), "execution_ids": str(execution.pk)}).json()
    assert [row["kind"] for row in body["runs"]] == ["backtest", "execution"]
    assert body["ranking"] == [f"execution:{execution.pk}", _key(run)]
    assert body["runs"][1]["url"].endswith(f"/executions/{execution.pk}/")


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
    assert error["details"] == {"ids": [theirs.pk, 99999], "execution_ids": []}
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
