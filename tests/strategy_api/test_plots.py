"""Saved plots are served self-contained, tracker-free, under a strict sandboxing CSP."""

from __future__ import annotations

import re
import warnings

import pytest

from backtest_api import plots
from strategy_api.models import StrategyExecution
from tests.factories import make_strategy
from tests.sample_code import SMA_CROSS_CODE

pytestmark = pytest.mark.django_db
ATTRIBUTION = "http://kernc.github.io/backtesting.py"  # a visible credit line, never loaded


@pytest.fixture(scope="module")
def backtesting_plot(tmp_path_factory) -> bytes:
    """A real backtesting.py plot, made on the host the way the sandbox makes it."""
    from backtesting import Backtest
    from backtesting.test import GOOG

    namespace: dict = {}
    exec(SMA_CROSS_CODE, namespace)  # our own fixed test strategy, not user code
    path = tmp_path_factory.mktemp("plot") / "plot.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bt = Backtest(GOOG, namespace["SmaCross"])
        bt.plot(results=bt.run(), filename=str(path), open_browser=False)
    html = path.read_bytes()
    assert b"cdn.bokeh.org" in html  # what backtesting.py writes...
    assert b"createElement('iframe')" in html  # ...including its tracking iframe
    return html


def _stored_plot(settings, tmp_path, user, html: bytes) -> str:
    settings.SANDBOX_WORK_DIR = tmp_path
    (tmp_path / "runs" / "r1").mkdir(parents=True)
    (tmp_path / "runs" / "r1" / "plot.html").write_bytes(html)
    strategy = make_strategy(user)
    execution = StrategyExecution.objects.create(
        strategy=strategy, status="success", success=True, plot_file="runs/r1/plot.html"
    )
    return f"/api/strategies/{strategy.pk}/executions/{execution.pk}/plot/"


def test_plot_is_self_contained_without_tracker_under_a_strict_csp(
    api_client, other_client, user, settings, tmp_path, backtesting_plot
):
    url = _stored_plot(settings, tmp_path, user, backtesting_plot)
    response = api_client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "sandbox allow-scripts;" in csp
    assert "allow-same-origin" not in csp
    assert "default-src 'none'" in csp
    html = response.content.decode()
    assert "<script src" not in html.replace(" ", "")
    assert "iframe" not in html.replace(plots._bokehjs("bokeh") or "", "")
    page = html
    for name in ("bokeh", "bokeh-widgets", "bokeh-tables", "bokeh-gl", "bokeh-mathjax"):
        page = page.replace(plots._bokehjs(name) or "\0", "")
    assert len(page) < len(html) / 2  # BokehJS itself is inlined
    urls = set(re.findall(r"""https?://[^\s"'<>)]+""", page))
    assert urls <= {ATTRIBUTION}, urls
    assert other_client.get(url).status_code == 404


def test_an_oversized_stored_plot_is_not_served(api_client, user, settings, tmp_path):
    settings.RUN_PLOT_MAX_BYTES = 100_000
    url = _stored_plot(settings, tmp_path, user, b"<html>" + b"x" * 200_000)
    assert api_client.get(url).status_code == 404
