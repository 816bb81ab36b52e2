"""The one shape of a progress callback, shared by every service that a job runs.

A job handler passes ``JobContext.event`` (each call records a job event and is a cancellation
checkpoint); callers outside a job pass :func:`no_events`.
"""

from __future__ import annotations

from typing import Any, Protocol


class EventSink(Protocol):
    """``on_event(kind, message, data=..., progress=...)``."""

    def __call__(
        self,
        kind: str,
        message: str = "",
        *,
        data: dict[str, Any] | None = None,
        progress: int | None = None,
    ) -> None: ...


def no_events(
    kind: str,
    message: str = "",
    *,
    data: dict[str, Any] | None = None,
    progress: int | None = None,
) -> None:
    """An ``EventSink`` that records nothing."""
    return None
