"""When the first answer is due, in the words a client reads: today, tomorrow, or the
weekday and date, relative to now in the desk's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.render import due_words, registered
from desk.calendar import BusinessCalendar
from desk.sla import deadline
from tests.unit.test_render import make_ticket

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(zone=MSK)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


def test_today_and_tomorrow() -> None:
    now = at(2026, 12, 3, 15, 0)  # a Thursday
    assert due_words("ru", at(2026, 12, 3, 16, 58), now=now, zone=MSK) == "сегодня до 16:58"
    assert due_words("en", at(2026, 12, 3, 16, 58), now=now, zone=MSK) == "today by 16:58"
    assert due_words("ru", at(2026, 12, 4, 11, 0), now=now, zone=MSK) == "завтра до 11:00"
    assert due_words("en", at(2026, 12, 4, 11, 0), now=now, zone=MSK) == "tomorrow by 11:00"


def test_further_away_the_weekday_and_the_date() -> None:
    now = at(2026, 12, 3, 17, 30)
    assert (
        due_words("ru", at(2026, 12, 7, 11, 0), now=now, zone=MSK)
        == "в понедельник, 7 декабря, до 11:00"
    )
    assert (
        due_words("en", at(2026, 12, 7, 11, 0), now=now, zone=MSK)
        == "on Monday, 7 December, by 11:00"
    )
    assert (
        due_words("ru", at(2026, 12, 8, 9, 5), now=now, zone=MSK)
        == "во вторник, 8 декабря, до 09:05"
    )


def test_a_friday_evening_ticket_is_due_on_monday() -> None:
    created = at(2025, 3, 14, 17, 30)  # Friday
    due = deadline(CAL, created, timedelta(hours=2)).due_at
    assert due == at(2025, 3, 17, 10, 30)
    assert due_words("ru", due, now=created, zone=MSK) == "в понедельник, 17 марта, до 10:30"
    assert due_words("en", due, now=created, zone=MSK) == "on Monday, 17 March, by 10:30"


def test_a_deadline_across_the_may_holidays() -> None:
    # Wednesday 30 April 2025, 17:00; 1-4 May are days off in Russia.
    created = at(2025, 4, 30, 17, 0)
    due = deadline(CAL, created, timedelta(hours=4)).due_at
    assert due == at(2025, 5, 5, 12, 0)
    assert due_words("ru", due, now=created, zone=MSK) == "в понедельник, 5 мая, до 12:00"
    # The day before a holiday, "tomorrow" is still the calendar's tomorrow.
    created = at(2025, 12, 30, 17, 30)
    due = deadline(CAL, created, timedelta(hours=1)).due_at
    assert due.astimezone(MSK).date() == datetime(2026, 1, 12).date()
    assert due_words("ru", due, now=created, zone=MSK) == "в понедельник, 12 января 2026, до 09:30"
    assert due_words("en", due, now=created, zone=MSK) == "on Monday, 12 January 2026, by 09:30"


def test_midnight_edges() -> None:
    due = at(2026, 12, 4, 9, 30)  # Friday morning
    # A minute before midnight it is tomorrow; at midnight and after, today.
    assert due_words("ru", due, now=at(2026, 12, 3, 23, 59), zone=MSK) == "завтра до 09:30"
    assert due_words("ru", due, now=at(2026, 12, 4, 0, 0), zone=MSK) == "сегодня до 09:30"
    # Days are counted in the desk's zone, not in UTC (00:30 in Moscow is 21:30 UTC the day
    # before).
    now = datetime(2026, 12, 3, 21, 30, tzinfo=UTC)
    assert due_words("ru", due.astimezone(UTC), now=now, zone=MSK) == "сегодня до 09:30"
    # A deadline at midnight belongs to the day that ends there.
    midnight = at(2026, 12, 5, 0, 0)
    assert due_words("ru", midnight, now=at(2026, 12, 4, 10, 0), zone=MSK) == "сегодня до 24:00"
    assert due_words("en", midnight, now=at(2026, 12, 3, 10, 0), zone=MSK) == "tomorrow by 24:00"


def test_the_confirmation_says_when_and_nothing_without_a_deadline() -> None:
    now = at(2026, 12, 3, 15, 0)
    ticket = make_ticket(created_at=now, fr_due_at=at(2026, 12, 3, 16, 58))
    text = registered(ticket, "ru", MSK, now=now)
    assert "Заявка <b>#1042</b> зарегистрирована" in text
    assert "Ожидайте первого ответа сегодня до 16:58." in text
    text = registered(make_ticket(created_at=now, fr_due_at=None), "en", MSK, now=now)
    assert "#1042" in text and "Expect" not in text and "by " not in text
