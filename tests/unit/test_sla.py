"""Deadlines in working hours, paused while waiting for the client."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desk.calendar import BusinessCalendar
from desk.sla import DEFAULT_TABLE, deadline, parse_table, targets

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(zone=MSK)


def test_table_by_type_and_priority_with_fallbacks() -> None:
    assert targets(DEFAULT_TABLE, "incident", "critical") == (
        timedelta(hours=1),
        timedelta(hours=8),
    )
    assert targets(DEFAULT_TABLE, "consultation", "normal") == (
        timedelta(hours=8),
        timedelta(hours=45),
    )
    assert targets({"*/*": (2, 3)}, "wish", "low") == (timedelta(hours=2), timedelta(hours=3))


def test_desk_overrides() -> None:
    table = parse_table('{"incident/critical": [0.5, 4]}')
    assert targets(table, "incident", "critical") == (timedelta(minutes=30), timedelta(hours=4))
    assert targets(table, "incident", "high") == targets(DEFAULT_TABLE, "incident", "high")
    with pytest.raises(ValueError, match="bad SLA entry"):
        parse_table('{"incident": [1]}')


def test_deadline_runs_in_working_hours_and_warns_at_80_percent() -> None:
    # Friday 16:00, 8 working hours: 2 h on Friday + 6 h on Monday = Monday 15:00.
    d = deadline(CAL, datetime(2025, 3, 14, 16, tzinfo=MSK), timedelta(hours=8))
    assert d.due_at == datetime(2025, 3, 17, 15, tzinfo=MSK)
    # 80 % = 6 h 24 min: Monday 13:24.
    assert d.warn_at == datetime(2025, 3, 17, 13, 24, tzinfo=MSK)


def test_waiting_for_the_client_pushes_the_deadline() -> None:
    start = datetime(2025, 3, 17, 9, tzinfo=MSK)
    plain = deadline(CAL, start, timedelta(hours=4))
    paused = deadline(CAL, start, timedelta(hours=4), paused=timedelta(hours=9))
    assert plain.due_at == datetime(2025, 3, 17, 13, tzinfo=MSK)
    assert paused.due_at == datetime(2025, 3, 18, 13, tzinfo=MSK)
