"""Serving a run's saved Bokeh plot safely: self-contained, tracker-free, under a strict CSP.

The plot is HTML written from what the strategy's process sent, so it is untrusted: it is served
only to its owner, only under ``PLOT_CSP``, and only up to ``RUN_PLOT_MAX_BYTES``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from bokeh.util.paths import bokehjs_path
from django.conf import settings

from backtest_api.executor import sandbox_work_dir

# backtesting.py's plots load BokehJS from a CDN and add a hidden tracking iframe.
_BOKEH_SCRIPT = re.compile(
    r'<script[^>]*\bsrc="https://cdn\.bokeh\.org/bokeh/release/'
    r'(bokeh(?:-[a-z]+)?)-\d+\.\d+\.\d+(?:\.min)?\.js"[^>]*>\s*</script>'
)
_TRACKER = re.compile(r"\(function\(\) \{ var i = document\.createElement\('iframe'\);.*?\}\)\(\);")


@functools.cache
def _bokehjs(name: str) -> str | None:
    """The bokeh package's own copy of a BokehJS bundle (``bokeh``, ``bokeh-widgets``...)."""
    path = Path(bokehjs_path()) / "js" / f"{name}.min.js"
    if not path.is_file():
        return None
    # Inside an inline <script>, "</script" would end the element early.
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _inline_bokehjs(match: re.Match[str]) -> str:
    code = _bokehjs(match.group(1))
    return "" if code is None else f"<script>{code}</script>"


def plot_html(*, plot_file: str) -> bytes | None:
    """A run's Bokeh plot (path relative to the sandbox work dir) ready to serve, or None.

    Made self-contained: the CDN ``<script src>`` tags become the bokeh package's BokehJS
    inlined, so the page needs nothing from any server (it works offline, under ``PLOT_CSP``,
    and never calls back to us); backtesting.py's tracking iframe is removed. The HTML was
    produced by untrusted code: serve it only with ``PLOT_CSP``. Plots over
    ``RUN_PLOT_MAX_BYTES`` are not served.
    """
    if not plot_file:
        return None
    root = sandbox_work_dir().resolve()
    path = (root / plot_file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    if path.stat().st_size > settings.RUN_PLOT_MAX_BYTES:
        return None
    html = path.read_text(encoding="utf-8", errors="replace")
    html = _TRACKER.sub("", html)
    html = _BOKEH_SCRIPT.sub(_inline_bokehjs, html)
    return html.encode("utf-8")


# The plot runs in an opaque origin (sandbox without allow-same-origin): no access to the API's
# cookies or storage. It may run inline scripts, and eval (BokehJS compiles the plot's CustomJS
# callbacks with ``new Function``), but load nothing: no network, frames, fonts or workers.
PLOT_CSP = (
    "sandbox allow-scripts; default-src 'none'; "
    "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:"
)
