"""The act's and the figures' rows, loaded from SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports import act_csv, act_xlsx
from desk.act import Month, billable_types
from storage import repo, reports
from storage.db import create_engine, create_sessionmaker, run_migrations
from storage.reports import UnknownOrganization, load_act, load_figures
from tests.report_data import ROMASHKA_ROWS, ZONE, add_client, add_ticket, msk, seed_act

NOVEMBER = Month(2026, 11)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    await run_migrations(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def seeded(
    sessions: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    async with sessions() as session, session.begin():
        await seed_act(session)
    return sessions


async def test_the_month_s_consultation_hours_by_work_date(
    seeded: async_sessionmaker[AsyncSession],
) -> None:
    async with seeded() as session:
        tickets, entries = await reports.act_rows(session, month=NOVEMBER, types=billable_types())
    assert sorted(t.number for t in tickets) == [1001, 1002, 1004, 1005, 1006]
    # The incident's hour and the entries of 29 October and 1 December are not loaded.
    assert sum(e.minutes for e in entries) == 120 + 165 + 50 + 25 + 100
    assert [e.work_date.isoformat() for e in entries] == sorted(
        e.work_date.isoformat() for e in entries
    )
    training = next(t for t in tickets if t.number == 1001)
    assert (training.organization, training.client) == ("АО «Вектор»", "Мария Соколова")
    assert training.created_at == msk("2026-10-28")
    assert training.closed_at == msk("2026-11-12", 16)
    assert next(t for t in tickets if t.number == 1005).organization is None


async def test_the_act_per_organization_and_per_ticket(
    seeded: async_sessionmaker[AsyncSession],
) -> None:
    async with seeded() as session:
        act = await load_act(session, NOVEMBER, ZONE)
    assert [g.organization for g in act.groups] == ["АО «Вектор»", "ООО «Ромашка»", None]
    assert [g.total for g in act.groups] == [Decimal("2.00"), Decimal("3.58"), Decimal("2.09")]
    assert act.total == Decimal("7.67")
    romashka = act.groups[1]
    assert [(line.number, line.engineers, line.hours) for line in romashka.lines] == [
        (1002, ("Ольга Смирнова", "Борис Кузнецов"), Decimal("2.75")),
        (1004, ("Борис Кузнецов", "Ольга Смирнова"), Decimal("0.83")),
    ]
    assert [(line.client, line.number) for line in act.groups[2].lines] == [
        ("Анна Белова", 1006),
        ("Пётр Иванов", 1005),
    ]


async def test_one_organization_by_its_name_however_written(
    seeded: async_sessionmaker[AsyncSession],
) -> None:
    async with seeded() as session:
        act = await load_act(session, NOVEMBER, ZONE, organization="ооо ромашка")
        with pytest.raises(UnknownOrganization):
            await load_act(session, NOVEMBER, ZONE, organization="Нет такой")
        october = await load_act(session, Month(2026, 10), ZONE)
    assert [g.organization for g in act.groups] == ["ООО «Ромашка»"]
    assert [line.number for line in act.groups[0].lines] == [1002, 1004]
    assert [(g.organization, g.total) for g in october.groups] == [
        ("АО «Вектор»", Decimal("1.00"))
    ]


async def test_the_figures_rows_of_the_period(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = msk("2026-11-25", 12)  # a Wednesday
    async with sessions() as session, session.begin():
        await add_client(session, 5_000_000_009, "Олег", "Юдин")
        answered = await add_ticket(
            session, 5_000_000_009, "в срок", created=msk("2026-11-23"), closed=now
        )
        answered.fr_due_at = msk("2026-11-23", 14)
        answered.first_response_at = msk("2026-11-23", 11)
        answered.csat = 4
        late = await add_ticket(session, 5_000_000_009, "поздно", created=msk("2026-11-10"))
        late.fr_due_at = msk("2026-11-10", 14)
        late.first_response_at = msk("2026-11-11", 9)
        waiting = await add_ticket(session, 5_000_000_009, "ждёт", created=msk("2026-11-25", 11))
        waiting.fr_due_at = msk("2026-11-25", 15)  # not passed yet: not judged
        old = await add_ticket(session, 5_000_000_009, "давно", created=msk("2026-06-01"))
        old.closed_at = msk("2026-06-02")
        for outcome, helped, ticket_id in (
            ("results", True, None),
            ("results", False, 1),
            ("none", None, None),
            ("greeting", None, None),
        ):
            search = await repo.record_search(
                session,
                client_id=5_000_000_009,
                query="как выгрузить",
                message_id=None,
                outcome=outcome,
                results="[]",
                source="chat",
                now=msk("2026-11-24"),
            )
            search.helped, search.ticket_id = helped, ticket_id
    async with sessions() as session:
        tickets, searches = await reports.stats_rows(session, since=now - timedelta(weeks=4))
        figures = await load_figures(session, now=now, weeks=4, zone=ZONE)
    assert len(tickets) == 3 and len(searches) == 3  # the old ticket and the greeting aside
    assert [(w.start.isoformat(), w.opened, w.closed) for w in figures.weeks] == [
        ("2026-11-02", 0, 0),
        ("2026-11-09", 1, 0),
        ("2026-11-16", 0, 0),
        ("2026-11-23", 2, 1),
    ]
    assert (figures.first_response.part, figures.first_response.whole) == (1, 2)
    assert figures.rating == 4.0
    assert (figures.kb.part, figures.kb.whole) == (1, 3)
    assert all(t.created_at.tzinfo is UTC for t in tickets)
    assert figures.end.isoformat() == "2026-11-29"


async def test_the_workbook_cell_by_cell(seeded: async_sessionmaker[AsyncSession]) -> None:
    async with seeded() as session:
        act = await load_act(session, NOVEMBER, ZONE)
    book = load_workbook(io.BytesIO(act_xlsx(act, "ru")))
    assert book.sheetnames == ["АО «Вектор»", "ООО «Ромашка»", "Без организации", "Сводка"]
    sheet = book["ООО «Ромашка»"]
    assert sheet["A1"].value == "Акт выполненных работ — ООО «Ромашка»"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "за ноябрь 2026 г."
    header = [c.value for c in sheet[4]]
    assert header == ["№ заявки", "Тип", "Тема", "Открыта", "Закрыта", "Инженеры", "Часы"]
    assert all(c.font.bold for c in sheet[4])
    assert sheet.freeze_panes == "A5"
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=5)] == ROMASHKA_ROWS
    assert sheet["D5"].number_format == "DD.MM.YYYY" and sheet["D5"].is_date
    assert sheet["G5"].number_format == "0.00"
    assert sheet["G7"].font.bold and sheet["G7"].number_format == "0.00"
    assert sheet.max_row == 7
    assert sheet.column_dimensions["C"].width == 46
    assert sheet.page_setup.orientation == "landscape"
    fit = sheet.sheet_properties.pageSetUpPr
    assert sheet.page_setup.fitToWidth == 1 and fit is not None and fit.fitToPage
    assert sheet.print_title_rows == "$4:$4"

    nobody = book["Без организации"]
    assert nobody["A1"].value == "Акт выполненных работ — Без организации"
    assert [c.value for c in nobody[4]][:3] == ["№ заявки", "Клиент", "Тип"]
    assert [(r[0].value, r[1].value, r[7].value) for r in nobody.iter_rows(min_row=5)] == [
        (1006, "Анна Белова", 1.67),
        (1005, "Пётр Иванов", 0.42),
        ("Итого", None, 2.09),
    ]
    summary = book["Сводка"]
    assert [[c.value for c in row] for row in summary.iter_rows(min_row=4)] == [
        ["Организация", "Заявок", "Часы"],
        ["АО «Вектор»", 1, 2.0],
        ["ООО «Ромашка»", 2, 3.58],
        ["Без организации", 2, 2.09],
        ["Итого", 5, 7.67],
    ]

    english = load_workbook(io.BytesIO(act_xlsx(act, "en")))
    assert english.sheetnames[-2:] == ["No organization", "Summary"]
    first = english["АО «Вектор»"]
    assert (first["A1"].value, first["A2"].value) == (
        "Act of completed work — АО «Вектор»",
        "November 2026",
    )
    assert [c.value for c in first[4]] == [
        "Ticket",
        "Type",
        "Subject",
        "Opened",
        "Closed",
        "Engineers",
        "Hours",
    ]


async def test_the_csv_files_cell_by_cell(seeded: async_sessionmaker[AsyncSession]) -> None:
    async with seeded() as session:
        act = await load_act(session, NOVEMBER, ZONE)
    files = dict(act_csv(act, "ru"))
    assert list(files) == ["АО «Вектор».csv", "ООО «Ромашка».csv", "Без организации.csv"]
    raw = files["ООО «Ромашка».csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["№ заявки", "Тип", "Тема", "Открыта", "Закрыта", "Инженеры", "Часы"],
        [
            "1002",
            "Консультация",
            "Настройка обмена с 1С",
            "02.11.2026",
            "06.11.2026",
            "Ольга Смирнова, Борис Кузнецов",
            "2,75",
        ],
        [
            "1004",
            "Консультация",
            "Права доступа для бухгалтерии",
            "20.11.2026",
            "",
            "Борис Кузнецов, Ольга Смирнова",
            "0,83",
        ],
        ["Итого", "", "", "", "", "", "3,58"],
    ]
    nobody = list(
        csv.reader(io.StringIO(files["Без организации.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert [r[:2] + r[-1:] for r in nobody[1:]] == [
        ["1006", "Анна Белова", "1,67"],
        ["1005", "Пётр Иванов", "0,42"],
        ["Итого", "", "2,09"],
    ]
    english = dict(act_csv(act, "en"))["No organization.csv"].decode("utf-8-sig")
    assert english.splitlines()[1] == (
        "1006,Анна Белова,Consultation,Настройка бюджетирования,2026-11-25,2026-11-30,"
        "Ольга Смирнова,1.67"
    )
