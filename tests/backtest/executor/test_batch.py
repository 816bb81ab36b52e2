"""execute_batch: one strategy, one dataset, many parameter sets, in one strategy process."""

from __future__ import annotations

import warnings

import pytest
from backtesting import Backtest
from backtesting.test import GOOG

from tests.backtest.executor.strategies import README_OPTIONS, SMA_CROSS

pytestmark = pytest.mark.slow

GRID = [{"n1": n1, "n2": n2} for n1 in (5, 10, 15) for n2 in (20, 40, 60)]


def _in_process(params: dict) -> dict:
    namespace: dict = {"__name__": "strategy"}
    exec(compile(SMA_CROSS, "strategy.py", "exec"), namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Backtest(GOOG, namespace["SmaCross"], **README_OPTIONS).run(**params)


def test_every_set_matches_an_in_process_run_and_the_best_is_found(executor):
    result = executor.execute_batch(
        code=SMA_CROSS,
        data=GOOG,
        param_sets=GRID,
        maximize="Return [%]",
        full_result="best",
        **README_OPTIONS,
    )
    assert result.success, result.error_message
    assert [run.params for run in result.runs] == GRID
    expected = [_in_process(params) for params in GRID]
    for run, stats in zip(result.runs, expected, strict=True):
        assert run.error_type is None
        assert run.stats["Return [%]"] == pytest.approx(stats["Return [%]"], rel=1e-12)
        assert run.stats["# Trades"] == stats["# Trades"]
        assert "Start" not in run.stats  # numeric stats only
        assert "_trades" not in run.stats
    best = max(range(len(GRID)), key=lambda i: expected[i]["Return [%]"])
    assert result.best_index == best
    assert result.best.params == GRID[best]
    assert result.full is not None
    assert result.full.return_pct == pytest.approx(expected[best]["Return [%]"], rel=1e-12)
    assert len(result.full.trades) == expected[best]["# Trades"]
    assert result.full.equity_curve


def test_a_chosen_set_gets_its_full_result_and_no_best_without_maximize(executor):
    result = executor.execute_batch(code=SMA_CROSS, data=GOOG, param_sets=GRID[:3], full_result=1)
    assert result.success
    assert result.best_index is None
    assert result.full.return_pct == result.runs[1].stats["Return [%]"]


def test_a_bad_parameter_set_fails_alone(executor):
    sets = [{"n1": 10, "n2": 20}, {"n1": 10, "nope": 3}, {"n1": 10, "n2": 30}]
    result = executor.execute_batch(code=SMA_CROSS, data=GOOG, param_sets=sets, **README_OPTIONS)
    assert result.success
    assert result.runs[0].error_type is None
    assert result.runs[1].error_type == "AttributeError"
    assert "nope" in result.runs[1].error_message
    assert result.runs[2].stats["# Trades"] > 0


def test_batch_progress_counts_sets(executor):
    seen = []
    result = executor.execute_batch(
        code=SMA_CROSS,
        data=GOOG,
        param_sets=GRID,
        on_progress=lambda stage, data: seen.append((stage, data)),
    )
    assert result.success
    sets = [data for stage, data in seen if stage == "param_sets"]
    assert sets[-1] == {"sets_done": len(GRID), "sets_total": len(GRID)}
    assert seen[0][0] == "data_loaded"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"param_sets": []}, "1 to 5000"),
        ({"param_sets": [{"n1": 1}] * 5001}, "1 to 5000"),
        ({"param_sets": [{"_private": 1}]}, "public identifier"),
        ({"param_sets": [{"n1": 1}], "full_result": "best"}, "needs maximize"),
        ({"param_sets": [{"n1": 1}], "full_result": 3}, "index of a parameter set"),
    ],
    ids=["empty", "too-many", "private", "best-without-maximize", "bad-index"],
)
def test_bad_batches_are_refused_before_running(executor, kwargs, message):
    result = executor.execute_batch(code=SMA_CROSS, data=GOOG, **kwargs)
    assert not result.success
    assert result.error_type == "validation_error"
    assert message in result.error_message


def test_code_that_does_not_load_fails_the_whole_batch(executor):
    result = executor.execute_batch(code="x = (", data=GOOG, param_sets=GRID[:2])
    assert not result.success
    assert result.error_type == "SyntaxError"
    assert result.runs == []


def test_the_timeout_covers_the_whole_batch(work_base):
    from Backtest.sandbox import BotExecutor

    with BotExecutor(work_root=work_base / "batch-timeout", timeout_s=2) as ex:
        result = ex.execute_batch(code=SMA_CROSS, data=GOOG, param_sets=GRID * 30)
    assert result.error_type == "timeout"
    assert "wall_time" in result.limits_hit
