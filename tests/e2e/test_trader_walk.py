"""What a first-time trader hit walking through the workspace, each kept fixed in a browser:
why a phrase was refused, a draft that survives a reload, a no-trade run that is not a ✓, the
API's field errors in words, repairing a failed run, deleting a strategy, failed optimiser runs
said out loud, the generator's notes beside what it understood, and a phone-width result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    api_post,
    generate,
    generate_and_run,
    sign_in,
    wait_for_screen,
)
from tests.sample_code import SMA_CROSS_CODE

pytestmark = pytest.mark.e2e

RSI_IDEA = "Buy when RSI(14) drops below 30, sell when it rises above 70."


def test_a_refusal_says_why_each_phrase_was_refused_and_the_draft_survives_a_reload(
    page, recorder, user
):
    recorder.expect_console_error("422")
    sign_in(page, user[0])
    # "bellow" is an English word: read as "below" only where nothing else fits, after a verb of
    # motion ("drops bellow 30", noted); after "is" it is refused, with a guess
    typo = "Buy when RSI(14) is bellow 30 and sell when it rises above 70"
    page.get_by_test_id("describe-input").fill(typo)
    page.reload()
    wait_for_screen(page, "renderDescribe")
    expect(page.get_by_test_id("describe-input")).to_have_value(typo)  # nothing lost
    page.get_by_test_id("describe-submit").click()
    reasons = page.get_by_test_id("refusal-reasons")
    # The reason stays on the page (the banner can be dismissed), once per phrase.
    expect(reasons.locator("li")).to_have_count(1)
    expect(reasons).to_contain_text("bellow")
    expect(reasons).to_contain_text("did you mean 'below'?")
    page.get_by_role("button", name="Dismiss the error").click()
    expect(reasons).to_be_visible()
    # "New strategy" on the describe screen starts over with an empty box.
    page.get_by_test_id("nav-workspace").click()
    expect(page.get_by_test_id("describe-input")).to_have_value("")


def test_a_typo_read_as_the_word_meant_is_said_beside_what_was_understood(page, user):
    sign_in(page, user[0])
    page.get_by_test_id("describe-input").fill(
        "Buy when RSI(14) drops belwo 30 and sell when it rises above 70"
    )
    page.get_by_test_id("describe-submit").click()
    understood = page.locator("section.panel", has=page.get_by_test_id("understood-as"))
    expect(understood.get_by_test_id("understood-as")).to_contain_text("RSI(14) is below 30")
    notes = understood.get_by_test_id("generation-warnings")
    expect(notes).to_contain_text("read 'belwo' as 'below' (a typo?)", timeout=60_000)


def test_the_generators_note_on_an_undirected_cross_is_shown_with_what_was_understood(page, user):
    sign_in(page, user[0])
    page.get_by_test_id("describe-input").fill(
        "Buy when the 10 SMA crosses the 30 SMA, sell when the RSI(14) is above 70"
    )
    page.get_by_test_id("describe-submit").click()
    understood = page.locator("section.panel", has=page.get_by_test_id("understood-as"))
    notes = understood.get_by_test_id("generation-warnings")
    expect(notes).to_be_visible(timeout=60_000)
    expect(notes).to_contain_text("crosses")


def test_a_run_without_trades_is_not_shown_as_a_success_and_says_why_once(
    page, workspace_url, user
):
    username, token = user
    result = generate(
        workspace_url,
        token,
        "Buy when RSI(14) drops below 2, sell when it rises above 98",
        run=True,
    )
    assert result["status"] == "no_trades", result
    sid, eid = result["strategy_id"], result["execution_result"]["execution_id"]
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}/run/{eid}")
    badge = page.get_by_test_id("result").locator(".result-head .badge").first
    expect(badge).to_have_text("⚠ no trades")
    expect(badge).not_to_have_class("badge ok")
    warnings = page.get_by_test_id("run-warnings").locator("li")
    expect(warnings).to_have_count(1)  # the API's reason, not a second generic line
    expect(warnings).to_contain_text("entry conditions were never met")
    expect(page.get_by_test_id("metric-max-drawdown")).not_to_contain_text("-0.00")


def test_a_refused_run_setting_names_what_is_wrong_and_a_tab_switch_clears_it(
    page, workspace_url, recorder, user
):
    recorder.expect_console_error("400")
    username, token = user
    sid, eid = generate_and_run(workspace_url, token, RSI_IDEA)
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}")
    page.get_by_test_id("start-input").fill("2012-01-01")
    page.get_by_test_id("end-input").fill("2010-01-01")
    page.get_by_test_id("run-backtest").click()
    banner = page.get_by_test_id("error-banner")
    # Not only "Invalid input in: end.": the field's own message.
    expect(banner).to_contain_text("`end` must not be before `start`")
    # A research tab's refusal is not left behind when another tab is opened.
    page.goto(f"/#/strategy/{sid}/run/{eid}/walk-forward")
    page.get_by_test_id("wf-train-bars").fill("100000")
    page.get_by_test_id("wf-run").click()
    expect(banner).to_contain_text("not even one full window fits")
    page.get_by_test_id("tab-monte-carlo").click()
    expect(banner).to_be_hidden()


def test_a_failed_run_leads_to_fix_errors_and_a_meaning_change_is_applied_only_when_asked(
    page, workspace_url, user
):
    username, token = user
    code = SMA_CROSS_CODE.replace("self.buy()", "self.buy(size=1.5)")
    strategy = api_post(workspace_url, token, "/api/strategies/", {"name": "Big", "code": code})
    sign_in(page, username)
    page.goto(f"/#/strategy/{strategy['id']}")
    page.get_by_test_id("run-backtest").click()
    expect(page.get_by_test_id("run-failed")).to_be_visible(timeout=60_000)
    page.get_by_test_id("go-fix-errors").click()
    expect(page.get_by_test_id("fix-errors")).to_be_focused()
    page.get_by_test_id("fix-errors").click()
    proposed = page.get_by_test_id("fix-proposed")
    expect(proposed).to_contain_text("it was not applied", timeout=60_000)
    expect(proposed).to_contain_text("buy(size=0.99)")  # what it would change, in words
    expect(page.get_by_test_id("strategy-code")).to_have_value(code)  # nothing applied
    page.get_by_test_id("fix-allow-semantic").click()
    verified = page.get_by_test_id("fix-verified")
    expect(verified).to_contain_text("Now version 2", timeout=60_000)
    # The failed run is replaced by the run that proved the fix, and the outcome stays.
    result = page.get_by_test_id("result").first
    expect(result.locator(".result-head .badge").first).to_have_text("✓ success")
    expect(page.get_by_test_id("run-failed")).to_have_count(0)
    expect(page.get_by_test_id("strategy-code")).to_have_value(
        code.replace("size=1.5", "size=0.99")
    )


def test_a_strategy_is_deleted_after_a_confirmation_that_escape_cancels(page, workspace_url, user):
    username, token = user
    sid, _ = generate_and_run(workspace_url, token, RSI_IDEA)
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}")
    page.get_by_test_id("delete-strategy").click()
    dialog = page.get_by_test_id("delete-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("delete-cancel")).to_be_focused()  # the safe choice first
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("delete-confirm")).to_be_focused()
    page.keyboard.press("Tab")  # focus goes round inside the dialog
    expect(page.get_by_test_id("delete-cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_test_id("delete-strategy").click()
    page.get_by_test_id("delete-confirm").click()
    wait_for_screen(page, "renderHistory")
    expect(page.get_by_test_id("history-list-item")).to_have_count(0)
    expect(page.get_by_test_id("history-empty")).to_contain_text("No runs yet")
    expect(page.get_by_test_id("history-count")).to_have_text("Page 1 of 1 · 0 runs")


def test_a_strategy_never_run_is_still_found_in_history(page, workspace_url, user):
    username, token = user
    api_post(
        workspace_url, token, "/api/strategies/", {"name": "Not yet run", "code": SMA_CROSS_CODE}
    )
    sign_in(page, username)
    page.goto("/#/history")
    wait_for_screen(page, "renderHistory")
    expect(page.get_by_test_id("history-not-run")).to_contain_text("Not run yet (1)")
    item = page.get_by_test_id("history-not-run-item")
    expect(item).to_contain_text("Not yet run")
    item.get_by_role("link").click()
    wait_for_screen(page, "renderStrategy")


def test_optimiser_combinations_that_failed_are_counted_not_hidden(page, workspace_url, user):
    username, token = user
    sid, eid = generate_and_run(workspace_url, token, RSI_IDEA)
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}/run/{eid}/optimise")
    # position_size 1.2 and 1.4 are not valid sizes in backtesting.py: those runs fail.
    page.get_by_test_id("param-vary-rsi_timeperiod").uncheck()
    # the suggested range of a fraction of equity stays below 1 (1 and more are units)
    suggested = page.get_by_test_id("param-stop-position_size").input_value()
    assert 0 < float(suggested) <= 1, suggested
    page.get_by_test_id("param-start-position_size").fill("0.8")
    page.get_by_test_id("param-stop-position_size").fill("1.5")
    page.get_by_test_id("param-step-position_size").fill("0.2")
    page.get_by_test_id("optimise-run").click()
    failed = page.get_by_test_id("optimise-failed")
    expect(failed).to_contain_text("2 of 4 combinations failed", timeout=90_000)
    expect(failed).to_contain_text("size must be")


def test_a_run_fits_a_phone_screen_without_scrolling_sideways(browser, page, workspace_url, user):
    username, token = user
    sid, eid = generate_and_run(workspace_url, token, RSI_IDEA)
    sign_in(page, username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/#/strategy/{sid}/run/{eid}")
    wait_for_screen(page, "renderRun")
    expect(page.get_by_test_id("monthly-returns")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    link = page.get_by_test_id("tearsheet-link")
    expect(link).to_have_attribute("href", f"/api/strategies/{sid}/executions/{eid}/tearsheet/")


def test_a_server_error_or_no_network_is_said_in_words_and_the_idea_is_kept(page, recorder, user):
    recorder.expect_console_error("500")
    recorder.expect_console_error("ERR_INTERNET_DISCONNECTED")
    sign_in(page, user[0])
    page.get_by_test_id("describe-input").fill(RSI_IDEA)
    page.route(
        "**/api/strategies/generate_with_ai/",
        lambda route: route.fulfill(status=500, content_type="text/html", body="<h1>Error</h1>"),
    )
    page.get_by_test_id("describe-submit").click()
    banner = page.get_by_test_id("error-banner")
    expect(banner).to_contain_text("internal error (HTTP 500)")
    expect(page.get_by_test_id("describe-input")).to_have_value(RSI_IDEA)
    page.unroute("**/api/strategies/generate_with_ai/")
    page.context.set_offline(True)
    page.get_by_test_id("describe-submit").click()
    expect(banner).to_contain_text("The server cannot be reached")
    page.context.set_offline(False)
    expect(page.get_by_test_id("describe-input")).to_have_value(RSI_IDEA)
    expect(page.get_by_test_id("describe-submit")).to_be_enabled()
