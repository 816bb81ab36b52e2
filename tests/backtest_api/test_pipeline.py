"""Every route that runs a backtest goes through the one service, ``pipeline.backtest_execute``."""

from __future__ import annotations

import ast
from pathlib import Path
from unittest import mock

import pytest

from backtest_api import pipeline
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = pytest.mark.django_db
WAIT = {"HTTP_PREFER": "wait=60"}
ROOT = Path(__file__).resolve().parents[2]
# Two classic LLM mistakes the rule fixer repairs: a lowercase price column, a missing import.
BROKEN = SMA_CROSS_CODE.replace("close = self.data.Close", "close = self.data.close").replace(
    "from backtesting.lib import crossover\n", ""
)


@pytest.fixture
def spy():
    with mock.patch.object(pipeline, "backtest_execute", wraps=pipeline.backtest_execute) as s:
        yield s


def _plot_reruns(spy) -> int:
    """Calls that drew a stored run's plot after the answer (``backtest_api.plot_drawing``):
    they go through the pipeline too, with the plot on; the answering run has it off."""
    return sum(1 for call in spy.call_args_list if call.kwargs["request"].plot)


def _post(client, url, body):
    response = client.post(url, body, format="json", **WAIT)
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_execute_calls_the_pipeline(api_client, user, spy):
    strategy = make_strategy(user)
    body = _post(api_client, f"/api/strategies/{strategy.pk}/execute/", {"commission": 0.002})
    # The run answered without its plot, then the same run drawn with it.
    assert [call.kwargs["request"].plot for call in spy.call_args_list] == [False, True]
    assert {call.kwargs["request"].commission for call in spy.call_args_list} == {0.002}
    assert body["settings"]["commission"] == 0.002


def test_backtest_run_and_quick_run_call_the_pipeline(api_client, user, spy):
    strategy = make_strategy(user)
    _post(api_client, "/api/backtests/run/", {"strategy": strategy.pk, "symbol": "GOOG"})
    _post(api_client, "/api/backtests/quick_run/", {"code": SMA_CROSS_CODE, "symbol": "GOOG"})
    assert spy.call_count - _plot_reruns(spy) == 2
    assert _plot_reruns(spy) == 2


def test_sandbox_test_is_a_job_through_the_pipeline(api_client, spy):
    body = _post(api_client, "/api/production/strategies/sandbox-test/", {"code": SMA_CROSS_CODE})
    assert (body["ran"], body["bars"]) == (True, 250)
    request = spy.call_args.kwargs["request"]
    assert (request.last_bars, request.finalize_trades, request.plot) == (250, True, False)


def test_fix_errors_reruns_call_the_pipeline(api_client, user, spy):
    strategy = make_strategy(user, code=BROKEN)
    body = _post(api_client, f"/api/strategies/{strategy.pk}/fix_errors/", {"cash": 50_000})
    assert body["success"] is True
    assert spy.call_count >= 2  # the failing run, then the verifying run of the fix
    assert {call.kwargs["request"].cash for call in spy.call_args_list} == {50_000}


def test_generate_and_execute_calls_the_pipeline(api_client, spy):
    body = _post(
        api_client,
        "/api/strategies/generate_with_ai/",
        {
            "description": "Buy when RSI(14) drops below 30, sell when it rises above 70.",
            "execute_after_generation": True,
            "symbol": "GOOG",
        },
    )
    assert body["execution_result"] is not None
    # The run itself, then the automatic look-ahead check: the full bars and each cut.
    from research_api.services.lookahead import AUTO_CUTS

    assert spy.call_count - _plot_reruns(spy) == 1 + 1 + AUTO_CUTS
    assert _plot_reruns(spy) == 1


def test_template_strategy_runs_through_the_pipeline(api_client, spy):
    template = api_client.get("/api/templates/", {"search": "RSI"}).json()["results"][0]
    created = api_client.post(f"/api/templates/{template['id']}/instantiate/", {}, format="json")
    assert created.status_code == 201, created.content
    _post(api_client, f"/api/strategies/{created.json()['id']}/execute/", {})
    assert spy.call_count - _plot_reruns(spy) == 1
    assert _plot_reruns(spy) == 1


def _calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == name
    ]


def test_nothing_outside_the_pipeline_calls_the_executor():
    """``execute_bot`` is called by the pipeline only (and by the sandbox's own benchmarks)."""
    allowed = {
        "Backtest/pipeline/run.py",
        "Backtest/bench.py",
        "Backtest/quality/generation.py",
        "Backtest/quality/fixing.py",
        # StrategyGenerator's optional ``executor`` for callers outside the web app; the web
        # app generates without it and verifies through strategy_fix_errors (this pipeline).
        "Backtest/strategy_generator.py",
    }
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "var/")) or relative in allowed:
            continue
        if "/sandbox/" in f"/{relative}" or relative == "Backtest/bot_executor.py":
            continue
        offenders += [f"{relative}:{line}" for line in _calls(path, "execute_bot")]
    assert offenders == []
