"""Basic accessibility: every control has a name, the keyboard reaches it, focus is visible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import generate_and_run, new_user, sign_in, wait_for_screen

pytestmark = pytest.mark.e2e

RSI_IDEA = "Buy when RSI(14) drops below 30, sell when it rises above 70."

# Controls without an accessible name: no <label for>, aria-label(ledby), or text of its own.
UNNAMED = """() => [...document.querySelectorAll('input, select, textarea, button, a[href]')]
  .filter(el => el.offsetParent !== null)
  .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
                 || el.getAttribute('aria-labelledby') || el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120))"""


def test_every_visible_control_on_every_screen_has_a_name(page, workspace_url):
    username, token = new_user(workspace_url, "a11y")
    sid, eid = generate_and_run(workspace_url, token, RSI_IDEA)
    page.goto("/#/login")
    wait_for_screen(page, "renderLogin")
    assert page.evaluate(UNNAMED) == []
    sign_in(page, username)
    screens = [
        ("#/describe", "renderDescribe"),
        (f"#/strategy/{sid}", "renderStrategy"),
        (f"#/strategy/{sid}/run/{eid}", "renderRun"),
        ("#/history", "renderHistory"),
        ("#/indicators", "renderIndicators"),
        ("#/templates", "renderTemplates"),
    ]
    for hash_, ready in screens:
        page.goto(f"/{hash_}")
        wait_for_screen(page, ready)
        assert page.evaluate(UNNAMED) == [], hash_


def test_describe_works_from_the_keyboard_with_a_visible_focus(page, workspace_url):
    sign_in(page, new_user(workspace_url, "keys")[0])
    # The description box has focus when the screen opens.
    expect(page.get_by_test_id("describe-input")).to_be_focused()
    page.keyboard.type(RSI_IDEA)
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("describe-symbol")).to_be_focused()
    page.keyboard.press("Tab")
    submit = page.get_by_test_id("describe-submit")
    expect(submit).to_be_focused()
    outline = submit.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("metric-return")).to_be_visible(timeout=60_000)
    # Profit and loss carry a sign or arrow, not only a colour.
    value = page.get_by_test_id("metric-return").locator(".tile-value").inner_text()
    assert value[0] in "▲▼" or value.startswith("0")
