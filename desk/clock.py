"""Time as the desk sees it; tests replace the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that says what time it is, in UTC."""

    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to, for tests and replays."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The moment the clock was set to."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Moves the clock forward."""
        self._now += delta


class OffsetClock:
    """The real clock moved forward by an offset that only grows: a demo's "tomorrow"."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """The real moment plus the offset."""
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        """Moves the clock forward (never back: the desk's records keep their order)."""
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        self.offset += delta
