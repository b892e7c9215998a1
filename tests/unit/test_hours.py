"""``/time``'s rules: durations, work dates, comments, refusals, and hours for billing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desk.hours import (
    MAX_DAYS_BACK,
    Entry,
    Refusal,
    Refused,
    decimal_hours,
    parse_entry,
    split_minutes,
)

TODAY = date(2026, 12, 1)


def minutes(text: str) -> int:
    entry = parse_entry(text, today=TODAY)
    assert isinstance(entry, Entry), entry
    return entry.minutes


def refusal(text: str) -> Refusal:
    entry = parse_entry(text, today=TODAY)
    assert isinstance(entry, Refused), entry
    return entry.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1h30m", 90),
        ("1ч30м", 90),
        ("1ч 30м", 90),
        ("1 ч 30 мин", 90),
        ("1H30M", 90),
        ("2h", 120),
        ("2 часа", 120),
        ("1hour", 60),
        ("45m", 45),
        ("45min", 45),
        ("90m", 90),
        ("90 минут", 90),
        ("1.5h", 90),
        ("1,5ч", 90),
        ("1:30", 90),
        ("0:05", 5),
        ("1,5", 90),
        ("0.25", 15),
        ("2", 120),
        ("0.1", 6),
        ("24h", 1440),
        ("24", 1440),
        ("23:59", 1439),
        ("0.01", 1),  # 0.6 minutes: rounded to the nearest whole minute
    ],
)
def test_durations(text: str, expected: int) -> None:
    assert minutes(text) == expected


def test_a_bare_number_is_hours_not_minutes() -> None:
    assert minutes("90m") == 90
    assert refusal("90") is Refusal.TOO_LONG  # 90 hours


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0", Refusal.ZERO),
        ("0m", Refusal.ZERO),
        ("0h0m", Refusal.ZERO),
        ("0:00", Refusal.ZERO),
        ("0.005", Refusal.ZERO),  # 0.3 minutes round to none
        ("-1", Refusal.NEGATIVE),
        ("-30m", Refusal.NEGATIVE),
        ("− 1h", Refusal.NEGATIVE),
        ("24h1m", Refusal.TOO_LONG),
        ("25h", Refusal.TOO_LONG),
        ("24.5", Refusal.TOO_LONG),
        ("abc", Refusal.UNPARSEABLE),
        ("1.5.2", Refusal.UNPARSEABLE),
        ("1,5,", Refusal.UNPARSEABLE),
        ("h", Refusal.UNPARSEABLE),
        ("1hx", Refusal.UNPARSEABLE),
        ("1:75", Refusal.UNPARSEABLE),
        ("-abc", Refusal.UNPARSEABLE),
        ("настройка 1h", Refusal.UNPARSEABLE),
    ],
)
def test_refused_durations(text: str, reason: Refusal) -> None:
    assert refusal(text) is reason


def test_a_refusal_names_the_words_it_is_about() -> None:
    assert parse_entry("25h сервер", today=TODAY) == Refused(Refusal.TOO_LONG, "25h")
    assert parse_entry("1h 31.02 x", today=TODAY) == Refused(Refusal.BAD_DATE, "31.02")
    assert parse_entry("-1", today=TODAY) == Refused(Refusal.NEGATIVE, "-1")


def test_without_a_date_the_work_is_today_s() -> None:
    assert parse_entry("1h30m", today=TODAY) == Entry(90, TODAY, "")


def test_the_comment_is_the_rest_of_the_line() -> None:
    assert parse_entry("1h30m  настройка обмена", today=TODAY) == Entry(
        90, TODAY, "настройка обмена"
    )


def test_a_comment_with_digits_is_not_a_duration_or_a_date() -> None:
    assert parse_entry("1h 5 серверов, 2 базы", today=TODAY) == Entry(
        60, TODAY, "5 серверов, 2 базы"
    )
    assert parse_entry("1,5 обновил до 8.3.25", today=TODAY) == Entry(
        90, TODAY, "обновил до 8.3.25"
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-11-27", date(2026, 11, 27)),
        ("27.11.2026", date(2026, 11, 27)),
        ("27.11", date(2026, 11, 27)),
        ("1.12", date(2026, 12, 1)),
        ("01.12.2026", TODAY),
        ("2025-12-01", date(2025, 12, 1)),
    ],
)
def test_work_dates(written: str, expected: date) -> None:
    assert parse_entry(f"0.25 {written} выезд", today=TODAY) == Entry(15, expected, "выезд")


def test_a_day_and_month_ahead_of_today_is_last_year_s() -> None:
    assert parse_entry("1h 30.12 отчёт", today=date(2027, 1, 2)) == Entry(
        60, date(2026, 12, 30), "отчёт"
    )


def test_the_date_comes_before_the_comment() -> None:
    # A date after the comment's first word is part of the comment.
    assert parse_entry("1h обмен 27.11", today=TODAY) == Entry(60, TODAY, "обмен 27.11")


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("31.02", Refusal.BAD_DATE),
        ("31.02.2026", Refusal.BAD_DATE),
        ("2026-02-30", Refusal.BAD_DATE),
        ("2026-13-01", Refusal.BAD_DATE),
        ("00.11", Refusal.BAD_DATE),
        ("2026-12-02", Refusal.FUTURE),
        ("02.12.2026", Refusal.FUTURE),
        ("01.01.2027", Refusal.FUTURE),
        ("2025-11-29", Refusal.TOO_OLD),
        ("01.01.2020", Refusal.TOO_OLD),
    ],
)
def test_refused_dates(written: str, reason: Refusal) -> None:
    assert refusal(f"1h {written} комментарий") is reason


def test_the_oldest_date_allowed_is_a_year_and_a_day_back() -> None:
    oldest = date(2025, 11, 30)
    assert (TODAY - oldest).days == MAX_DAYS_BACK
    assert parse_entry(f"1h {oldest.isoformat()}", today=TODAY) == Entry(60, oldest)


def test_hours_and_minutes_apart() -> None:
    assert split_minutes(90) == (1, 30)
    assert split_minutes(45) == (0, 45)
    assert split_minutes(120) == (2, 0)
    assert split_minutes(0) == (0, 0)


@pytest.mark.parametrize(
    ("total", "hours"),
    [(90, "1.5"), (15, "0.25"), (120, "2"), (20, "0.33"), (1, "0.02"), (0, "0"), (600, "10")],
)
def test_decimal_hours_for_billing(total: int, hours: str) -> None:
    assert decimal_hours(total) == Decimal(hours)
    assert str(decimal_hours(total)) == hours
