"""Deadlines for first response and resolution, in the desk's working hours.

The table gives working hours by ticket type and priority; the clock of the resolution
deadline pauses while the ticket waits for the client. Warnings come when 80 % of a deadline
has passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk.calendar import BusinessCalendar

WARN_SHARE = 0.8

# (first response, resolution) in working hours.
DEFAULT_TABLE: dict[str, tuple[float, float]] = {
    "incident/critical": (1, 8),
    "incident/high": (2, 18),
    "incident/normal": (4, 36),
    "incident/low": (8, 72),
    "consultation/*": (8, 45),
    "license/*": (4, 18),
    "version/*": (8, 27),
    "access/*": (4, 18),
    "wish/*": (16, 180),
    "*/*": (8, 45),
}


def parse_table(text: str | None) -> dict[str, tuple[float, float]]:
    """The default table updated with a desk's JSON overrides, e.g.
    ``{"incident/critical": [0.5, 4]}``."""
    table = dict(DEFAULT_TABLE)
    if text:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("the SLA table is a JSON object")
        for key, value in raw.items():
            if "/" not in key or not isinstance(value, list) or len(value) != 2:
                raise ValueError(f"bad SLA entry {key!r}: use 'type/priority': [hours, hours]")
            first, resolve = float(value[0]), float(value[1])
            if first <= 0 or resolve <= 0:
                raise ValueError(f"SLA hours must be positive in {key!r}")
            table[key] = (first, resolve)
    return table


def targets(
    table: dict[str, tuple[float, float]], ticket_type: str, priority: str
) -> tuple[timedelta, timedelta]:
    """Working time allowed for the first response and for the resolution."""
    for key in (f"{ticket_type}/{priority}", f"{ticket_type}/*", f"*/{priority}", "*/*"):
        if key in table:
            first, resolve = table[key]
            return timedelta(hours=first), timedelta(hours=resolve)
    raise KeyError("the SLA table has no '*/*' entry")


@dataclass(frozen=True)
class Deadline:
    """When a deadline is due and when its 80 % warning comes."""

    due_at: datetime
    warn_at: datetime


def deadline(
    calendar: BusinessCalendar,
    start: datetime,
    allowed: timedelta,
    paused: timedelta = timedelta(),
) -> Deadline:
    """The deadline `allowed` working time after `start`, pushed by working time paused."""
    return Deadline(
        due_at=calendar.add_working_time(start, allowed + paused),
        warn_at=calendar.add_working_time(start, allowed * WARN_SHARE + paused),
    )
