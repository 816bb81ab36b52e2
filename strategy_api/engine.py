"""Serving a run's saved Bokeh plot (HTML written by untrusted code) safely."""

from __future__ import annotations

import re

from backtest_api.executor import sandbox_work_dir

_BOKEH_CDN = re.compile(
    r"https://cdn\.bokeh\.org/bokeh/release/(bokeh(?:-[a-z]+)?)-\d+\.\d+\.\d+(\.min)?\.js"
)


def plot_html(*, plot_file: str, static_url: str) -> bytes | None:
    """A run's Bokeh plot (path relative to the sandbox work dir) ready to serve, or None.

    backtesting.py writes plots that load BokehJS from a CDN; the script URLs are pointed at
    the copy the bokeh package ships (served as static files), so plots work offline. The HTML
    was produced by untrusted code: serve it with ``PLOT_CSP``.
    """
    if not plot_file:
        return None
    root = sandbox_work_dir().resolve()
    path = (root / plot_file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    html = path.read_text(encoding="utf-8", errors="replace")
    html = _BOKEH_CDN.sub(lambda m: f"{static_url}bokeh/js/{m.group(1)}{m.group(2) or ''}.js", html)
    return html.encode("utf-8")


# An opaque-origin sandbox keeps the plot's scripts away from the API's cookies and requests.
PLOT_CSP = "sandbox allow-scripts"
