"""Waiting for the client, auto-close, reopening and ratings, as plain rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from desk.calendar import BusinessCalendar
from desk.lifecycle import can_reopen, is_real_reason, valid_rating, waiting_clock

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(zone=MSK)


def test_five_business_days_with_a_reminder_one_day_before() -> None:
    since = datetime(2025, 3, 14, 15, tzinfo=MSK)  # Friday
    clock = waiting_clock(CAL, since, 5)
    assert clock.close_at == datetime(2025, 3, 21, 15, tzinfo=MSK)
    assert clock.remind_at == datetime(2025, 3, 20, 15, tzinfo=MSK)


def test_the_count_spans_the_new_year_holidays() -> None:
    since = datetime(2025, 12, 29, 11, tzinfo=MSK)
    clock = waiting_clock(CAL, since, 5)
    assert clock.close_at == datetime(2026, 1, 15, 11, tzinfo=MSK)
    assert clock.remind_at == datetime(2026, 1, 14, 11, tzinfo=MSK)


def test_reopen_window() -> None:
    closed = datetime(2025, 3, 1, tzinfo=MSK)
    assert can_reopen(closed, closed + timedelta(days=30), 30)
    assert not can_reopen(closed, closed + timedelta(days=31), 30)


def test_ratings_are_one_to_five() -> None:
    assert [v for v in range(-1, 8) if valid_rating(v)] == [1, 2, 3, 4, 5]


def test_urgent_alone_is_not_a_reason() -> None:
    for text in ("срочно", "СРОЧНО!!!", "очень срочно, пожалуйста", "urgent asap", "надо сегодня"):
        assert not is_real_reason(text)
    assert is_real_reason("Не работает подписание у всего отдела закупок, стоят платежи")
    assert is_real_reason("Server is down for all 200 users since the morning")
