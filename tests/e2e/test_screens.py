"""Strategy, History/Compare, Indicators and Templates screens in a real browser."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import api_post, api_register, api_token, sign_in

pytestmark = pytest.mark.e2e

FAILING_CODE = """from backtesting import Strategy


class Boom(Strategy):
    def init(self):
        pass

    def next(self):
        raise ZeroDivisionError("boom on purpose")
"""


@pytest.fixture
def user(workspace_url):
    username = f"u{uuid.uuid4().hex[:8]}"
    api_register(workspace_url, username)
    return username, api_token(workspace_url, username)


def test_a_failed_run_shows_the_error_banner_and_a_failed_status(page, workspace_url, user):
    username, token = user
    strategy = api_post(
        workspace_url, token, "/api/strategies/", {"name": "Boom", "code": FAILING_CODE}
    )
    sign_in(page, username)
    page.goto(f"/#/strategy/{strategy['id']}")
    expect(page.get_by_test_id("symbol-select")).to_have_value("GOOG")
    page.get_by_test_id("cash-input").fill("25000")
    page.get_by_test_id("commission-input").fill("0.001")
    page.get_by_test_id("run-backtest").click()
    expect(page.get_by_test_id("run-failed")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("error-banner")).to_contain_text("boom on purpose")
    expect(page.get_by_test_id("result").locator(".badge.bad")).to_be_visible()


def test_history_filters_and_compares_two_runs(page, workspace_url, user):
    username, token = user
    for idea in (
        "Buy when RSI(14) drops below 30, sell when it rises above 70.",
        "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.",
    ):
        result = api_post(
            workspace_url,
            token,
            "/api/strategies/generate_with_ai/",
            {"description": idea, "execute_after_generation": True},
        )
        assert result["execution_result"]["success"], result
    sign_in(page, username)
    page.get_by_test_id("nav-history").click()
    items = page.get_by_test_id("history-list-item")
    expect(items).to_have_count(2)
    page.get_by_test_id("history-search").fill("SMA")
    page.get_by_role("button", name="Filter").click()
    expect(items).to_have_count(1)
    page.get_by_test_id("history-search").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(items).to_have_count(2)
    boxes = page.get_by_test_id("history-list").locator("input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_test_id("compare-selected").click()
    view = page.get_by_test_id("compare-view")
    expect(view.get_by_test_id("compare-table")).to_contain_text("Sharpe")
    expect(view.locator("canvas").first).to_be_visible()
    # The compare tab keeps the selection.
    page.get_by_test_id("nav-history").click()
    page.get_by_test_id("nav-compare").click()
    expect(page.get_by_test_id("compare-table")).to_be_visible()


def test_indicators_browser_searches_and_shows_parameters(page, user):
    sign_in(page, user[0])
    page.get_by_test_id("nav-indicators").click()
    items = page.get_by_test_id("indicator-list-item")
    expect(items.first).to_be_visible()
    assert items.count() >= 7
    page.get_by_test_id("indicator-search").fill("RSI")
    page.get_by_role("button", name="Search").click()
    rsi = items.filter(has_text="Relative Strength Index").first
    rsi.locator("summary").click()
    expect(rsi).to_contain_text("timeperiod")


def test_template_is_instantiated_with_parameters_then_run(page, user):
    sign_in(page, user[0])
    page.get_by_test_id("nav-templates").click()
    card = page.get_by_test_id("template-list-item").filter(has_text="SMA").first
    card.get_by_test_id("template-use").click()
    card.get_by_test_id("template-name").fill("My SMA from a template")
    card.get_by_test_id("template-instantiate").click()
    expect(page.get_by_role("heading", name="My SMA from a template")).to_be_visible()
    page.get_by_test_id("run-backtest").click()
    expect(page.get_by_test_id("metric-return")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("chart-equity").locator("canvas").first).to_be_visible()
