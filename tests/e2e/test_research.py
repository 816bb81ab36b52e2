"""The research tabs of a run's result, in a real browser: one run of each tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    SMA_IDEA,
    generate_and_run,
    new_user,
    shoot,
    sign_in,
    wait_for_screen,
)

pytestmark = pytest.mark.e2e

SUMMARY_TESTIDS = (
    "metric-return",
    "metric-sharpe",
    "metric-max-drawdown",
    "metric-trades",
    "chart-equity",
    "chart-drawdown",
    "chart-price",
    "trades-table",
    "monthly-returns",
)
TABS = ("summary", "optimise", "walk-forward", "monte-carlo", "robustness", "compare")


@pytest.fixture(scope="module")
def research_run(workspace_url):
    """A user with an SMA-cross strategy and one run of it: (username, strategy id, run id)."""
    username, token = new_user(workspace_url, "research")
    sid, eid = generate_and_run(workspace_url, token, SMA_IDEA)
    return username, sid, eid


def _open_run(page, research_run) -> tuple[int, int]:
    username, sid, eid = research_run
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}/run/{eid}")
    wait_for_screen(page, "renderRun")
    return sid, eid


def _tab(page, name: str) -> None:
    page.get_by_test_id(f"tab-{name}").click()
    expect(page.get_by_test_id(f"tab-{name}")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id(f"panel-{name}")).to_be_visible()


def test_tabs_open_on_summary_and_load_research_modules_on_demand(page, research_run, recorder):
    _open_run(page, research_run)
    tabs = page.get_by_role("tablist", name="Run result and research")
    expect(tabs.get_by_role("tab")).to_have_count(len(TABS))
    expect(page.get_by_test_id("tab-summary")).to_have_attribute("aria-selected", "true")
    for testid in SUMMARY_TESTIDS:  # the run's result is there without a click
        expect(page.get_by_test_id(testid).first).to_be_visible()
    for name in TABS[1:]:
        expect(page.get_by_test_id(f"panel-{name}")).to_be_hidden()
    assert not [u for u in recorder.requests if "/static/web/research/" in u]

    # Keyboard: arrows move between tabs and open them; Home/End jump; focus is visible.
    page.get_by_test_id("tab-summary").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("tab-optimise")).to_be_focused()
    expect(page.get_by_test_id("tab-optimise")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("tab-summary")).to_have_attribute("tabindex", "-1")
    expect(page.get_by_test_id("chart-equity")).to_be_hidden()
    outline = page.get_by_test_id("tab-optimise").evaluate(
        "el => getComputedStyle(el).outlineStyle"
    )
    assert outline != "none"
    page.keyboard.press("End")
    expect(page.get_by_test_id("tab-compare")).to_be_focused()
    page.keyboard.press("ArrowRight")  # wraps around
    expect(page.get_by_test_id("tab-summary")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("chart-equity")).to_be_visible()
    loaded = {u.rsplit("/", 1)[1] for u in recorder.requests if "/static/web/research/" in u}
    assert {"optimise.js", "compare.js"} <= loaded
    assert "walkforward.js" not in loaded  # passed over by End, never opened

    # Every control of a research tab has an accessible name.
    _tab(page, "optimise")
    expect(page.get_by_test_id("optimise-run")).to_be_visible()
    unnamed = page.get_by_test_id("panel-optimise").evaluate(
        """panel => [...panel.querySelectorAll('input, select, textarea, button')]
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                           && !el.textContent.trim())
             .map(el => el.outerHTML)"""
    )
    assert unnamed == []


def test_the_open_tab_is_kept_in_the_url(page, research_run):
    sid, eid = _open_run(page, research_run)
    _tab(page, "monte-carlo")
    assert page.url.endswith(f"#/strategy/{sid}/run/{eid}/monte-carlo")
    page.reload()  # a reload (or a shared link) opens the same tab
    wait_for_screen(page, "renderRun")
    expect(page.get_by_test_id("tab-monte-carlo")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("panel-monte-carlo")).to_be_visible()
    _tab(page, "summary")
    assert page.url.endswith(f"#/strategy/{sid}/run/{eid}")
    page.go_back()  # switching tabs adds no history entries: back leaves the run
    assert f"/run/{eid}" not in page.url


def test_optimise_shows_progress_heat_grid_top_results_and_applies_the_best(page, research_run):
    sid, _ = _open_run(page, research_run)
    _tab(page, "optimise")
    panel = page.get_by_test_id("panel-optimise")
    expect(panel.get_by_test_id("params-table")).to_contain_text("stop is excluded")
    # Defaults around the current values: five each for the two periods (10 and 30).
    expect(panel.get_by_test_id("param-tries-sma_timeperiod")).to_have_text("5: 6, 8, 10, 12, 14")
    panel.get_by_test_id("param-start-sma_30_timeperiod").fill("20")
    panel.get_by_test_id("param-stop-sma_30_timeperiod").fill("50")
    panel.get_by_test_id("param-step-sma_30_timeperiod").fill("10")
    expect(panel.get_by_test_id("param-tries-sma_30_timeperiod")).to_have_text("3: 20, 30, 40")
    panel.get_by_test_id("optimise-maximize").select_option("Sharpe Ratio")
    panel.get_by_test_id("optimise-run").click()

    expect(panel.get_by_test_id("optimise-heatmap")).to_be_visible(timeout=90_000)
    # Live progress came from the job's events, and ended at the full count.
    expect(panel.get_by_test_id("optimise-live")).to_contain_text("Tried 15 of 15")
    expect(panel.get_by_test_id("optimise-live")).to_contain_text("best so far Sharpe Ratio")
    expect(
        panel.get_by_test_id("job-progress").locator("li[data-kind=optimizing]").first
    ).to_be_attached()
    heat = panel.get_by_test_id("optimise-heatmap")
    expect(heat.locator("tbody tr")).to_have_count(5)
    expect(heat.locator("thead th")).to_have_count(4)
    best = heat.locator("td[data-best=true]")
    expect(best.first).to_contain_text("★")
    expect(panel.get_by_test_id("optimise-top-row")).to_have_count(10)
    expect(panel.get_by_test_id("optimise-top-row").first).to_contain_text("★ 1")
    best_text = panel.get_by_test_id("optimise-best").inner_text()
    assert best_text.startswith("Sharpe Ratio")
    page.set_viewport_size({"width": 1300, "height": 2000})  # form, progress, best, heat grid
    shoot(page, "tab-optimise", "workspace-optimise.png")
    page.set_viewport_size({"width": 1300, "height": 900})

    panel.get_by_test_id("apply-best").click()
    applied = panel.get_by_test_id("applied-version")
    expect(applied).to_contain_text("✓ Created version 2")
    link = panel.get_by_test_id("applied-version-link")
    expect(link).to_have_attribute("href", f"#/strategy/{sid}")
    link.click()
    wait_for_screen(page, "renderStrategy")
    params = best_text.split(" with ", 1)[1].split(" · ")[0]  # "a=1, b=2"
    code = page.get_by_test_id("strategy-code").input_value()
    for assignment in params.split(", "):
        name, value = assignment.split("=")
        assert f"{name} = {value}" in code
    expect(page.get_by_test_id("error-banner")).to_be_hidden()


def test_walk_forward_lists_windows_and_draws_the_out_of_sample_equity(page, research_run):
    _open_run(page, research_run)
    _tab(page, "walk-forward")
    panel = page.get_by_test_id("panel-walk-forward")
    panel.get_by_test_id("wf-train-bars").fill("500")
    panel.get_by_test_id("wf-test-bars").fill("400")
    panel.get_by_test_id("param-vary-sma_30_timeperiod").uncheck()
    panel.get_by_test_id("wf-run").click()
    windows = panel.get_by_test_id("wf-window-row")
    expect(windows).to_have_count(4, timeout=90_000)  # (2,148 - 500) // 400 full windows
    expect(windows.first).to_contain_text("sma_timeperiod=")
    expect(panel.get_by_test_id("wf-oos-return")).to_contain_text("Out-of-sample return")
    expect(panel.get_by_test_id("wf-oos-chart").locator("canvas").first).to_be_visible()


def test_monte_carlo_shows_percentiles_probability_of_loss_and_a_fan(page, research_run):
    _open_run(page, research_run)
    _tab(page, "monte-carlo")
    panel = page.get_by_test_id("panel-monte-carlo")
    panel.get_by_test_id("mc-runs").fill("500")
    panel.get_by_test_id("mc-method").select_option("bootstrap")
    panel.get_by_test_id("mc-seed").fill("7")
    panel.get_by_test_id("mc-run").click()
    expect(panel.get_by_test_id("mc-percentiles").locator("tbody tr")).to_have_count(
        2, timeout=60_000
    )
    expect(panel.get_by_test_id("mc-prob-loss")).to_contain_text("Probability of a loss")
    expect(panel.get_by_test_id("mc-prob-loss")).to_contain_text("seed 7")
    fan = panel.get_by_test_id("mc-fan")
    expect(fan.locator("polygon")).to_have_count(2)
    expect(fan.locator("polyline")).to_have_count(1)
    assert "median ends at" in fan.get_attribute("aria-label")


def test_robustness_gives_a_look_ahead_verdict_in_words(page, research_run):
    _open_run(page, research_run)
    _tab(page, "robustness")
    panel = page.get_by_test_id("panel-robustness")
    panel.get_by_test_id("lookahead-run").click()
    verdict = panel.get_by_test_id("lookahead-verdict")
    # The generated SMA cross reads only past bars: no look-ahead, said with ✓ and words.
    expect(verdict).to_contain_text("✓ No look-ahead found", timeout=90_000)
    expect(verdict).to_have_attribute("data-lookahead", "false")
    expect(panel.get_by_test_id("lookahead-details").locator("tbody tr")).to_have_count(20)


def test_compare_tab_links_the_shown_run_with_another(page, research_run, workspace_url):
    sid, eid = _open_run(page, research_run)
    # A second run of the same strategy, from the strategy screen.
    page.goto(f"/#/strategy/{sid}")
    wait_for_screen(page, "renderStrategy")
    page.get_by_test_id("run-backtest").click()
    result = page.get_by_test_id("result")
    expect(result.get_by_test_id("tab-compare")).to_be_visible(timeout=60_000)
    second = int(result.get_attribute("data-execution-id"))
    result.get_by_test_id("tab-compare").click()
    open_link = result.get_by_test_id("compare-open")
    expect(open_link).to_have_attribute("aria-disabled", "true")
    result.get_by_label(f"Compare run {eid}", exact=True).check()
    expect(open_link).to_have_attribute("href", f"#/compare?runs={sid}:{second},{sid}:{eid}")
    open_link.click()
    wait_for_screen(page, "renderCompare")
    expect(page.get_by_test_id("compare-table")).to_contain_text(f"#{eid}")


def test_an_api_refusal_goes_to_the_error_banner(page, research_run, recorder):
    _open_run(page, research_run)
    _tab(page, "optimise")
    panel = page.get_by_test_id("panel-optimise")
    panel.get_by_test_id("optimise-constraint").fill("sma_timeperiod < nonsense")
    recorder.expect_console_error("400")
    panel.get_by_test_id("optimise-run").click()
    banner = page.get_by_test_id("error-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("nonsense")
