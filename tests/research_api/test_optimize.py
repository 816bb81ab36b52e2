"""POST optimize/: grid parity with backtesting.py's own optimize, SAMBO, refusals.

The reference is ``Backtest.optimize(..., return_heatmap=True)`` run in this process on the
SmaCross below: trusted code written in this file, the same source as the stored strategy
(``tests.factories.SMA_CROSS_CODE``), which itself only ever runs in the sandbox.
"""

from __future__ import annotations

import math
import warnings

import pytest
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import GOOG, SMA

from jobs.models import Job, JobEvent
from research_api.models import OptimizationChunk
from tests.research_api.conftest import post

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        close = self.data.Close
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()


def _reference(**kwargs):
    bt = Backtest(GOOG, SmaCross, cash=10_000, commission=0.002)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bt.optimize(return_heatmap=True, **kwargs)


def _same(ours, theirs):
    if theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        return ours is None
    return ours == pytest.approx(float(theirs), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("maximize", ["Equity Final [$]", "SQN"])
def test_grid_best_params_stats_and_heatmap_equal_backtesting_py(api_client, strategy, maximize):
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/optimize/",
        {
            "test_symbol": "GOOG",
            "cash": 10_000,
            "commission": 0.002,
            "params": {"n1": {"start": 5, "stop": 30, "step": 5}, "n2": [10, 20, 40, 80, 200]},
            "constraint": "n1 < n2",
            "maximize": maximize,
        },
    )
    stats, heatmap = _reference(
        n1=range(5, 30, 5),
        n2=[10, 20, 40, 80, 200],
        constraint=lambda p: p.n1 < p.n2,
        maximize=maximize,
    )
    assert body["method"] == "grid"
    assert body["param_names"] == ["n1", "n2"]
    combos = [dict(zip(heatmap.index.names, key, strict=True)) for key in heatmap.index]
    assert [row["params"] for row in body["heatmap"]] == combos
    assert body["tried"] == len(combos) == 19  # 25 combinations, 6 ruled out by n1 < n2
    assert body["grid_size"] == 25
    for row, theirs in zip(body["heatmap"], heatmap.tolist(), strict=True):
        assert _same(row["value"], theirs), (row, theirs)
    best = dict(zip(heatmap.index.names, heatmap.idxmax(), strict=True))
    assert body["best_params"] == best
    assert body["best_value"] == pytest.approx(float(heatmap.max()))
    compared = 0
    for key, theirs in stats.items():
        if key.startswith("_") or not isinstance(theirs, int | float):
            continue
        ours = body["best_stats"].get(key)
        assert _same(ours, theirs), (key, ours, theirs)
        compared += 1
    assert compared >= 20
    assert body["best_metrics"]["return_pct"] == pytest.approx(stats["Return [%]"])
    assert len(body["best_run"]["equity_curve"]) > 100
    assert body["best_run"]["benchmark"]["return_pct"] == pytest.approx(
        stats["Buy & Hold Return [%]"]
    )


def test_large_grids_run_in_chunks_with_progress_and_history(api_client, strategy):
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/optimize/",
        {
            "symbol": "GOOG",
            "start": "2010-01-01",
            "end": "2012-12-31",
            "params": {"n1": {"start": 2, "stop": 22}, "n2": {"start": 10, "stop": 70, "step": 5}},
            "constraint": "n1 < n2",
            "maximize": "return_pct",
        },
    )
    job = Job.objects.get(kind="optimize", owner=strategy.owner)
    assert body["maximize"] == "Return [%]"
    assert body["tried"] == sum(1 for a in range(2, 22) for b in range(10, 70, 5) if a < b)
    assert body["chunks"] == OptimizationChunk.objects.filter(job=job).count() >= 2
    assert body["backtests_per_second"] > 0
    events = list(JobEvent.objects.filter(job=job, kind="optimizing").order_by("seq"))
    assert len(events) >= 2
    tried = [event.data["tried"] for event in events]
    assert tried == sorted(set(tried))  # each count once, growing (the probe is not repeated)
    assert events[-1].data["tried"] == events[-1].data["total"] == body["tried"]
    assert events[-1].data["best_so_far"]["value"] == pytest.approx(body["best_value"])
    history = api_client.get("/api/jobs/", {"kind": "optimize"}).json()
    assert any(item["id"] == str(job.pk) for item in history["results"])


def test_sambo_is_reproducible_with_a_seed_and_stays_on_the_listed_values(api_client, strategy):
    request = {
        "symbol": "GOOG",
        "start": "2010-01-01",
        "end": "2011-12-31",
        "params": {"n1": [5, 10, 15, 20], "n2": [20, 30, 50, 80, 120]},
        "constraint": "n1 < n2",
        "method": "sambo",
        "max_tries": 12,
        "random_state": 3,
        "maximize": "Sharpe Ratio",
    }
    url = f"/api/strategies/{strategy.pk}/optimize/"
    first = post(api_client, url, request)
    again = post(api_client, url, request)
    assert first["heatmap"] == again["heatmap"]
    assert first["best_params"] == again["best_params"]
    assert 1 <= first["tried"] <= 12
    for row in first["heatmap"]:
        assert row["params"]["n1"] in request["params"]["n1"]
        assert row["params"]["n2"] in request["params"]["n2"]
        assert row["params"]["n1"] < row["params"]["n2"]
    values = [row["value"] for row in first["heatmap"] if row["value"] is not None]
    assert first["best_value"] == max(values)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"params": {"n3": [1, 2]}}, "params", "n3 is not"),
        ({"params": {"n1": {"start": 5, "stop": 5}}}, "params.n1", "stop is excluded"),
        ({"params": {"n1": [5, 10]}, "constraint": "n1 < n9"}, "constraint", "n9"),
        ({"params": {"n1": [5, 10]}, "constraint": "n1 <"}, "constraint", "position"),
        ({"params": {"n1": [5, 10]}, "maximize": "profit"}, "maximize", "profit"),
        ({"params": {"n1": list(range(400)), "n2": list(range(400))}}, "params", "limit"),
    ],
)
def test_bad_searches_are_refused_before_anything_is_queued(
    api_client, strategy, body, field, words
):
    response = api_client.post(f"/api/strategies/{strategy.pk}/optimize/", body, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["details"]["fields"]
    assert words in " ".join(fields[field])
    assert not Job.objects.filter(kind="optimize").exists()


def test_optimize_over_symbols_searches_each_and_averages_like_multibacktest(api_client, strategy):
    from backtesting.test import EURUSD

    grid = {"n1": [5, 10, 20], "n2": [20, 40, 80]}
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/optimize/",
        {
            "symbols": ["GOOG", "eurusd"],
            "cash": 10_000,
            "commission": 0.0002,
            "params": grid,
            "constraint": "n1 < n2",
            "maximize": "Return [%]",
        },
    )
    assert set(body["results"]) == {"GOOG", "EURUSD"}
    heatmaps = {}
    for symbol, data in (("GOOG", GOOG), ("EURUSD", EURUSD)):
        bt = Backtest(data, SmaCross, cash=10_000, commission=0.0002)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stats, heatmaps[symbol] = bt.optimize(
                **grid, constraint=lambda p: p.n1 < p.n2, maximize="Return [%]", return_heatmap=True
            )
        ours = body["results"][symbol]
        assert ours["symbol"] == symbol
        assert ours["best_params"] == {"n1": stats._strategy.n1, "n2": stats._strategy.n2}
        assert body["summary"]["best_params_by_symbol"][symbol] == ours["best_params"]
    # backtesting.py's MultiBacktest leaves the aggregate to the user: heatmap.mean(axis=1).
    mean = heatmaps["GOOG"].to_frame("GOOG").join(heatmaps["EURUSD"].rename("EURUSD"))
    mean = mean.mean(axis=1)
    rows = {(r["params"]["n1"], r["params"]["n2"]): r for r in body["summary"]["mean_heatmap"]}
    assert set(rows) == set(mean.index)
    for key, value in mean.items():
        assert _same(rows[key]["value"], value)
    best = mean.idxmax()
    assert body["summary"]["common_best"]["params"] == {"n1": best[0], "n2": best[1]}
    assert body["summary"]["succeeded"] == 2
    job = Job.objects.get(kind="optimize", owner=strategy.owner)
    labels = [e.message for e in JobEvent.objects.filter(job=job, kind="optimizing")]
    assert any(m.startswith("GOOG: ") for m in labels)
    assert any(m.startswith("EURUSD: ") for m in labels)


def test_optimize_over_symbols_refuses_an_unknown_one_before_queueing(api_client, strategy):
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/optimize/",
        {"symbols": ["GOOG", "NOPE"], "params": {"n1": [5, 10]}},
        format="json",
    )
    assert response.status_code == 404
    assert not Job.objects.filter(kind="optimize").exists()


def test_a_parameter_the_strategy_lacks_is_named_in_a_sentence(api_client, strategy):
    url = f"/api/strategies/{strategy.pk}/optimize/"
    one = api_client.post(url, {"params": {"nope": [1, 2]}}, format="json")
    two = api_client.post(url, {"params": {"nope": [1], "n3": [2]}}, format="json")
    assert (one.status_code, two.status_code) == (400, 400)
    assert one.json()["error"]["message"] == (
        "nope is not a class attribute of the strategy (it has: n1, n2)."
    )
    assert two.json()["error"]["message"].startswith("nope, n3 are not class attributes of")
    assert not Job.objects.filter(kind="optimize").exists()
