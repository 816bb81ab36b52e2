"""The workspace shell at /: served to everyone, strict CSP, nothing fetched from elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from web.views import workspace_features

WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.fixture
def shell(client, db):
    return client.get("/")


def test_shell_is_served_at_the_root_with_a_csrf_cookie(shell):
    assert shell.status_code == 200
    assert shell["Content-Type"].startswith("text/html")
    assert "csrftoken" in shell.cookies
    assert b'type="module"' in shell.content


def test_shell_has_a_content_security_policy_that_allows_only_this_origin(shell):
    csp = shell["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "connect-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_shell_boot_data_names_the_generator_and_optional_endpoints(shell, settings):
    match = re.search(rb'<script id="boot" type="application/json">(.*?)</script>', shell.content)
    boot = json.loads(match.group(1))
    assert boot["provider"] in {"offline", "gemini"}
    assert set(boot["features"]) == {"capabilities", "executions"}


def test_optional_endpoint_detection_does_not_mistake_a_detail_route(db):
    # /api/strategies/capabilities/ resolves to the strategy detail route until the action
    # exists; that must read as "absent", never as "present".
    features = workspace_features()
    resolved_as_detail = reverse("strategy-detail", args=["capabilities"])
    assert resolved_as_detail == "/api/strategies/capabilities/"
    assert features["capabilities"] is False or _has_capabilities_action()


def _has_capabilities_action() -> bool:
    from strategy_api.views import StrategyViewSet

    return hasattr(StrategyViewSet, "capabilities")


def test_every_static_file_of_the_shell_exists(shell):
    for path in re.findall(rb'(?:src|href)="(/static/[^"]+)"', shell.content):
        name = path.decode().removeprefix("/static/")
        assert (WEB / "static" / name).exists(), name


def test_every_workspace_module_is_preloaded_except_the_charts_and_research_tabs():
    from web.views import PRELOAD_MODULES

    modules = {str(p.relative_to(WEB / "static")) for p in (WEB / "static" / "web").rglob("*.js")}
    on_demand = {m for m in modules if m.startswith("web/research/")}
    assert on_demand, "the research tabs load on demand"
    assert modules - set(PRELOAD_MODULES) == {"web/app.js", "web/charts.js"} | on_demand
    assert on_demand.isdisjoint(PRELOAD_MODULES)


def test_the_run_result_links_to_the_tearsheet_route_the_api_serves():
    """The Downloads of a run open its QuantStats tearsheet: the path the module builds is the
    API's tearsheet route, not a 404 the trader finds in a new tab."""
    from django.urls import resolve

    module = (WEB / "static" / "web" / "result.js").read_text()
    built = re.search(
        r"`(/api/strategies/\$\{strategyId\}/executions/\$\{executionId\}/tearsheet/)`", module
    )
    assert built, "result.js no longer links to the tearsheet"
    path = built.group(1).replace("${strategyId}", "7").replace("${executionId}", "9")
    match = resolve(path)
    assert match.url_name == "strategy-research-execution-tearsheet"
    assert (match.kwargs["pk"], match.kwargs["execution_id"]) == ("7", "9")
