"""The act's rules: what is billed, how hours round and add up, how sheets and files are
named."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.reports import file_names, number_text, period_text, sheet_names
from desk.act import Month, TicketRow, TimeRow, billable_types, build_act, hours

ZONE = ZoneInfo("Europe/Moscow")
NOVEMBER = Month(2026, 11)


def ticket(
    number: int,
    *,
    org: str | None = "ООО «Ромашка»",
    type_: str = "consultation",
    client: str = "Иван Петров",
    created: datetime = datetime(2026, 11, 2, 7, tzinfo=UTC),
    closed: datetime | None = None,
) -> TicketRow:
    return TicketRow(number, type_, f"тема {number}", created, closed, org, client)


def entry(number: int, minutes: int, day: int, engineer: str = "Ольга") -> TimeRow:
    return TimeRow(number, minutes, date(2026, 11, day), engineer)


def test_months_parse_and_the_default_is_the_previous_one() -> None:
    assert Month.parse("2026-11") == NOVEMBER
    assert str(Month.parse(" 2026-1 ")) == "2026-01"
    for bad in ("2026-13", "2026-00", "11-2026", "2026/11", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)
    assert Month.previous(date(2026, 12, 1)) == NOVEMBER
    assert Month.previous(date(2027, 1, 31)) == Month(2026, 12)
    assert date(2026, 11, 30) in NOVEMBER and date(2026, 12, 1) not in NOVEMBER
    assert Month(2026, 12).next_first_day == date(2027, 1, 1)


def test_only_consultations_are_billed() -> None:
    assert billable_types() == ("consultation",)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(60, "1.00"), (1, "0.02"), (20, "0.33"), (100, "1.67"), (45, "0.75"), (3, "0.05")],
)
def test_hours_are_minutes_over_sixty_rounded_half_up(minutes: int, expected: str) -> None:
    assert hours(minutes) == Decimal(expected)


def test_billable_hours_by_work_date_per_organization_and_ticket() -> None:
    tickets = [
        ticket(1001, closed=datetime(2026, 11, 30, 21, 30, tzinfo=UTC)),  # 1 Dec in Moscow
        ticket(1002, type_="incident"),
        ticket(1003, org="АО «Вектор»"),
        ticket(1004, org=None, client="Пётр Иванов"),
        ticket(1005, org=None, client="Анна Белова"),
    ]
    entries = [
        entry(1001, 20, 5, "Борис"),
        entry(1001, 20, 3, "Ольга"),
        entry(1001, 20, 3, "Борис"),
        TimeRow(1001, 600, date(2026, 10, 31), "Ирина"),  # October: not in this act
        entry(1002, 60, 4),  # an incident: not billed
        entry(1003, 90, 10),
        entry(1004, 25, 11),
        entry(1005, 100, 12),
    ]
    act = build_act(NOVEMBER, tickets, entries, ZONE)
    assert [g.organization for g in act.groups] == ["АО «Вектор»", "ООО «Ромашка»", None]
    romashka = act.groups[1]
    (line,) = romashka.lines
    # Engineers in the order of their first entry: the 3rd before the 5th, as logged.
    assert line.engineers == ("Ольга", "Борис")
    assert (line.minutes, line.hours) == (60, Decimal("1.00"))
    assert (line.opened, line.closed) == (date(2026, 11, 2), date(2026, 12, 1))
    assert [(x.client, x.number) for x in act.groups[2].lines] == [
        ("Анна Белова", 1005),
        ("Пётр Иванов", 1004),
    ]
    assert [g.total for g in act.groups] == [Decimal("1.50"), Decimal("1.00"), Decimal("2.09")]
    assert act.total == Decimal("4.59")


def test_totals_add_up_the_rows_as_shown() -> None:
    tickets = [ticket(n) for n in (1001, 1002, 1003)]
    act = build_act(NOVEMBER, tickets, [entry(n, 20, 2) for n in (1001, 1002, 1003)], ZONE)
    # Three rows of 0.33: the total is 0.99, what the accountant adds up, not 1.00.
    assert act.groups[0].total == Decimal("0.99") and act.groups[0].minutes == 60


def test_a_month_without_hours_is_an_empty_act() -> None:
    act = build_act(NOVEMBER, [ticket(1001)], [TimeRow(1001, 30, date(2026, 12, 1), "О")], ZONE)
    assert act.empty and act.total == Decimal("0.00")


def test_sheet_names_fit_excel() -> None:
    names = sheet_names(
        [
            "ООО «Ромашка»: филиал [Север] / Юг",
            "ООО Очень длинное название организации номер один",
            "ООО Очень длинное название организации номер два",
            "'Кавычки'",
            "Сводка",
            "сводка",
            "***",
        ]
    )
    assert names[0] == "ООО «Ромашка» филиал Север Юг"
    assert names[1] == "ООО Очень длинное название орга"
    assert names[2] == "ООО Очень длинное название (2)"
    assert names[3] == "Кавычки"
    assert names[4:6] == ["Сводка", "сводка (2)"]
    assert names[6] == "-"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.casefold() for n in names}) == len(names)


def test_file_names_are_safe_and_unique() -> None:
    assert file_names(["ООО «Ромашка»", "A/B: C?", "..", "ооо «ромашка»"], ".csv") == [
        "ООО «Ромашка».csv",
        "A_B_ C_.csv",
        "-.csv",
        "ооо «ромашка» (2).csv",
    ]


def test_numbers_and_periods_in_each_language() -> None:
    assert number_text("ru", Decimal("12.5")) == "12,50"
    assert number_text("en", Decimal("12.5")) == "12.50"
    assert period_text("ru", NOVEMBER) == "за ноябрь 2026 г."
    assert period_text("en", NOVEMBER) == "November 2026"
