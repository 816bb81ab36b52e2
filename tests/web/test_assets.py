"""The workspace's own files: the data-testid contract, no external resources, vendored files."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
VENDOR = WEB / "static" / "vendor"

# The end-to-end test contract of issue 13, exactly.
TESTIDS = [
    "login-username",
    "login-password",
    "login-submit",
    "go-register",
    "register-username",
    "register-email",
    "register-password",
    "register-password2",
    "register-submit",
    "nav-workspace",
    "describe-input",
    "describe-submit",
    "job-progress",
    "understood-as",
    "strategy-code",
    "metric-return",
    "metric-sharpe",
    "metric-max-drawdown",
    "metric-trades",
    "chart-equity",
    "chart-drawdown",
    "chart-price",
    "trades-table",
    "trade-row",
    "monthly-returns",
    "run-backtest",
    "symbol-select",
    "cash-input",
    "commission-input",
    "nav-history",
    "history-list",
    "nav-indicators",
    "indicator-list",
    "nav-templates",
    "template-list",
    "nav-compare",
    "compare-view",
    "error-banner",
    "history-list-item",
    "indicator-list-item",
    "template-list-item",
]


# The research tabs of issue 14 (tests/e2e/test_research.py). Each tab's button is
# tab-<name> and its panel panel-<name>, built from the names listed in web/tabs.js.
RESEARCH_TABS = ["summary", "optimise", "walk-forward", "monte-carlo", "robustness", "compare"]
RESEARCH_TESTIDS = [
    "optimise-run",
    "optimise-live",
    "optimise-heatmap",
    "optimise-top",
    "apply-best",
    "applied-version",
    "wf-run",
    "wf-windows",
    "wf-oos-chart",
    "mc-run",
    "mc-percentiles",
    "mc-prob-loss",
    "mc-fan",
    "lookahead-run",
    "lookahead-verdict",
    "lookahead-details",
    "compare-open",
]

# What a trader needs beyond issue 13's contract (tests/e2e/test_trader_walk.py): why a phrase was
# refused, the generator's notes, repairing a failed run, deleting, failed optimiser runs.
TRADER_TESTIDS = [
    "refusal-reasons",
    "generation-warnings",
    "run-warnings",
    "go-fix-errors",
    "fix-proposed",
    "fix-allow-semantic",
    "fix-verified",
    "delete-strategy",
    "delete-dialog",
    "delete-cancel",
    "delete-confirm",
    "history-count",
    "history-empty",
    "history-not-run",
    "history-not-run-item",
    "optimise-failed",
    "tearsheet-link",
    "job-cancelled",
    "research-job-settings",
]


def _own_sources() -> dict[Path, str]:
    files = [*WEB.glob("templates/**/*.html"), *WEB.glob("static/web/**/*.js")]
    files += WEB.glob("static/web/**/*.css")
    return {path: path.read_text() for path in files}


def test_every_contract_testid_is_in_the_templates_or_modules():
    text = "\n".join(_own_sources().values())
    missing = [
        t
        for t in TESTIDS + RESEARCH_TESTIDS + TRADER_TESTIDS
        if not re.search(rf"""["']{re.escape(t)}["']""", text)
    ]
    assert missing == []


def test_every_research_tab_is_named_in_the_tab_list():
    tabs = (WEB / "static" / "web" / "tabs.js").read_text()
    assert [t for t in RESEARCH_TABS if f"['{t}', " not in tabs] == []
    assert "`tab-${name}`" in tabs
    assert "`panel-${name}`" in tabs


def test_no_own_file_loads_anything_from_another_origin():
    # Resources (script/style/img/iframe/fetch/import/url()) must be same-origin; plain links
    # (<a href>) to documentation or the chart library's attribution are not requests.
    loads = re.compile(
        r"""(?:src=|<link[^>]+href=|url\(|import\s*\(?|from\s+|fetch\(|EventSource\()\s*["']?"""
        r"""(?:https?:)?//""",
        re.IGNORECASE,
    )
    offenders = [str(p) for p, text in _own_sources().items() if loads.search(text)]
    assert offenders == []


def test_vendor_manifest_lists_every_vendored_file_with_its_checksum():
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    listed = set()
    for package in manifest["packages"]:
        assert all(package[key] for key in ("name", "version", "licence", "source"))
        for name, sha256 in package["files"].items():
            path = VENDOR / name
            assert path.exists(), name
            listed.add(path)
            if sha256:
                assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, name
    on_disk = {p for p in VENDOR.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert on_disk == listed
