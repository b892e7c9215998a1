"""Business days and working hours of the desk: the Russian production calendar.

Weekends, public holidays and the government's transferred days off are not business days;
working Saturdays are (the ``holidays`` package knows both). A desk adds its own days off and
working days on top. All arithmetic is in the desk's time zone; inputs and outputs are aware
datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are business days, and the working hours on them."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Moscow"))
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    @cached_property
    def _official(self) -> holidays.HolidayBase:
        return holidays.country_holidays("RU", years=range(2020, 2041))

    def is_business_day(self, day: date) -> bool:
        """Whether people work on `day` at the desk."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return bool(self._official.is_working_day(day))

    def local(self, moment: datetime) -> datetime:
        """The moment in the desk's zone."""
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        return moment.astimezone(self.zone)

    # --- whole business days ---------------------------------------------------------------

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The moment `days` business days after `start`, at the same clock time.

        Counting starts the day after `start`: a ticket that waits from Friday 15:00 with
        five business days closes the next Friday 15:00 (or later, with holidays between).
        """
        local = self.local(start)
        day = local.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        return datetime.combine(day, local.timetz()).astimezone(start.tzinfo)

    def business_days_between(self, start: datetime, end: datetime) -> int:
        """How many business days begin after `start` and not later than `end`."""
        day = self.local(start).date()
        last = self.local(end).date()
        count = 0
        while day < last:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count

    # --- working hours ---------------------------------------------------------------------

    def _open(self, day: date) -> datetime:
        return datetime.combine(day, self.work_start, tzinfo=self.zone)

    def _close(self, day: date) -> datetime:
        return datetime.combine(day, self.work_end, tzinfo=self.zone)

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Working time between two moments, in seconds (0 if `end` is not after `start`)."""
        if end <= start:
            return 0.0
        a, b = self.local(start), self.local(end)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_business_day(day):
                lo = max(a, self._open(day))
                hi = min(b, self._close(day))
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of working time has passed since `start`."""
        remaining = duration.total_seconds()
        moment = self.local(start)
        day = moment.date()
        while True:
            if self.is_business_day(day):
                lo = max(moment, self._open(day))
                hi = self._close(day)
                if hi > lo:
                    available = (hi - lo).total_seconds()
                    if remaining <= available:
                        return (lo + timedelta(seconds=remaining)).astimezone(start.tzinfo)
                    remaining -= available
            day += timedelta(days=1)
            moment = self._open(day)

    def working_seconds_excluding(
        self, start: datetime, end: datetime, pauses: Iterable[tuple[datetime, datetime]]
    ) -> float:
        """Working time between two moments, less the working time of the pauses in it."""
        total = self.working_seconds(start, end)
        for p_start, p_end in pauses:
            lo, hi = max(p_start, start), min(p_end, end)
            total -= self.working_seconds(lo, hi)
        return max(0.0, total)
