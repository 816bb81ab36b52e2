"""Load size and time-to-interactive of every screen, cold (fresh browser context, no cache).

"Interactive" is when the screen's module finished rendering with its data (the shell sets
body[data-screen]); for a run that includes its charts. The numbers are printed (run with -s)
and written to var/e2e/measurements.json; the size budget (500 KB per first load) is asserted.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import SCREENSHOTS, generate_and_run, new_user, sign_in, wait_for_screen

pytestmark = pytest.mark.e2e

BUDGET_BYTES = 500 * 1024

METRICS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const bytes = nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0);
  return {bytes, requests: resources.length + 1, ms: performance.now()};
}"""


def test_every_screen_loads_within_budget(browser, workspace_url):
    username, token = new_user(workspace_url, "measure")
    sid, eid = generate_and_run(
        workspace_url,
        token,
        "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.",
    )
    context = browser.new_context(base_url=workspace_url)
    sign_in(context.new_page(), username)
    state = context.storage_state()
    context.close()

    screens = [
        ("sign in (signed out)", "/#/login", "renderLogin", None),
        ("describe", "/#/describe", "renderDescribe", state),
        ("strategy", f"/#/strategy/{sid}", "renderStrategy", state),
        ("run result", f"/#/strategy/{sid}/run/{eid}", "renderRun", state),
        ("history", "/#/history", "renderHistory", state),
        ("compare (empty)", "/#/compare", "renderCompare", state),
        ("indicators", "/#/indicators", "renderIndicators", state),
        ("templates", "/#/templates", "renderTemplates", state),
    ]
    rows = []
    for label, url, ready, storage in screens:
        context = browser.new_context(base_url=workspace_url, storage_state=storage)
        page = context.new_page()
        page.goto(url)
        wait_for_screen(page, ready)
        rows.append({"screen": label, **page.evaluate(METRICS)})
        context.close()

    print("\nscreen                 KB transferred  requests  interactive ms")
    for r in rows:
        print(f"{r['screen']:<22} {r['bytes'] / 1024:>14.1f}  {r['requests']:>8}  {r['ms']:>14.0f}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "measurements.json").write_text(json.dumps(rows, indent=2))
    over = [r["screen"] for r in rows if r["bytes"] > BUDGET_BYTES]
    assert over == [], f"over {BUDGET_BYTES} bytes on first load"


# What opening a tab adds to the loaded run result: bytes and requests of the resources fetched
# after the click, and the time from the click until the tab's form is ready to use.
TAB_START = """() => {
  window.__tabMark = [performance.getEntriesByType('resource').length, performance.now()];
}"""
TAB_METRICS = """() => {
  const [count, t0] = window.__tabMark;
  const added = performance.getEntriesByType('resource').slice(count);
  return {bytes: added.reduce((s, r) => s + r.transferSize, 0), requests: added.length,
          ms: performance.now() - t0};
}"""
TAB_READY = [
    ("optimise", "optimise-run"),
    ("walk-forward", "wf-run"),
    ("monte-carlo", "mc-run"),
    ("robustness", "lookahead-run"),
    ("compare", "compare-open"),
]


def test_every_research_tab_opens_within_budget(browser, workspace_url):
    username, token = new_user(workspace_url, "measuretabs")
    sid, eid = generate_and_run(
        workspace_url,
        token,
        "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.",
    )
    context = browser.new_context(base_url=workspace_url)
    page = context.new_page()
    sign_in(page, username)
    page.goto(f"/#/strategy/{sid}/run/{eid}")
    wait_for_screen(page, "renderRun")
    rows = []
    for tab, ready in TAB_READY:
        page.evaluate(TAB_START)
        page.get_by_test_id(f"tab-{tab}").click()
        page.get_by_test_id(ready).wait_for()
        rows.append({"tab": tab, **page.evaluate(TAB_METRICS)})
    context.close()

    print("\ntab (first open)       KB transferred  requests  ready ms")
    for r in rows:
        print(f"{r['tab']:<22} {r['bytes'] / 1024:>14.1f}  {r['requests']:>8}  {r['ms']:>8.0f}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "measurements-tabs.json").write_text(json.dumps(rows, indent=2))
    assert sum(r["bytes"] for r in rows) < BUDGET_BYTES
