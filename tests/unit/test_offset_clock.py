"""The sandbox's clock: the real time moved forward, never back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desk.clock import OffsetClock


def test_the_offset_clock_runs_with_real_time_ahead_by_its_offset() -> None:
    clock = OffsetClock()
    before = datetime.now(UTC)
    clock.advance(timedelta(days=5))
    now = clock.now()
    assert now.tzinfo is not None
    assert timedelta(days=5) <= now - before < timedelta(days=5, seconds=5)
    clock.advance(timedelta(hours=2))
    assert clock.offset == timedelta(days=5, hours=2)


def test_the_offset_clock_never_goes_back() -> None:
    clock = OffsetClock(timedelta(hours=1))
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    assert clock.offset == timedelta(hours=1)
