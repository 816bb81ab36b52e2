"""POST /api/backtests/run/ and quick_run/: everything is checked before a job is queued.

Jobs stay queued here (database task backend, no worker), so no test in this module runs the
sandbox; ``test_sandbox_runs.py`` runs real backtests.
"""

from __future__ import annotations

import pytest

from backtest_api.models import BacktestRun
from jobs.models import Job
from tests.backtest_api.factories import make_config
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = pytest.mark.django_db

RUN = "/api/backtests/run/"
QUICK = "/api/backtests/quick_run/"
SPEC = {
    "name": "SMA crossover",
    "indicators": [
        {"id": "fast", "indicator": "SMA", "params": {"timeperiod": 10}},
        {"id": "slow", "indicator": "SMA", "params": {"timeperiod": 30}},
    ],
    "rules": {
        "entry": {"left": "fast", "op": "crosses_above", "right": "slow"},
        "exit": {"left": "fast", "op": "crosses_below", "right": "slow"},
    },
}


# Market-data problems keep their own code and status on every route (algoagent.errors).
DATA_STATUS = {"unknown_symbol": 404, "empty_range": 422}


def _fields(response) -> dict:
    error = response.json()["error"]
    assert response.status_code == DATA_STATUS.get(error["code"], 400), response.content
    return error["details"]["fields"]


def _nothing_queued() -> bool:
    return not BacktestRun.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"symbol": "GOOG"}, {"symbol": "GOOG", "code": SMA_CROSS_CODE, "spec": SPEC}],
)
def test_run_needs_exactly_one_source(api_client, payload):
    error = api_client.post(RUN, payload).json()["error"]
    assert error["code"] == "validation_error"
    message = error["details"]["fields"]["non_field_errors"][0]
    assert "`strategy`, `code`, `spec`" in message
    assert _nothing_queued()


def test_unknown_or_other_users_strategy_is_400_naming_strategy(api_client, other_user):
    theirs = make_strategy(other_user)
    for pk in (theirs.pk, 9999):
        fields = _fields(api_client.post(RUN, {"strategy": pk, "symbol": "GOOG"}))
        assert fields == {"strategy": [f"You have no strategy {pk}."]}
    assert _nothing_queued()


def test_version_must_exist_and_goes_with_strategy(api_client, user):
    strategy = make_strategy(user)
    fields = _fields(
        api_client.post(RUN, {"strategy": strategy.pk, "version": 7, "symbol": "GOOG"})
    )
    assert fields == {"version": [f"Strategy {strategy.pk} has no version 7."]}
    fields = _fields(api_client.post(RUN, {"code": SMA_CROSS_CODE, "version": 1, "symbol": "GOOG"}))
    assert set(fields) == {"version"}
    assert _nothing_queued()


def test_strategy_without_code_is_400(api_client, user):
    strategy = make_strategy(user, code="")
    response = api_client.post(RUN, {"strategy": strategy.pk, "symbol": "GOOG"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "no_code")


def test_invalid_spec_has_dotted_field_errors(api_client):
    spec = {**SPEC, "rules": {"entry": {"left": "fast", "op": "nope", "right": "slow"}}}
    fields = _fields(api_client.post(RUN, {"spec": spec, "symbol": "GOOG"}, format="json"))
    assert any(name.startswith("spec.rules.entry") for name in fields), fields
    assert _nothing_queued()


def test_inline_code_failing_static_checks_is_400_with_the_line(api_client):
    code = SMA_CROSS_CODE + "\nimport os\n"
    fields = _fields(api_client.post(RUN, {"code": code, "symbol": "GOOG"}))
    assert set(fields) == {"code"}
    assert fields["code"][0].startswith(f"line {code.splitlines().index('import os') + 1}:")
    assert _nothing_queued()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"symbol"}),
        ({"symbol": "NOPE"}, {"symbol"}),
        ({"symbol": "GOOG", "start": "2030-01-01"}, {"start", "end"}),
        ({"symbol": "GOOG", "start": "2012-01-01", "end": "2011-01-01"}, {"end"}),
        (
            {"symbol": "GOOG", "cash": -5, "commission": 0.5, "margin": 2},
            {"cash", "commission", "margin"},
        ),
        ({"symbol": "GOOG", "interval": "3x"}, {"interval"}),
        ({"symbol": "GOOG", "config": 9999}, {"config"}),
    ],
)
def test_bad_settings_are_400_naming_the_field(api_client, user, payload, fields):
    strategy = make_strategy(user)
    assert set(_fields(api_client.post(RUN, {"strategy": strategy.pk, **payload}))) == fields
    assert _nothing_queued()


def test_other_users_config_is_400_naming_config(api_client, user, other_user):
    strategy = make_strategy(user)
    config = make_config(other_user)
    fields = _fields(api_client.post(RUN, {"strategy": strategy.pk, "config": config.pk}))
    assert set(fields) == {"config"}


def test_submit_records_a_queued_run_with_config_and_inline_overrides(api_client, user, db_backend):
    strategy = make_strategy(user)
    config = make_config(user, commission=0.002, cash=50_000)
    response = api_client.post(
        RUN, {"strategy": strategy.pk, "config": config.pk, "cash": 20_000, "end": "2011-06-30"}
    )
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job_id"])
    run = BacktestRun.objects.get(job=job)
    assert (job.kind, job.status, job.input, job.strategy) == (
        "backtest",
        "queued",
        {"run_id": run.pk},
        strategy,
    )
    assert (run.status, run.success, run.label, run.config) == (
        "queued",
        None,
        "SMA cross v1",
        config,
    )
    assert (str(run.start), str(run.end), run.symbol) == ("2010-01-01", "2011-06-30", "GOOG")
    assert run.settings["cash"] == 20_000  # inline wins
    assert run.settings["commission"] == 0.002  # from the config
    assert run.settings["margin"] == 1.0  # the default
    listed = api_client.get("/api/backtests/").json()["results"]
    assert [(r["id"], r["status"]) for r in listed] == [(run.pk, "queued")]


def test_submit_runs_the_requested_version(api_client, user, db_backend):
    strategy = make_strategy(user)
    api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": SMA_CROSS_CODE + "\n# v2\n"})
    body = api_client.post(RUN, {"strategy": strategy.pk, "version": 1, "symbol": "GOOG"}).json()
    run = BacktestRun.objects.get(job_id=body["job_id"])
    assert (run.version.number, run.label) == (1, "SMA cross v1")
    body = api_client.post(RUN, {"strategy": strategy.pk, "symbol": "GOOG"}).json()
    assert BacktestRun.objects.get(job_id=body["job_id"]).version.number == 2


def test_spec_run_stores_normalised_spec_and_compiled_code(api_client, db_backend):
    response = api_client.post(RUN, {"spec": SPEC, "symbol": "GOOG"}, format="json")
    assert response.status_code == 202
    run = BacktestRun.objects.get()
    assert (run.source, run.label, run.strategy) == ("spec", "inline", None)
    assert run.spec["version"] == "1.0"
    assert "class " in run.code


def test_quick_run_needs_code_or_spec_and_a_symbol(api_client, user):
    strategy = make_strategy(user)
    fields = _fields(api_client.post(QUICK, {"strategy": strategy.pk, "symbol": "GOOG"}))
    assert "Unknown field" in fields["strategy"][0]  # quick_run runs code or a spec only
    fields = _fields(api_client.post(QUICK, {"symbol": "GOOG"}))
    assert "`code`, `spec`" in fields["non_field_errors"][0]
    assert set(_fields(api_client.post(QUICK, {"code": SMA_CROSS_CODE}))) == {"symbol"}
    assert _nothing_queued()


def test_quick_run_with_prefer_wait_0_answers_202(api_client, db_backend):
    response = api_client.post(
        QUICK, {"code": SMA_CROSS_CODE, "symbol": "GOOG"}, HTTP_PREFER="wait=0"
    )
    assert response.status_code == 202
    assert BacktestRun.objects.get().status == "queued"


def test_quick_run_waits_by_default_then_answers_202(api_client, db_backend, settings):
    settings.BACKTEST_QUICK_RUN_WAIT_SECONDS = 1  # the job stays queued: no worker here
    response = api_client.post(QUICK, {"code": SMA_CROSS_CODE, "symbol": "GOOG"})
    assert response.status_code == 202
    assert response["Preference-Applied"] == "wait=1"


def test_anonymous_cannot_run(anon_client):
    assert anon_client.post(RUN, {"code": SMA_CROSS_CODE, "symbol": "GOOG"}).status_code == 401
