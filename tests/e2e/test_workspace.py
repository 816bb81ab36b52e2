"""The workspace in a real browser: register, describe, watch progress, read the result."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PASSWORD,
    api_post,
    generate_and_run,
    new_user,
    shoot,
    sign_in,
)

pytestmark = pytest.mark.e2e

RSI_IDEA = "Buy when RSI(14) drops below 30, sell when it rises above 70. 5% stop loss."


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def test_happy_path_register_describe_and_read_the_result(page):
    page.goto("/")
    page.get_by_test_id("go-register").click()
    page.get_by_test_id("register-username").fill(_name("alice"))
    page.get_by_test_id("register-email").fill("alice@example.com")
    page.get_by_test_id("register-password").fill(PASSWORD)
    page.get_by_test_id("register-password2").fill(PASSWORD)
    page.get_by_test_id("register-submit").click()

    page.get_by_test_id("describe-input").fill(RSI_IDEA)
    page.get_by_test_id("describe-submit").click()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_be_visible()
    # Real stages from the job's events, not a simulated bar.
    expect(progress.locator("li[data-kind=executing]")).to_be_visible(timeout=60_000)

    expect(page.get_by_test_id("understood-as")).to_contain_text("RSI(14)", timeout=60_000)
    code = page.get_by_test_id("strategy-code")
    expect(code).to_contain_text("class ")
    assert "def next(self)" in code.inner_text()
    for testid in ("metric-return", "metric-sharpe", "metric-max-drawdown", "metric-trades"):
        expect(page.get_by_test_id(testid)).to_be_visible()
    expect(page.get_by_test_id("metric-return")).to_contain_text("%")
    trades = int(page.get_by_test_id("metric-trades").locator(".tile-value").inner_text())
    assert trades > 0
    for chart in ("chart-equity", "chart-drawdown", "chart-price"):
        expect(page.get_by_test_id(chart).locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("trades-table").get_by_test_id("trade-row")).to_have_count(trades)
    expect(page.get_by_test_id("monthly-returns")).to_contain_text("Dec")
    # The plot is drawn after the answer: its link appears once it is ready.
    expect(page.get_by_test_id("bokeh-plot")).to_be_visible(timeout=30_000)
    # The buy & hold line ends where backtesting.py's own "Buy & Hold Return [%]" says.
    tile = page.get_by_test_id("metric-benchmark").locator(".tile-value").inner_text()
    bh_pct = float(tile.strip("▲▼ %+").replace(",", ""))
    final = float(page.get_by_test_id("chart-equity").get_attribute("data-benchmark-final"))
    assert final == pytest.approx(10_000 * (1 + bh_pct / 100), rel=1e-3)
    expect(progress).to_be_visible()
    expect(page.get_by_test_id("error-banner")).to_be_hidden()
    shoot(page, "job-progress", "workspace-describe.png")
    shoot(page, "metric-return", "workspace-result.png")


def test_refusal_highlights_the_phrase_it_could_not_place(page, workspace_url, recorder):
    sign_in(page, new_user(workspace_url, "refused")[0])
    recorder.expect_console_error("422")
    page.get_by_test_id("describe-input").fill(
        "Buy when the moon is full and RSI(14) is below 30, sell when RSI(14) is above 70."
    )
    page.get_by_test_id("describe-submit").click()
    banner = page.get_by_test_id("error-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("moon")
    # The parser names the word it could not place, as a verbatim span of the description.
    expect(page.get_by_test_id("refusal-highlight").locator("mark")).to_have_text("moon")
    # The API's own example (the closest construct's here) comes first among the suggestions.
    first = page.locator("section.panel ul.examples button.example").first
    expect(first).to_have_text("Buy when RSI(14) drops below 30, sell when it rises above 70.")
    # A word the parser does not know: the text without it is offered, to be checked.
    page.get_by_test_id("describe-input").fill(
        "Buy Tesla when RSI(14) drops below 30, sell when it rises above 70"
    )
    page.get_by_test_id("describe-submit").click()
    without = page.get_by_test_id("refusal-without-words")
    expect(without).to_contain_text("check that this is still your strategy")
    expect(without.locator("button")).to_have_text(
        "Buy when RSI(14) drops below 30, sell when it rises above 70"
    )


def test_second_user_does_not_see_the_first_users_strategies(page, workspace_url, recorder):
    _, token = new_user(workspace_url, "owner")
    created = api_post(
        workspace_url,
        token,
        "/api/strategies/",
        {"name": "Owner's secret idea", "code": "from backtesting import Strategy\n"},
    )
    sign_in(page, new_user(workspace_url, "other")[0])
    page.get_by_test_id("nav-history").click()
    expect(page.get_by_test_id("history-list")).to_be_visible()
    expect(page.get_by_test_id("history-list-item")).to_have_count(0)
    expect(page.get_by_text("Owner's secret idea")).to_have_count(0)
    # Even with the id in the address, another user's strategy is "not found".
    recorder.expect_console_error("404")
    page.goto(f"/#/strategy/{created['id']}")
    expect(page.get_by_test_id("error-banner")).to_have_attribute("data-code", "not_found")
    expect(page.get_by_text("Owner's secret idea")).to_have_count(0)


def test_a_lost_event_stream_is_resumed_and_the_result_still_shows(page, workspace_url, recorder):
    sign_in(page, new_user(workspace_url, "flaky")[0])
    dropped = []

    def drop_first_stream(route):
        if route.request.headers.get("accept") == "text/event-stream" and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/jobs/*/events/**", drop_first_stream)
    recorder.expect_console_error("ERR_CONNECTION_RESET")
    page.get_by_test_id("describe-input").fill(RSI_IDEA)
    page.get_by_test_id("describe-submit").click()
    expect(page.get_by_test_id("metric-return")).to_be_visible(timeout=60_000)
    assert dropped, "the stream was never opened"
    events = (
        page.get_by_test_id("job-progress")
        .locator("li")
        .evaluate_all("items => items.map(i => [Number(i.dataset.seq), i.dataset.kind])")
    )
    # Every event exactly once and in order, despite the reconnect.
    assert [seq for seq, _ in events] == list(range(1, len(events) + 1))
    assert events[0][1] == "queued"
    assert events[-1][1] == "succeeded"


def test_events_written_as_the_job_ends_are_shown_before_its_result(page, workspace_url, recorder):
    """The page polls (no stream), reads no new events, then finds the job ended: the events
    written with its end (its "succeeded") are read once more and shown, never skipped."""
    sign_in(page, new_user(workspace_url, "late")[0])
    ended: list[str] = []

    def events(route):
        if route.request.headers.get("accept") == "text/event-stream":
            route.abort("connectionreset")  # no stream: the page polls
        elif not ended:
            route.fulfill(json=[])  # every poll before the job is seen ended reads nothing new
        else:
            route.continue_()

    def job(route):
        response = route.fetch()
        if response.json().get("status") in ("succeeded", "failed", "cancelled"):
            ended.append(route.request.url)
        route.fulfill(response=response)

    page.route(re.compile(r"/api/jobs/[^/]+/events/"), events)
    page.route(re.compile(r"/api/jobs/[^/]+/$"), job)
    recorder.expect_console_error("ERR_CONNECTION_RESET")
    page.get_by_test_id("describe-input").fill(RSI_IDEA)
    page.get_by_test_id("describe-submit").click()
    expect(page.get_by_test_id("metric-return")).to_be_visible(timeout=60_000)
    assert ended, "the job was never seen ended"
    kinds = (
        page.get_by_test_id("job-progress")
        .locator("li")
        .evaluate_all("items => items.map(i => [Number(i.dataset.seq), i.dataset.kind])")
    )
    assert [seq for seq, _ in kinds] == list(range(1, len(kinds) + 1))
    assert kinds[0][1] == "queued"
    assert kinds[-1][1] == "succeeded"


def test_the_result_says_the_plot_is_being_drawn_until_it_is_ready(page, workspace_url):
    username, token = new_user(workspace_url, "plot")
    strategy_id, execution_id = generate_and_run(workspace_url, token, RSI_IDEA)
    served: list[str] = []

    def pending_twice(route):
        """The run as the API answers it, but with the plot still being drawn twice over."""
        response = route.fetch()
        body = response.json()
        served.append(body["plot_status"])
        if len(served) <= 2:
            body["plot_status"] = "pending"
        route.fulfill(response=response, json=body)

    page.route(f"**/api/strategies/{strategy_id}/executions/{execution_id}/", pending_twice)
    sign_in(page, username)
    page.goto(f"/#/strategy/{strategy_id}/run/{execution_id}")
    expect(page.get_by_test_id("plot-pending")).to_have_text("Plot being drawn…")
    expect(page.get_by_test_id("bokeh-plot")).to_be_visible(timeout=15_000)
    assert len(served) == 3  # the first read, one poll still pending, the poll that found it
    expect(page.get_by_test_id("plot-pending")).to_have_count(0)
