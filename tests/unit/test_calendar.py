"""Business days and working hours on the Russian production calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from desk.calendar import BusinessCalendar

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(zone=MSK)


def at(y: int, m: int, d: int, h: int = 12, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=MSK)


def test_weekends_are_skipped() -> None:
    # Wednesday 2025-03-12 + 5 business days = Wednesday 2025-03-19.
    assert CAL.add_business_days(at(2025, 3, 12, 15), 5) == at(2025, 3, 19, 15)
    # From Friday: Mon..Fri of the next week.
    assert CAL.add_business_days(at(2025, 3, 14, 15), 5) == at(2025, 3, 21, 15)


def test_new_year_holidays_are_skipped() -> None:
    # 2025-12-30 (Tue) is the last business day: 31 Dec 2025 was made a day off, then
    # 1-11 Jan 2026 are the New Year holidays.
    assert CAL.is_business_day(date(2025, 12, 30))
    assert not CAL.is_business_day(date(2025, 12, 31))
    assert not CAL.is_business_day(date(2026, 1, 9))
    assert CAL.add_business_days(at(2025, 12, 30, 10), 5) == at(2026, 1, 16, 10)


def test_a_transferred_day_off_is_skipped() -> None:
    # 2025-05-02 (Friday) was a day off transferred from a Saturday.
    assert not CAL.is_business_day(date(2025, 5, 2))
    assert CAL.add_business_days(at(2025, 4, 30, 12), 1) == at(2025, 5, 5, 12)


def test_a_working_saturday_counts() -> None:
    # 2024-12-28 was a working Saturday; 2025-11-01 too.
    assert CAL.is_business_day(date(2024, 12, 28))
    assert CAL.add_business_days(at(2024, 12, 27, 12), 1) == at(2024, 12, 28, 12)
    assert CAL.is_business_day(date(2025, 11, 1))


def test_the_desks_own_days_override_the_calendar() -> None:
    cal = BusinessCalendar(
        zone=MSK,
        extra_days_off=frozenset({date(2025, 3, 13)}),
        extra_working_days=frozenset({date(2025, 3, 15)}),
    )
    assert not cal.is_business_day(date(2025, 3, 13))
    assert cal.is_business_day(date(2025, 3, 15))  # a Saturday the desk works
    # Wed + 2: Thu is off, Fri counts, Sat counts.
    assert cal.add_business_days(at(2025, 3, 12, 9), 2) == at(2025, 3, 15, 9)


def test_business_days_between() -> None:
    assert CAL.business_days_between(at(2025, 3, 14), at(2025, 3, 21)) == 5
    assert CAL.business_days_between(at(2025, 3, 14), at(2025, 3, 14, 18)) == 0


def test_working_hours_boundaries() -> None:
    # Friday 17:00 + 2 working hours = Monday 10:00.
    assert CAL.add_working_time(at(2025, 3, 14, 17), timedelta(hours=2)) == at(2025, 3, 17, 10)
    # Before opening counts from 09:00; after closing from the next morning.
    assert CAL.add_working_time(at(2025, 3, 17, 7), timedelta(hours=1)) == at(2025, 3, 17, 10)
    assert CAL.add_working_time(at(2025, 3, 17, 20), timedelta(hours=1)) == at(2025, 3, 18, 10)
    # Exactly a working day.
    assert CAL.add_working_time(at(2025, 3, 17, 9), timedelta(hours=9)) == at(2025, 3, 17, 18)
    assert CAL.working_seconds(at(2025, 3, 14, 17), at(2025, 3, 17, 10)) == 2 * 3600


def test_working_hours_skip_the_new_year() -> None:
    assert CAL.add_working_time(at(2025, 12, 30, 17), timedelta(hours=2)) == at(2026, 1, 12, 10)


def test_a_pause_while_waiting_for_the_client_does_not_count() -> None:
    start, end = at(2025, 3, 17, 9), at(2025, 3, 18, 18)  # two working days: 18 h
    pause = (at(2025, 3, 17, 14), at(2025, 3, 18, 11))  # 4 h on Monday + 2 h on Tuesday
    assert CAL.working_seconds_excluding(start, end, [pause]) == 12 * 3600


def test_results_keep_the_callers_time_zone() -> None:
    utc_start = at(2025, 3, 14, 15).astimezone(ZoneInfo("UTC"))
    result = CAL.add_business_days(utc_start, 5)
    assert result.tzinfo == ZoneInfo("UTC")
    assert result == at(2025, 3, 21, 15)
