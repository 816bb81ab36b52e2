"""A second walk through the workspace as a trader, each finding kept fixed in a browser: a long
job can be cancelled and the grid's size is shown before it runs, a generated result survives a
reload of the describe screen, a validation finding leads to its line, and a chat reply is in
view when it arrives."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    SMA_IDEA,
    expect_cancelled,
    generate_and_run,
    sign_in,
    wait_for_screen,
)

pytestmark = pytest.mark.e2e


def test_a_long_optimisation_says_its_size_first_and_can_be_cancelled(page, workspace_url, user):
    username, token = user
    sid, eid = generate_and_run(workspace_url, token, SMA_IDEA)
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}/run/{eid}/optimise")
    panel = page.get_by_test_id("panel-optimise")
    combinations = panel.get_by_test_id("params-combinations")
    expect(combinations).to_contain_text("25 combinations of sma_timeperiod × sma_30_timeperiod")
    panel.get_by_test_id("param-stop-sma_timeperiod").fill("60")
    panel.get_by_test_id("param-step-sma_timeperiod").fill("1")
    panel.get_by_test_id("param-stop-sma_30_timeperiod").fill("100")
    panel.get_by_test_id("param-step-sma_30_timeperiod").fill("1")
    expect(combinations).to_contain_text("4,428 combinations")
    expect(combinations).to_contain_text("takes a while")
    panel.get_by_test_id("optimise-run").click()
    expect(panel.get_by_test_id("optimise-live")).to_contain_text("of 4,428", timeout=60_000)
    panel.get_by_test_id("job-cancel").click()
    # The job's own events end it: no result, the reason in words as a neutral notice (a cancel
    # asked for is not an error: the red banner stays hidden), the form usable again.
    expect_cancelled(page, panel)
    expect(panel.get_by_test_id("job-progress")).to_contain_text("Cancellation requested")
    expect(panel.get_by_test_id("job-cancel")).to_be_hidden()
    expect(panel.get_by_test_id("optimise-run")).to_be_enabled()
    expect(panel.get_by_test_id("optimise-best")).to_have_count(0)


def test_the_generated_result_survives_a_reload_until_new_strategy_starts_over(page, user):
    sign_in(page, user[0])
    page.get_by_test_id("describe-input").fill(SMA_IDEA)
    page.get_by_test_id("describe-submit").click()
    expect(page.get_by_test_id("open-strategy")).to_be_visible(timeout=90_000)
    href = page.get_by_test_id("open-strategy").get_attribute("href")
    page.reload()
    wait_for_screen(page, "renderDescribe")
    # The same strategy and its run, said to be the earlier one, not a new generation.
    expect(page.get_by_test_id("describe-restored")).to_contain_text(SMA_IDEA)
    expect(page.get_by_test_id("open-strategy")).to_have_attribute("href", href)
    expect(page.get_by_test_id("understood-as")).to_contain_text("SMA(10)")
    expect(page.get_by_test_id("result")).to_contain_text("Run #")
    page.get_by_test_id("nav-workspace").click()
    expect(page.get_by_test_id("describe-input")).to_have_value("")
    expect(page.get_by_test_id("describe-restored")).to_have_count(0)
    page.reload()
    wait_for_screen(page, "renderDescribe")
    expect(page.get_by_test_id("open-strategy")).to_have_count(0)


def test_a_finding_selects_its_line_and_a_chat_reply_is_in_view(page, workspace_url, user):
    username, token = user
    sid, _ = generate_and_run(workspace_url, token, SMA_IDEA)
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}")
    wait_for_screen(page, "renderStrategy")
    editor = page.get_by_test_id("strategy-code")
    editor.fill(editor.input_value().replace("sma_30_timeperiod = 30", "sma_30_timeperiod = = 30"))
    page.get_by_test_id("validate-code").click()
    page.get_by_test_id("finding-line").first.click()
    selected = editor.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert selected.strip() == "sma_30_timeperiod = = 30"
    expect(editor).to_be_focused()
    # Enough exchanges to fill the log's box: the newest reply is scrolled into it.
    messages = ["change the fast SMA period to 15", "add a 2% stop loss", "trail by 3%"]
    for version, message in enumerate(messages, start=2):
        page.get_by_test_id("chat-input").fill(message)
        page.get_by_test_id("chat-send").click()
        # each edit is a new version, and the page is drawn again with it
        expect(page.locator(".result-head")).to_contain_text(f"version {version}", timeout=60_000)
    log = page.get_by_test_id("chat-log")
    expect(log).to_contain_text(messages[-1])
    log.scroll_into_view_if_needed()
    expect(log.locator("li.assistant").last).to_be_in_viewport()
    scrolled = log.evaluate("l => l.scrollHeight - l.clientHeight - l.scrollTop")
    assert scrolled <= 2, scrolled
