"""Generation's throttle: the LLM rate for Gemini, a generous rate for the offline generator.

The scope depends on the provider, known only once the body is read, and a description the
offline generator refuses must not cost anything (not a quota, not a lockout). So the class is
listed on the action (every work-starting endpoint has a throttle), lets the request through DRF's
early check, and the view applies it with :meth:`GenerateThrottle.enforce` after the precheck.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class GenerateThrottle(SimpleRateThrottle):
    """Per-user rate of ``generate``: scope ``llm`` (Gemini) or ``generate`` (offline)."""

    scope = "generate"

    def __init__(self, scope: str | None = None) -> None:
        if scope is not None:
            self.scope = scope
        super().__init__()

    def allow_request(self, request: Any, view: Any) -> bool:
        return True  # enforced by the view once the provider and the description are known

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    @classmethod
    def enforce(cls, view: Any, request: Any, *, scope: str) -> None:
        """Count this request against ``scope``; a 429 (with Retry-After) when over the rate."""
        throttle = cls(scope)
        if not SimpleRateThrottle.allow_request(throttle, request, view):
            view.throttled(request, throttle.wait())
