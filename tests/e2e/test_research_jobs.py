"""A research tab's job outlives the page: a reload, or coming back to the tab, follows the job
it started (live progress, then the result); a cancel is said as a neutral notice, not as an
error; an id the API no longer knows is forgotten without a word."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    SMA_IDEA,
    cancel_unfinished_jobs,
    expect_cancelled,
    generate_and_run,
    new_user,
    sign_in,
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


def test_a_reload_follows_the_running_optimisation_and_its_cancel_is_a_notice(page, run):
    username, sid, eid = run
    sign_in(page, username)
    panel = _open_tab(page, sid, eid, "optimise")
    _big_grid(panel)
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

    # The optimise tab of the same run started nothing: it shows only its form.
    page.get_by_test_id("tab-optimise").click()
    optimise = page.get_by_test_id("panel-optimise")
    expect(optimise.get_by_test_id("optimise-run")).to_be_enabled()
    expect(optimise.get_by_test_id("job-progress")).to_have_count(0)


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
