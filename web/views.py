"""The research workspace: one HTML shell at ``/``; the screens are ES modules calling the API.

The shell is the same for every visitor (the modules ask ``/api/auth/session/`` who is signed
in), so it carries no user data. It does carry what the modules cannot ask without provoking an
error: which optional API endpoints this server has, and which generator "auto" resolves to.
"""

from __future__ import annotations

from django.urls import Resolver404, resolve
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from algoagent import __version__
from apikeys.services import llm_provider_name

# Nothing leaves the origin: scripts, styles, data, frames and images come from this server only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Endpoints other engineers are adding: path, and the URL name it resolves to when it is a
# *different* route (a detail route that would swallow the path).
OPTIONAL_ENDPOINTS = {
    "capabilities": ("/api/strategies/capabilities/", "strategy-detail"),
    "executions": ("/api/executions/", None),
}


def _has_endpoint(path: str, shadowed_by: str | None) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name != shadowed_by


def workspace_features() -> dict[str, bool]:
    """Which optional endpoints this server routes, so the UI never probes with a 404."""
    return {name: _has_endpoint(*spec) for name, spec in OPTIONAL_ENDPOINTS.items()}


# The workspace's own modules are preloaded together (~20 KB gzipped), so a screen does not wait
# for a chain of imports; the chart library (62 KB gzipped) loads only with a chart, and the
# research tabs' modules (web/research/) the first time their tab is opened.
PRELOAD_MODULES = [
    "web/api.js",
    "web/ui.js",
    "web/jobs.js",
    "web/code.js",
    "web/result.js",
    "web/tabs.js",
    "web/screens/common.js",
    "web/screens/auth.js",
    "web/screens/describe.js",
    "web/screens/strategy.js",
    "web/screens/history.js",
    "web/screens/library.js",
]


@method_decorator(ensure_csrf_cookie, name="get")
class WorkspaceView(TemplateView):
    template_name = "web/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preload"] = PRELOAD_MODULES
        context["boot"] = {
            "version": __version__,
            "provider": llm_provider_name(),
            "features": workspace_features(),
        }
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "no-cache"
        return response
