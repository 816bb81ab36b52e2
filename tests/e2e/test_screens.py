"""Strategy, History/Compare, Indicators and Templates screens in a real browser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from Backtest.bench import SMA_CROSS
from tests.e2e.conftest import api_post, generate, generate_and_run, shoot, sign_in

pytestmark = pytest.mark.e2e

FAILING_CODE = """from backtesting import Strategy


class Boom(Strategy):
    def init(self):
        pass

    def next(self):
        raise ZeroDivisionError("boom on purpose")
"""


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
        generate_and_run(workspace_url, token, idea)
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
    shoot(page, "compare-view", "workspace-compare.png")
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


def _ohlcv_csv(rows: int = 300) -> bytes:
    """A deterministic zig-zag price series: the moving averages cross several times."""
    lines = ["Date,Open,High,Low,Close,Volume"]
    price = 100.0
    for i in range(rows):
        close = price + (1.0 if (i // 15) % 2 == 0 else -0.8)
        day = date(2020, 1, 1) + timedelta(days=i)
        high, low = max(price, close) + 0.5, min(price, close) - 0.5
        lines.append(f"{day},{price:.2f},{high:.2f},{low:.2f},{close:.2f},1000")
        price = close
    return "\n".join(lines).encode()


def test_an_uploaded_csv_becomes_a_symbol_to_run_on(page, workspace_url, user, tmp_path):
    username, token = user
    strategy = api_post(
        workspace_url, token, "/api/strategies/", {"name": "SMA on my data", "code": SMA_CROSS}
    )
    csv = tmp_path / "zigzag.csv"
    csv.write_bytes(_ohlcv_csv())
    sign_in(page, username)
    page.goto(f"/#/strategy/{strategy['id']}")
    page.get_by_text("Upload your own data").click()
    page.get_by_test_id("upload-file").set_input_files(str(csv))
    page.get_by_test_id("upload-name").fill("zigzag")
    page.get_by_test_id("upload-submit").click()
    expect(page.get_by_test_id("symbol-select")).to_have_value("ZIGZAG")
    page.get_by_test_id("run-backtest").click()
    expect(page.get_by_test_id("result")).to_contain_text("on ZIGZAG", timeout=60_000)
    expect(page.get_by_test_id("metric-trades")).to_be_visible()


def test_chat_edit_creates_a_version_with_a_diff_and_bad_code_is_not_saved(
    page, workspace_url, user
):
    username, token = user
    result = generate(
        workspace_url, token, "Buy when RSI(14) drops below 30, sell when it rises above 70."
    )
    sign_in(page, username)
    page.goto(f"/#/strategy/{result['strategy_id']}")
    page.get_by_test_id("chat-input").fill("change the RSI period to 21")
    page.get_by_test_id("chat-send").click()
    log = page.get_by_test_id("chat-log")
    expect(log).to_contain_text("Created version 2", timeout=60_000)
    expect(log.locator("pre.diff .add").first).to_contain_text("21")
    # Any two versions can be compared.
    page.get_by_test_id("diff-from").select_option("1")
    page.get_by_test_id("diff-to").select_option("2")
    expect(page.get_by_test_id("version-diff").locator(".add").first).to_contain_text("21")
    # Code that does not validate is refused before saving.
    page.get_by_test_id("strategy-code").fill("this is not python")
    page.get_by_test_id("save-code").click()
    expect(page.get_by_test_id("error-banner")).to_contain_text("not saved")
    expect(page.get_by_test_id("diff-to").locator("option")).to_have_count(2)
