"""Time rules of a ticket's life: waiting for the client, auto-close, reopening, ratings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk.calendar import BusinessCalendar


@dataclass(frozen=True)
class WaitingClock:
    """When a ticket waiting for the client gets its reminder and when it closes."""

    remind_at: datetime
    close_at: datetime


def waiting_clock(calendar: BusinessCalendar, since: datetime, business_days: int) -> WaitingClock:
    """The reminder comes one business day before the auto-close (at once if the count is 1)."""
    close_at = calendar.add_business_days(since, business_days)
    remind_at = calendar.add_business_days(since, max(0, business_days - 1))
    return WaitingClock(remind_at=remind_at if business_days > 1 else since, close_at=close_at)


def can_reopen(closed_at: datetime | None, now: datetime, window_days: int) -> bool:
    """Whether the client may still reopen a closed ticket (calendar days after closing)."""
    if closed_at is None:
        return True
    return now - closed_at <= timedelta(days=window_days)


def valid_rating(value: int) -> bool:
    """Ratings are 1 to 5."""
    return 1 <= value <= 5


_NOT_A_REASON = {
    "срочно",
    "очень",
    "срочно!",
    "пожалуйста",
    "быстрее",
    "скорее",
    "надо",
    "нужно",
    "asap",
    "urgent",
    "urgently",
    "please",
    "very",
    "быстро",
    "горит",
    "важно",
    "important",
    "now",
    "сейчас",
    "сегодня",
    "today",
    "побыстрее",
    "прошу",
    "!",
    "критично",
    "critical",
}


def is_real_reason(text: str) -> bool:
    """A priority raise needs a reason: what breaks, for whom. "Срочно!!!" is not one."""
    words = [w for w in re.findall(r"\w+", text.lower()) if w]
    meaningful = [w for w in words if w not in _NOT_A_REASON and len(w) > 2]
    return len(meaningful) >= 3 and len(text.strip()) >= 15
