"""A research tab's job outlives the page: a reload, or coming back to the tab, follows the job
it started (live progress, then the result), and its form shows that job's settings, not its
own defaults; a cancel is said as a neutral notice, not as an error; an id the API no longer
knows is forgotten without a word."""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    SMA_IDEA,
    api_start,
    api_token,
    cancel_unfinished_jobs,
    expect_cancelled,
    generate_and_run,
    new_user,
    sign_in,
    wait_for_job,
    wait_for_screen,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def run(workspace_url):
    """A fresh user with an SMA-cross strategy and one run: (username, strategy id, run id).

    Afterwards the user's unfinished jobs are cancelled, so a test that failed half way does not
    leave a long optimisation holding the one worker from the session's next tests.
    """
    username, token = new_user(workspace_url, "reattach")
    sid, eid = generate_and_run(workspace_url, token, SMA_IDEA)
    yield username, sid, eid
    cancel_unfinished_jobs(workspace_url, token)


def _open_tab(page, sid: int, eid: int, tab: str):
    page.goto(f"/#/strategy/{sid}/run/{eid}/{tab}")
    wait_for_screen(page, "renderRun")
    return page.get_by_test_id(f"panel-{tab}")


def _big_grid(panel) -> None:
    """4,428 combinations: long enough to reload while it runs."""
    panel.get_by_test_id("param-stop-sma_timeperiod").fill("60")
    panel.get_by_test_id("param-step-sma_timeperiod").fill("1")
    panel.get_by_test_id("param-stop-sma_30_timeperiod").fill("100")
    panel.get_by_test_id("param-step-sma_30_timeperiod").fill("1")
    expect(panel.get_by_test_id("params-combinations")).to_contain_text("4,428 combinations")


def _api_get(base: str, token: str, path: str) -> dict:
    req = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


def _keep(page, sid: int, eid: int, tab: str, job_id: str) -> None:
    """Keep ``job_id`` as the tab's job, as the page keeps one it started (sessionStorage)."""
    page.evaluate(
        "([key, id]) => sessionStorage.setItem(key, JSON.stringify({id, at: Date.now()}))",
        [f"research:{sid}:{eid}:{tab}", job_id],
    )


def _expect_range(panel, name: str, start: str, stop: str, step: str) -> None:
    expect(panel.get_by_test_id(f"param-vary-{name}")).to_be_checked()
    expect(panel.get_by_test_id(f"param-start-{name}")).to_have_value(start)
    expect(panel.get_by_test_id(f"param-stop-{name}")).to_have_value(stop)
    expect(panel.get_by_test_id(f"param-step-{name}")).to_have_value(step)


def test_a_reload_follows_the_running_optimisation_and_its_cancel_is_a_notice(page, run):
    username, sid, eid = run
    sign_in(page, username)
    panel = _open_tab(page, sid, eid, "optimise")
    _big_grid(panel)
    panel.get_by_test_id("optimise-maximize").select_option("Sharpe Ratio")
    panel.get_by_test_id("optimise-run").click()
    expect(panel.get_by_test_id("optimise-live")).to_contain_text("of 4,428", timeout=60_000)

    page.reload()
    wait_for_screen(page, "renderRun")
    panel = page.get_by_test_id("panel-optimise")
    # The same job, followed again: its events from the first, its live count, its Cancel, and
    # the form waits for it as it did before the reload.
    progress = panel.get_by_test_id("job-progress")
    expect(progress).to_contain_text("optimize job queued")
    expect(panel.get_by_test_id("optimise-live")).to_contain_text("of 4,428", timeout=60_000)
    expect(panel.get_by_test_id("optimise-run")).to_be_disabled()
    # The form shows the job it follows, not its own defaults (25 combinations, SQN).
    expect(panel.get_by_test_id("params-combinations")).to_contain_text("4,428 combinations")
    _expect_range(panel, "sma_timeperiod", "6", "60", "1")
    _expect_range(panel, "sma_30_timeperiod", "18", "100", "1")
    expect(panel.get_by_test_id("optimise-maximize")).to_have_value("Sharpe Ratio")
    expect(panel.get_by_test_id("research-job-settings")).to_be_hidden()
    tried = panel.get_by_test_id("optimise-live").inner_text()
    expect(panel.get_by_test_id("optimise-live")).not_to_have_text(tried, timeout=60_000)  # live

    # Coming back to the tab from another screen follows it too.
    page.get_by_test_id("nav-history").click()
    wait_for_screen(page, "renderHistory")
    panel = _open_tab(page, sid, eid, "optimise")
    expect(panel.get_by_test_id("optimise-live")).to_contain_text("of 4,428", timeout=60_000)

    # A cancel the user asked for ends it with a neutral notice; the error banner stays hidden.
    panel.get_by_test_id("job-cancel").click()
    expect_cancelled(page, panel)
    expect(panel.get_by_test_id("job-cancel")).to_be_hidden()
    expect(panel.get_by_test_id("optimise-run")).to_be_enabled()
    expect(panel.get_by_test_id("optimise-best")).to_have_count(0)


def test_a_reload_shows_the_result_of_a_job_that_finished_meanwhile(page, run):
    username, sid, eid = run
    sign_in(page, username)
    panel = _open_tab(page, sid, eid, "monte-carlo")
    panel.get_by_test_id("mc-runs").fill("10000")
    panel.get_by_test_id("mc-run").click()
    expect(panel.get_by_test_id("job-progress")).to_contain_text("monte_carlo job queued")
    page.reload()  # at once: the job is queued or running, or has just finished
    wait_for_screen(page, "renderRun")
    panel = page.get_by_test_id("panel-monte-carlo")
    expect(panel.get_by_test_id("mc-prob-loss")).to_contain_text("10,000 runs", timeout=60_000)
    expect(panel.get_by_test_id("job-progress")).to_contain_text("Finished")
    expect(panel.get_by_test_id("job-cancel")).to_be_hidden()
    expect(page.get_by_test_id("error-banner")).to_be_hidden()
    expect(panel.get_by_test_id("mc-runs")).to_have_value("10000")  # the job's, not 1,000

    # The optimise tab of the same run started nothing: it shows only its form.
    page.get_by_test_id("tab-optimise").click()
    optimise = page.get_by_test_id("panel-optimise")
    expect(optimise.get_by_test_id("optimise-run")).to_be_enabled()
    expect(optimise.get_by_test_id("job-progress")).to_have_count(0)


def test_an_optimisation_started_through_the_api_is_followed_with_its_own_settings(
    page, run, workspace_url
):
    username, sid, eid = run
    token = api_token(workspace_url, username)
    detail = _api_get(workspace_url, token, f"/api/strategies/{sid}/executions/{eid}/")
    equity = detail["equity_curve"]
    job_id = api_start(
        workspace_url,
        token,
        f"/api/strategies/{sid}/optimize/",
        {
            "test_symbol": detail["test_symbol"],
            "start": equity[0]["time"][:10],
            "end": equity[-1]["time"][:10],
            "params": {
                "sma_timeperiod": {"start": 5, "stop": 60, "step": 1},
                "sma_30_timeperiod": {"start": 20, "stop": 100, "step": 1},
            },
            "maximize": "Sharpe Ratio",
            "constraint": "sma_timeperiod < sma_30_timeperiod",
        },
    )
    sign_in(page, username)
    _keep(page, sid, eid, "optimise", job_id)
    panel = _open_tab(page, sid, eid, "optimise")
    expect(panel.get_by_test_id("job-progress")).to_contain_text("optimize job queued")
    expect(panel.get_by_test_id("optimise-run")).to_be_disabled()
    expect(panel.get_by_test_id("params-combinations")).to_contain_text(
        "4,400 combinations of sma_timeperiod × sma_30_timeperiod"
    )
    _expect_range(panel, "sma_timeperiod", "5", "60", "1")
    _expect_range(panel, "sma_30_timeperiod", "20", "100", "1")
    expect(panel.get_by_test_id("optimise-maximize")).to_have_value("Sharpe Ratio")
    expect(panel.get_by_test_id("optimise-constraint")).to_have_value(
        "sma_timeperiod < sma_30_timeperiod"
    )
    expect(panel.get_by_test_id("optimise-method")).to_have_value("grid")
    # Everything it asked for is in the form: no line about settings it cannot show.
    expect(panel.get_by_test_id("research-job-settings")).to_be_hidden()
    panel.get_by_test_id("job-cancel").click()
    expect_cancelled(page, panel)


def test_what_the_form_cannot_show_of_a_followed_job_is_said_in_one_line(page, run, workspace_url):
    username, sid, eid = run
    token = api_token(workspace_url, username)
    # Values that are no range, and a start of its own: the form cannot hold either. No end: to
    # the last bar, as the run (started without dates) asked, so the end is not named.
    job_id = api_start(
        workspace_url,
        token,
        f"/api/strategies/{sid}/optimize/",
        {
            "start": "2010-01-04",
            "params": {
                "sma_timeperiod": [5, 7, 20],
                "sma_30_timeperiod": {"start": 20, "stop": 40, "step": 10},
            },
            "maximize": "Return [%]",
        },
    )
    wait_for_job(workspace_url, token, job_id, {"succeeded"})
    sign_in(page, username)
    _keep(page, sid, eid, "optimise", job_id)
    panel = _open_tab(page, sid, eid, "optimise")
    expect(panel.get_by_test_id("optimise-best")).to_contain_text("Return [%]")
    expect(panel.get_by_test_id("optimise-maximize")).to_have_value("Return [%]")
    _expect_range(panel, "sma_30_timeperiod", "20", "40", "10")
    expect(panel.get_by_test_id("param-vary-sma_timeperiod")).not_to_be_checked()
    expect(panel.get_by_test_id("params-combinations")).to_contain_text(
        "2 combinations of sma_30_timeperiod"
    )
    note = panel.get_by_test_id("research-job-settings")
    expect(note).to_contain_text("shows the followed job's settings as far as it can")
    expect(note).to_contain_text("sma_timeperiod 5, 7, 20")
    expect(note).to_contain_text("start 2010-01-04 (this run: 2004-08-19)")
    expect(note).not_to_contain_text("end ")
    expect(page.get_by_test_id("error-banner")).to_be_hidden()


def test_a_job_id_the_api_does_not_know_is_forgotten_silently(page, run, recorder):
    username, sid, eid = run
    recorder.expect_console_error("404")
    recorder.expect_console_error("400")
    sign_in(page, username)
    for kept in (str(uuid.uuid4()), "not-a-job-id"):
        page.evaluate(
            "([key, id]) => sessionStorage.setItem(key, id)",
            [f"research:{sid}:{eid}:robustness", kept],
        )
        panel = _open_tab(page, sid, eid, "robustness")
        expect(panel.get_by_test_id("lookahead-run")).to_be_enabled()
        expect(panel.get_by_test_id("job-progress")).to_have_count(0)
        expect(page.get_by_test_id("error-banner")).to_be_hidden()
        page.wait_for_function(
            "key => sessionStorage.getItem(key) === null", arg=f"research:{sid}:{eid}:robustness"
        )
        page.goto("/#/history")
        wait_for_screen(page, "renderHistory")


def test_a_walk_forward_started_through_the_api_is_shown_with_its_own_windows(
    page, run, workspace_url
):
    username, sid, eid = run
    token = api_token(workspace_url, username)
    # No dates, as the run (all the bars): nothing for the note above the form to name.
    job_id = api_start(
        workspace_url,
        token,
        f"/api/strategies/{sid}/walk_forward/",
        {
            "params": {"sma_timeperiod": {"start": 5, "stop": 20, "step": 5}},
            "train_bars": 600,
            "test_bars": 300,
            "anchored": True,
            "maximize": "Return [%]",
        },
    )
    wait_for_job(workspace_url, token, job_id, {"succeeded"})
    sign_in(page, username)
    _keep(page, sid, eid, "walk-forward", job_id)
    panel = _open_tab(page, sid, eid, "walk-forward")
    expect(panel.get_by_test_id("wf-window-row")).to_have_count(5)  # (2,148 - 600) // 300
    expect(panel.get_by_test_id("wf-oos-return")).to_contain_text("anchored")
    expect(panel.get_by_test_id("wf-train-bars")).to_have_value("600")
    expect(panel.get_by_test_id("wf-test-bars")).to_have_value("300")
    expect(panel.get_by_test_id("wf-anchored")).to_be_checked()
    _expect_range(panel, "sma_timeperiod", "5", "20", "5")
    expect(panel.get_by_test_id("param-vary-sma_30_timeperiod")).not_to_be_checked()
    expect(panel.get_by_test_id("research-job-settings")).to_be_hidden()
    expect(page.get_by_test_id("error-banner")).to_be_hidden()


def test_a_look_ahead_check_on_other_bars_is_followed_and_says_so(page, run, workspace_url):
    username, sid, eid = run
    token = api_token(workspace_url, username)
    job_id = api_start(
        workspace_url,
        token,
        f"/api/strategies/{sid}/lookahead_check/",
        {"start": "2008-01-02", "end": "2012-12-31"},
    )
    sign_in(page, username)
    _keep(page, sid, eid, "robustness", job_id)
    panel = _open_tab(page, sid, eid, "robustness")
    verdict = panel.get_by_test_id("lookahead-verdict")
    expect(verdict).to_contain_text("✓ No look-ahead found", timeout=90_000)
    note = panel.get_by_test_id("research-job-settings")
    expect(note).to_contain_text("start 2008-01-02 (this run: 2004-08-19)")
    expect(note).to_contain_text("end 2012-12-31 (this run: 2013-03-01)")
    expect(panel.get_by_test_id("lookahead-run")).to_be_enabled()
