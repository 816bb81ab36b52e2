"""Injectable clock and sleep so rotation tests never wait for real time to pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["START", "FakeClock", "FakeSleep"]

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when told to (``advance``) or when :class:`FakeSleep` sleeps."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += timedelta(seconds=seconds)


class FakeSleep:
    """Records requested sleeps and advances the fake clock instead of blocking."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.calls: list[float] = []
        self._clock = clock

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self._clock is not None:
            self._clock.advance(seconds)
