"""A known month of work for the act: put in a database through the storage layer.

November 2026, desk zone Europe/Moscow. Billable (consultations, work date in November):

=====================  ======  ==========================================  ======
organization           ticket  engineers                                   hours
=====================  ======  ==========================================  ======
АО «Вектор» (partner)  #1001   Ольга Смирнова                              2.00
ООО «Ромашка»          #1002   Ольга Смирнова, Борис Кузнецов              2.75
ООО «Ромашка»          #1004   Борис Кузнецов, Ольга Смирнова              0.83
(no organization)      #1006   Ольга Смирнова (client Анна Белова)         1.67
(no organization)      #1005   Борис Кузнецов (client Пётр Иванов)         0.42
=====================  ======  ==========================================  ======

Not billed: #1003 is an incident (1 h), #1001's hour of 29 October and #1004's half hour
of 1 December fall outside the month. Totals: Вектор 2.00, Ромашка 3.58, no organization
2.09; 7.67 in all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from desk.organizations import OrgKind
from storage import orgs, repo
from storage.models import Ticket, TimeEntry

ZONE = ZoneInfo("Europe/Moscow")
MONTH = "2026-11"
Engineer = tuple[int, str]
OLGA: Engineer = (7_000_000_001, "Ольга Смирнова")
BORIS: Engineer = (7_000_000_002, "Борис Кузнецов")


def msk(day: str, hour: int = 10) -> datetime:
    """A moment in the desk's zone, as stored (UTC)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZONE).astimezone(UTC)


async def add_client(
    session: AsyncSession, client_id: int, first: str, last: str, org: str | None = None
) -> None:
    """A client, linked to the organization `org` (made if new) when given."""
    client = await repo.upsert_client(
        session,
        client_id=client_id,
        first_name=first,
        last_name=last,
        username=None,
        language="ru",
        now=msk("2026-09-01"),
    )
    if org is not None:
        found = await orgs.find(session, org)
        if found is None:
            kind = OrgKind.PARTNER if "Вектор" in org else OrgKind.DIRECT
            found = await orgs.create(session, org, now=msk("2026-09-01"), kind=kind)
            if kind is OrgKind.PARTNER:
                found.partner_name = "ООО «Интегратор Плюс»"
        orgs.link(client, found)


async def add_ticket(
    session: AsyncSession,
    client_id: int,
    subject: str,
    *,
    created: datetime,
    closed: datetime | None = None,
    type_: str = "consultation",
) -> Ticket:
    """A ticket as registration stores it, closed at `closed` if given."""
    ticket = await repo.create_ticket(
        session,
        client_id=client_id,
        type_=type_,
        priority="normal",
        status="closed" if closed else "in_progress",
        subject=subject,
        description=subject,
        operator_chat_id=-100,
        now=created,
    )
    ticket.closed_at = closed
    return ticket


async def log_time(
    session: AsyncSession, ticket: Ticket, minutes: int, day: str, engineer: Engineer
) -> None:
    """A time entry, as ``/time`` would store it (typed the next morning)."""
    session.add(
        TimeEntry(
            ticket_id=ticket.id,
            engineer_id=engineer[0],
            engineer_name=engineer[1],
            minutes=minutes,
            work_date=date.fromisoformat(day),
            comment="",
            created_at=msk(day, 20),
        )
    )
    await session.flush()


# (client, subject, type, opened, closed, [(minutes, work date, engineer)]), in number order.
TICKETS: list[tuple[int, str, str, datetime, datetime | None, list[tuple[int, str, Engineer]]]] = [
    (
        5_000_000_002,
        "Обучение работе с отчётами",
        "consultation",
        msk("2026-10-28"),
        msk("2026-11-12", 16),
        [(60, "2026-10-29", OLGA), (120, "2026-11-11", OLGA)],
    ),
    (
        5_000_000_001,
        "Настройка обмена с 1С",
        "consultation",
        msk("2026-11-02"),
        msk("2026-11-06", 17),
        [(90, "2026-11-02", OLGA), (45, "2026-11-03", BORIS), (30, "2026-11-05", OLGA)],
    ),
    (
        5_000_000_001,
        "Не открывается карточка",
        "incident",
        msk("2026-11-09"),
        None,
        [(60, "2026-11-10", BORIS)],
    ),
    (
        5_000_000_001,
        "Права доступа для бухгалтерии",
        "consultation",
        msk("2026-11-20"),
        None,
        [
            (20, "2026-11-20", BORIS),
            (20, "2026-11-24", BORIS),
            (10, "2026-11-24", OLGA),
            (30, "2026-12-01", OLGA),
        ],
    ),
    (
        5_000_000_003,
        "Выгрузка реестра в Excel",
        "consultation",
        msk("2026-11-16"),
        msk("2026-11-16", 15),
        [(25, "2026-11-16", BORIS)],
    ),
    (
        5_000_000_004,
        "Настройка бюджетирования",
        "consultation",
        msk("2026-11-25"),
        msk("2026-11-30", 12),
        [(100, "2026-11-26", OLGA)],
    ),
]

#: ООО «Ромашка»'s rows in the Russian workbook, after the header, and its totals row.
ROMASHKA_ROWS: list[list[object]] = [
    [
        1002,
        "Консультация",
        "Настройка обмена с 1С",
        datetime(2026, 11, 2),
        datetime(2026, 11, 6),
        "Ольга Смирнова, Борис Кузнецов",
        2.75,
    ],
    [
        1004,
        "Консультация",
        "Права доступа для бухгалтерии",
        datetime(2026, 11, 20),
        None,
        "Борис Кузнецов, Ольга Смирнова",
        0.83,
    ],
    ["Итого", None, None, None, None, None, 3.58],
]


async def seed_act(session: AsyncSession) -> None:
    """The month described above."""
    await add_client(session, 5_000_000_001, "Иван", "Петров", "ООО «Ромашка»")
    await add_client(session, 5_000_000_002, "Мария", "Соколова", "АО «Вектор»")
    await add_client(session, 5_000_000_003, "Пётр", "Иванов")
    await add_client(session, 5_000_000_004, "Анна", "Белова")
    for client, subject, type_, opened, closed, entries in TICKETS:
        ticket = await add_ticket(
            session, client, subject, created=opened, closed=closed, type_=type_
        )
        for minutes, day, engineer in entries:
            await log_time(session, ticket, minutes, day, engineer)
