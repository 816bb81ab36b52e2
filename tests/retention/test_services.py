"""Run-file retention: age, per-user size, orphans, deletion with their rows, plot size cap."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from Backtest.pipeline import BacktestOutcome, BacktestRequest
from Backtest.sandbox import ExecutionResult
from backtest_api import pipeline
from backtest_api.models import BacktestRun
from jobs import periodic
from retention.services import run_dir_of, runs_prune, runs_root
from strategy_api.models import StrategyExecution
from strategy_api.services import strategy_delete
from tests.factories import make_strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def work_dir(settings, tmp_path):
    settings.SANDBOX_WORK_DIR = tmp_path / "work"
    return settings.SANDBOX_WORK_DIR


def _run_dir(name: str, size: int = 1000, age_s: float = 0) -> str:
    """A run directory like the executor leaves; returns its plot's stored name."""
    directory = runs_root() / name
    directory.mkdir(parents=True)
    (directory / "plot.html").write_bytes(b"x" * size)
    (directory / "results.json").write_text("{}")
    if age_s:
        past = time.time() - age_s
        os.utime(directory, (past, past))
    return f"runs/{name}/plot.html"


def _execution(strategy, plot: str, *, days_ago: float = 0) -> StrategyExecution:
    execution = StrategyExecution.objects.create(
        strategy=strategy,
        status="success",
        success=True,
        plot_file=plot,
        results_file=plot.replace("plot.html", "results.json"),
    )
    when = timezone.now() - timedelta(days=days_ago)
    StrategyExecution.objects.filter(pk=execution.pk).update(timestamp=when)
    return execution


def test_expired_run_files_go_and_the_row_keeps_its_metrics(user, settings):
    settings.RUN_RETENTION_DAYS = 30
    strategy = make_strategy(user)
    old = _execution(strategy, _run_dir("old"), days_ago=31)
    new = _execution(strategy, _run_dir("new"), days_ago=1)
    report = runs_prune()
    assert report.expired == 1
    assert not (runs_root() / "old").exists()
    assert (runs_root() / "new").exists()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.plot_file, old.results_file) == ("", "")
    assert old.status == "success"  # history stays
    assert new.plot_file == "runs/new/plot.html"


def test_a_user_over_quota_loses_the_oldest_runs_first(user, other_user, settings):
    settings.RUN_MAX_MB_PER_USER = 1
    strategy = make_strategy(user)
    for n, days in enumerate([3, 2, 1]):
        _execution(strategy, _run_dir(f"mine{n}", size=600_000), days_ago=days)
    _execution(make_strategy(other_user), _run_dir("theirs", size=600_000), days_ago=5)
    report = runs_prune()
    assert report.over_quota == 2
    assert sorted(p.name for p in runs_root().iterdir()) == ["mine2", "theirs"]


def test_unreferenced_runs_go_after_a_grace_period_only(user):
    _run_dir("orphan-old", age_s=2 * 3600)
    _run_dir("orphan-young")  # may be a run whose row is not written yet
    report = runs_prune()
    assert report.orphans == 1
    assert sorted(p.name for p in runs_root().iterdir()) == ["orphan-young"]


def test_backtest_runs_count_as_references(user, settings):
    settings.RUN_RETENTION_DAYS = 1
    plot = _run_dir("bt", age_s=2 * 3600)
    run = BacktestRun.objects.create(owner=user, source="code", symbol="GOOG", plot_file=plot)
    assert runs_prune().orphans == 0
    BacktestRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert runs_prune().expired == 1


def test_prune_runs_command_reports_what_it_removed(user, capsys):
    _run_dir("orphan", age_s=2 * 3600)
    call_command("prune_runs")
    assert "removed 1 unreferenced" in capsys.readouterr().out


def test_deleting_a_strategy_deletes_its_run_files(
    user, api_client, django_capture_on_commit_callbacks
):
    strategy = make_strategy(user)
    _execution(strategy, _run_dir("of-strategy"))
    with django_capture_on_commit_callbacks(execute=True):
        strategy_delete(strategy=strategy)
    assert not (runs_root() / "of-strategy").exists()


def test_deleting_a_backtest_run_deletes_its_files(
    user, api_client, django_capture_on_commit_callbacks
):
    plot = _run_dir("of-run")
    run = BacktestRun.objects.create(
        owner=user, source="code", symbol="GOOG", plot_file=plot, status="succeeded"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"/api/backtests/{run.pk}/").status_code == 204
    assert not (runs_root() / "of-run").exists()


@pytest.mark.parametrize("name", ["runs/../../etc/passwd", "runs/a/b/plot.html", "/etc/passwd", ""])
def test_a_forged_file_name_never_points_outside_the_runs(name):
    assert run_dir_of(name) is None


def test_periodic_work_runs_once_per_period_across_workers():
    calls = []
    periodic.register("t_once", every_s=3600)(lambda: calls.append(1))
    try:
        assert "t_once" in periodic.run_due()
        assert "t_once" not in periodic.run_due()  # a second worker in the same period
        assert calls == [1]
    finally:
        periodic._REGISTRY.pop("t_once")


def test_a_forged_12_mb_plot_is_refused_and_deleted(settings):
    plot = runs_root().parent / _run_dir("big", size=12 * 1024 * 1024)
    outcome = BacktestOutcome(
        request=BacktestRequest.build(),
        result=ExecutionResult(success=True, plot_file=str(plot)),
        bars=10,
        first_bar=None,
        last_bar=None,
    )
    fields = pipeline.outcome_fields(outcome)
    assert fields["plot_file"] == ""
    assert not plot.exists()
    [warning] = fields["warnings"]
    assert warning["code"] == "plot_too_large"
    assert "12,582,912 bytes" in warning["message"]
