"""The describe and strategy screens' jobs outlive the page, as the research tabs' do: a reload,
or coming back to the screen, follows the job it started (its progress and Cancel, then its
outcome as if the page had stayed open); an outcome that arrived while the page was away is
shown once, unless a later action of the same screen has overtaken it; a cancel is a neutral
notice; an id the API no longer knows is forgotten without a word.

To catch a job while it waits, a long optimisation first holds the one worker (``held``): the
job the page starts stays queued until the test releases the worker by cancelling it.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    SMA_IDEA,
    api_cancel,
    api_jobs,
    api_post,
    api_start,
    cancel_unfinished_jobs,
    expect_cancelled,
    generate_and_run,
    new_user,
    sign_in,
    wait_for_job,
    wait_for_screen,
)
from tests.sample_code import SMA_CROSS_CODE

pytestmark = pytest.mark.e2e

RSI_IDEA = "Buy when RSI(14) drops below 30, sell when it rises above 70."


class Trader:
    """A fresh user with an SMA-cross strategy and one run of it."""

    def __init__(self, base: str):
        self.base = base
        self.username, self.token = new_user(base, "resume")
        self.sid, self.eid = generate_and_run(base, self.token, SMA_IDEA)
        self.blocker: str | None = None

    def hold_worker(self) -> None:
        """Occupy the one worker with a 7,708-combination optimisation until ``release``."""
        grid = {
            "sma_timeperiod": {"start": 6, "stop": 100, "step": 1},
            "sma_30_timeperiod": {"start": 18, "stop": 100, "step": 1},
        }
        body = {"params": grid, "maximize": "SQN", "method": "grid"}
        self.blocker = api_start(
            self.base, self.token, f"/api/strategies/{self.sid}/optimize/", body
        )
        wait_for_job(self.base, self.token, self.blocker, {"running"})

    def release(self) -> None:
        api_cancel(self.base, self.token, self.blocker)

    def job(self, kind: str) -> dict:
        """The one job of ``kind`` this user started."""
        (job,) = api_jobs(self.base, self.token, f"kind={kind}")
        return job


@pytest.fixture
def trader(workspace_url):
    trader = Trader(workspace_url)
    yield trader
    cancel_unfinished_jobs(workspace_url, trader.token)


def _open_strategy(page, sid: int) -> None:
    page.goto(f"/#/strategy/{sid}")
    wait_for_screen(page, "renderStrategy")


def _kept(page, key: str):
    return page.evaluate("key => sessionStorage.getItem(key)", key)


def _expect_waiting(page, kind: str, button: str) -> None:
    """The job's progress from its first event, its Cancel, and the action's button disabled."""
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_contain_text(f"{kind} job queued")
    expect(progress.get_by_test_id("job-cancel")).to_be_visible()
    expect(page.get_by_test_id(button)).to_be_disabled()


def test_a_reload_follows_the_queued_run_then_shows_its_result_once(page, trader):
    sign_in(page, trader.username)
    trader.hold_worker()
    _open_strategy(page, trader.sid)
    page.get_by_test_id("run-backtest").click()
    _expect_waiting(page, "execute", "run-backtest")

    page.reload()
    wait_for_screen(page, "renderStrategy")
    _expect_waiting(page, "execute", "run-backtest")

    trader.release()
    # As if there had been no reload: the new run in the list and its result above it.
    expect(page.get_by_test_id("runs-list").locator("li")).to_have_count(2, timeout=60_000)
    result = page.get_by_test_id("result")
    run_id = trader.job("execute")["result"]["execution_id"]
    expect(result.locator(".result-head h2")).to_contain_text(f"Run #{run_id} ")
    expect(result.get_by_test_id("metric-return")).to_be_visible()
    expect(page.get_by_test_id("job-progress")).to_contain_text("Finished")
    expect(page.get_by_test_id("job-cancel")).to_be_hidden()
    expect(page.get_by_test_id("run-backtest")).to_be_enabled()
    expect(page.get_by_test_id("error-banner")).to_be_hidden()
    # Shown once: the next reload is the plain screen.
    assert _kept(page, f"job:strategy:{trader.sid}:run") is None
    page.reload()
    wait_for_screen(page, "renderStrategy")
    expect(page.get_by_test_id("job-progress")).to_have_count(0)
    expect(page.get_by_test_id("run-backtest")).to_be_enabled()


def test_coming_back_to_the_strategy_follows_the_fix_to_its_outcome(page, trader):
    code = SMA_CROSS_CODE.replace("self.buy()", "self.buy(size=1.5)")
    payload = {"name": "Big", "code": code}
    broken = api_post(trader.base, trader.token, "/api/strategies/", payload)
    sign_in(page, trader.username)
    trader.hold_worker()
    _open_strategy(page, broken["id"])
    page.get_by_test_id("fix-errors").click()
    _expect_waiting(page, "fix_errors", "fix-errors")

    page.get_by_test_id("nav-history").click()
    wait_for_screen(page, "renderHistory")
    _open_strategy(page, broken["id"])
    _expect_waiting(page, "fix_errors", "fix-errors")

    trader.release()
    proposed = page.get_by_test_id("fix-proposed")
    expect(proposed).to_contain_text("it was not applied", timeout=60_000)
    expect(page.get_by_test_id("fix-outcome")).to_be_visible()
    expect(page.get_by_test_id("fix-errors")).to_be_enabled()
    # "Apply it anyway" still works on the outcome that was followed again.
    page.get_by_test_id("fix-allow-semantic").click()
    expect(page.get_by_test_id("fix-verified")).to_contain_text("Now version 2", timeout=60_000)


def test_a_reload_follows_the_chat_reply_and_a_cancel_after_a_reload_is_a_notice(page, trader):
    sign_in(page, trader.username)
    trader.hold_worker()
    _open_strategy(page, trader.sid)
    page.get_by_test_id("chat-input").fill("change the fast SMA period to 15")
    page.get_by_test_id("chat-send").click()
    _expect_waiting(page, "chat", "chat-send")
    page.reload()
    wait_for_screen(page, "renderStrategy")
    _expect_waiting(page, "chat", "chat-send")
    trader.release()
    log = page.get_by_test_id("chat-log")
    expect(log).to_contain_text("Created version 2", timeout=60_000)
    expect(page.locator(".result-head")).to_contain_text("version 2")
    expect(page.get_by_test_id("chat-send")).to_be_enabled()

    # A run followed again after a reload, cancelled: the neutral notice, no alert.
    trader.hold_worker()
    page.get_by_test_id("run-backtest").click()
    _expect_waiting(page, "execute", "run-backtest")
    page.reload()
    wait_for_screen(page, "renderStrategy")
    _expect_waiting(page, "execute", "run-backtest")
    page.get_by_test_id("job-cancel").click()
    expect_cancelled(page, page)
    expect(page.get_by_test_id("run-backtest")).to_be_enabled()
    expect(page.get_by_test_id("runs-list").locator("li")).to_have_count(1)


def test_a_reload_follows_the_generation_then_keeps_its_result(page, trader):
    sign_in(page, trader.username)
    trader.hold_worker()
    page.get_by_test_id("describe-input").fill(RSI_IDEA)
    page.get_by_test_id("describe-submit").click()
    _expect_waiting(page, "generate", "describe-submit")

    page.reload()
    wait_for_screen(page, "renderDescribe")
    expect(page.get_by_test_id("describe-input")).to_have_value(RSI_IDEA)
    _expect_waiting(page, "generate", "describe-submit")

    trader.release()
    expect(page.get_by_test_id("understood-as")).to_contain_text("RSI", timeout=60_000)
    expect(page.get_by_test_id("metric-return")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("describe-submit")).to_be_enabled()
    expect(page.get_by_test_id("describe-restored")).to_have_count(0)
    # The finished result is the tab's last result from now on, as without a reload.
    page.reload()
    wait_for_screen(page, "renderDescribe")
    expect(page.get_by_test_id("describe-restored")).to_contain_text(RSI_IDEA)
    expect(page.get_by_test_id("job-progress")).to_have_count(0)

    # "New strategy" while a generation waits starts over: it is not followed any more.
    trader.hold_worker()
    page.get_by_test_id("describe-submit").click()
    _expect_waiting(page, "generate", "describe-submit")
    page.get_by_test_id("nav-workspace").click()
    expect(page.get_by_test_id("describe-input")).to_have_value("")
    expect(page.get_by_test_id("job-progress")).to_have_count(0)
    page.reload()
    wait_for_screen(page, "renderDescribe")
    expect(page.get_by_test_id("job-progress")).to_have_count(0)
    expect(page.get_by_test_id("describe-submit")).to_be_enabled()


def test_a_run_finished_while_away_is_shown_once_and_never_over_a_later_one(page, trader):
    sign_in(page, trader.username)
    trader.hold_worker()
    _open_strategy(page, trader.sid)
    # A fix (a working strategy: "nothing to fix", verified by a run of its own), then a run.
    page.get_by_test_id("fix-errors").click()
    _expect_waiting(page, "fix_errors", "fix-errors")
    page.get_by_test_id("cash-input").fill("20000")
    page.get_by_test_id("run-backtest").click()
    expect(page.get_by_test_id("job-progress")).to_have_count(2)
    page.get_by_test_id("nav-history").click()
    wait_for_screen(page, "renderHistory")
    trader.release()
    run_job = wait_for_job(trader.base, trader.token, trader.job("execute")["id"], {"succeeded"})
    fix_job = wait_for_job(trader.base, trader.token, trader.job("fix_errors")["id"], {"succeeded"})
    assert fix_job["result"]["final_execution"]["execution_id"] != run_job["result"]["execution_id"]

    # Back: the run's result, which came later than the fix, and not the fix's own run.
    _open_strategy(page, trader.sid)
    head = page.get_by_test_id("result").locator(".result-head h2")
    expect(head).to_contain_text(f"Run #{run_job['result']['execution_id']} ", timeout=30_000)
    expect(page.get_by_test_id("job-progress")).to_have_count(1)
    expect(page.get_by_test_id("job-progress")).to_contain_text("Finished")
    expect(page.get_by_test_id("fix-outcome")).to_have_count(0)
    page.wait_for_function(
        "sid => !sessionStorage.getItem(`job:strategy:${sid}:run`)"
        " && !sessionStorage.getItem(`job:strategy:${sid}:fix`)",
        arg=trader.sid,
    )
    expect(head).to_contain_text(f"Run #{run_job['result']['execution_id']} ")
    page.reload()
    wait_for_screen(page, "renderStrategy")
    expect(page.get_by_test_id("job-progress")).to_have_count(0)
    expect(page.get_by_test_id("result").locator(".result-head")).to_have_count(0)


def test_a_job_id_the_api_does_not_know_is_forgotten_silently(page, trader, recorder):
    recorder.expect_console_error("404")
    recorder.expect_console_error("400")
    sign_in(page, trader.username)
    keys = ["job:describe", f"job:strategy:{trader.sid}:run", f"job:strategy:{trader.sid}:chat"]
    for kept in (str(uuid.uuid4()), "not-a-job-id"):
        for key in keys:
            page.evaluate("([key, id]) => sessionStorage.setItem(key, id)", [key, kept])
        page.reload()
        wait_for_screen(page, "renderDescribe")
        _open_strategy(page, trader.sid)
        expect(page.get_by_test_id("run-backtest")).to_be_enabled()
        expect(page.get_by_test_id("chat-send")).to_be_enabled()
        expect(page.get_by_test_id("job-progress")).to_have_count(0)
        expect(page.get_by_test_id("error-banner")).to_be_hidden()
        page.wait_for_function(
            "keys => keys.every((k) => sessionStorage.getItem(k) === null)", arg=keys
        )
        page.goto("/#/describe")
        wait_for_screen(page, "renderDescribe")
